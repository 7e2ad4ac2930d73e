import { describe, expect, it } from "vitest";

import {
  MAX_ZOOM,
  cellInGrid,
  cellOf,
  cellRect,
  clampPixel,
  clampView,
  fullView,
  imageToScreen,
  panBy,
  pixelAt,
  screenToImage,
  stepPixel,
  zoomAt,
} from "./geometry";

// A 1023x767 image (odd sizes, like a real photo capped at 1023 px) in a 400x300 panel.
const image = { width: 1023, height: 767 };
const panel = { width: 400, height: 300 };

describe("grid and cells", () => {
  it("puts pixel (x, y) in cell (floor(x / s), floor(y / s))", () => {
    expect(cellOf({ x: 0, y: 0 }, 8)).toEqual({ x: 0, y: 0 });
    expect(cellOf({ x: 7, y: 8 }, 8)).toEqual({ x: 0, y: 1 });
    expect(cellOf({ x: 1022, y: 766 }, 16)).toEqual({ x: 63, y: 47 });
  });

  it("clamps a pixel's cell to the layer's grid", () => {
    expect(cellInGrid({ x: 1022, y: 766 }, 16, { width: 64, height: 48 })).toEqual({ x: 63, y: 47 });
    // A floor-rounding network (VGG): 1023 // 16 = 63 cells, and the last 15 pixels of each
    // row belong to no cell; pointed at, they take the last one.
    expect(cellInGrid({ x: 1022, y: 766 }, 16, { width: 63, height: 47 })).toEqual({ x: 62, y: 46 });
  });

  it("keeps a pixel inside the image", () => {
    expect(clampPixel({ x: -3, y: 800 }, image)).toEqual({ x: 0, y: 766 });
    expect(clampPixel({ x: 5, y: 6 }, image)).toEqual({ x: 5, y: 6 });
  });

  it("cuts the last row and column of cells at the image edge", () => {
    expect(cellRect({ x: 63, y: 47 }, 16, image)).toEqual({ x0: 1008, y0: 752, x1: 1023, y1: 767 });
    expect(cellRect({ x: 2, y: 3 }, 4, image)).toEqual({ x0: 8, y0: 12, x1: 12, y1: 16 });
  });

  it("finds the pixel under a point and nothing outside the image", () => {
    expect(pixelAt({ x: 10.99, y: 0 }, image)).toEqual({ x: 10, y: 0 });
    expect(pixelAt({ x: 1022.5, y: 766.5 }, image)).toEqual({ x: 1022, y: 766 });
    expect(pixelAt({ x: 1023, y: 10 }, image)).toBeNull();
    expect(pixelAt({ x: -0.01, y: 10 }, image)).toBeNull();
  });
});

describe("screen <-> image", () => {
  it("fits the whole image at zoom 1, centred", () => {
    const view = fullView(image);
    const scale = Math.min(400 / 1023, 300 / 767);
    expect(screenToImage({ x: 200, y: 150 }, panel, image, view)).toEqual({ x: 511.5, y: 383.5 });
    const topLeft = imageToScreen({ x: 0, y: 0 }, panel, image, view);
    expect(topLeft.x).toBeCloseTo(200 - 511.5 * scale, 9);
    expect(topLeft.y).toBeCloseTo(150 - 383.5 * scale, 9);
  });

  it("round-trips at any zoom and pan", () => {
    const view = { zoom: 3.7, centerX: 300.25, centerY: 611 };
    for (const point of [
      { x: 0, y: 0 },
      { x: 399.5, y: 12.25 },
      { x: 123, y: 299 },
    ]) {
      const back = imageToScreen(screenToImage(point, panel, image, view), panel, image, view);
      expect(back.x).toBeCloseTo(point.x, 9);
      expect(back.y).toBeCloseTo(point.y, 9);
    }
  });
});

describe("zoom and pan", () => {
  it("keeps the image point under the pointer fixed while zooming", () => {
    const anchor = { x: 100, y: 80 };
    const before = screenToImage(anchor, panel, image, fullView(image));
    const zoomed = zoomAt(fullView(image), anchor, 2, panel, image);
    expect(zoomed.zoom).toBe(2);
    const after = screenToImage(anchor, panel, image, zoomed);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
  });

  it("limits zoom to [1, MAX_ZOOM] and keeps the image in view", () => {
    expect(zoomAt(fullView(image), { x: 0, y: 0 }, 0.1, panel, image)).toEqual(fullView(image));
    expect(zoomAt(fullView(image), { x: 0, y: 0 }, 1e6, panel, image).zoom).toBe(MAX_ZOOM);
    const dragged = panBy({ zoom: 4, centerX: 500, centerY: 400 }, 1e5, -1e5, panel, image);
    const topLeft = screenToImage({ x: 0, y: 0 }, panel, image, dragged);
    const bottomRight = screenToImage({ x: 400, y: 0 }, panel, image, dragged);
    expect(topLeft.x).toBeCloseTo(0, 9);
    expect(bottomRight.x).toBeLessThanOrEqual(1023);
    expect(screenToImage({ x: 0, y: 300 }, panel, image, dragged).y).toBeCloseTo(767, 9);
  });

  it("moves the image with the pointer when panning", () => {
    const view = { zoom: 4, centerX: 500, centerY: 400 };
    const grabbed = screenToImage({ x: 100, y: 100 }, panel, image, view);
    const panned = panBy(view, 30, -20, panel, image);
    const now = imageToScreen(grabbed, panel, image, panned);
    expect(now.x).toBeCloseTo(130, 9);
    expect(now.y).toBeCloseTo(80, 9);
  });

  it("centres an axis the image does not fill", () => {
    const wide = { width: 1000, height: 100 };
    expect(clampView({ zoom: 1, centerX: 0, centerY: 0 }, panel, wide)).toEqual(fullView(wide));
  });
});

describe("stepping with the arrow keys", () => {
  it("moves by whole cells of the finest layer and stops at the edges", () => {
    expect(stepPixel({ x: 5, y: 5 }, 1, 0, 4, image)).toEqual({ x: 9, y: 5 });
    expect(stepPixel({ x: 5, y: 5 }, 0, -1, 4, image)).toEqual({ x: 5, y: 1 });
    expect(stepPixel({ x: 2, y: 5 }, -1, 0, 4, image)).toEqual({ x: 0, y: 5 });
    expect(stepPixel({ x: 1020, y: 765 }, 1, 1, 4, image)).toEqual({ x: 1022, y: 766 });
  });
});
