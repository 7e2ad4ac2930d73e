import { describe, expect, it } from "vitest";

import { fullView, imageToScreen } from "../geometry";
import { placePanel } from "./placement";

const image = { width: 250, height: 170 }; // odd sizes: the last cells are cut
const box = { x: 300.4, y: 44, width: 200, height: 136 };

describe("placePanel", () => {
  it("puts the viewport at the panel's box in device pixels, bottom-left origin", () => {
    const placed = placePanel({
      box,
      canvasHeight: 400,
      pixelRatio: 2,
      image,
      view: fullView(image),
      stride: 16,
      grid: null,
      reference: null,
      pinned: null,
    });
    expect(placed.viewport).toEqual({ x: 601, y: 400 - 88 - 272, width: 400, height: 272 });
    expect(placed.reference).toBeNull();
    expect(placed.marker).toBeNull();
  });

  it("maps device pixels back to the image consistently with the markers", () => {
    const view = { zoom: 3, centerX: 80, centerY: 100 };
    const placed = placePanel({
      box,
      canvasHeight: 400,
      pixelRatio: 1.5,
      image,
      view,
      stride: 16,
      grid: null,
      reference: { x: 90, y: 101 },
      pinned: { x: 70, y: 95 },
    });
    // What the shader computes for the marker's device pixel is the pixel's centre.
    const reference = placed.reference ?? { x: NaN, y: NaN };
    expect(placed.toImage.x + reference.x * placed.toImage.perPixel).toBeCloseTo(90.5, 9);
    expect(placed.toImage.y + reference.y * placed.toImage.perPixel).toBeCloseTo(101.5, 9);
    const pinned = placed.pinned ?? { x: NaN, y: NaN };
    expect(placed.toImage.x + pinned.x * placed.toImage.perPixel).toBeCloseTo(70.5, 9);
    // The marker on the stage is the same point in CSS pixels.
    const local = imageToScreen({ x: 90.5, y: 101.5 }, box, image, view);
    expect(placed.marker).toEqual({ x: box.x + local.x, y: box.y + local.y });
  });

  it("frames the reference cell, cut at the image edge", () => {
    const placed = placePanel({
      box: { x: 0, y: 0, width: 250, height: 170 },
      canvasHeight: 170,
      pixelRatio: 1,
      image,
      view: fullView(image),
      stride: 16,
      grid: null,
      reference: { x: 249, y: 169 },
      pinned: null,
    });
    expect(placed.referenceCell).toEqual({ x0: 240, y0: 160, x1: 250, y1: 170 });
  });

  it("frames the last cell of a floor-rounding grid for a pixel past it", () => {
    // VGG: 250 // 16 = 15 and 170 // 16 = 10 cells; pixel (249, 169) lies past both.
    const placed = placePanel({
      box: { x: 0, y: 0, width: 250, height: 170 },
      canvasHeight: 170,
      pixelRatio: 1,
      image,
      view: fullView(image),
      stride: 16,
      grid: { width: 15, height: 10 },
      reference: { x: 249, y: 169 },
      pinned: null,
    });
    expect(placed.referenceCell).toEqual({ x0: 224, y0: 144, x1: 240, y1: 160 });
  });
});
