import { describe, expect, it } from "vitest";

import {
  CELL_GAP,
  MARGIN,
  brushed,
  cellAt,
  clampToBox,
  matrixLayout,
  nearestPoint,
  scaledRows,
} from "./matrixLayout";

describe("matrixLayout", () => {
  it("puts each layer's square matrix side by side, cells row by row", () => {
    const layout = matrixLayout([2, 3], 1000);
    expect(layout.cells).toHaveLength(4 + 9);
    const [first, second] = layout.matrices;
    expect(second?.x).toBeGreaterThan((first?.x ?? 0) + (first?.width ?? 0));
    const cell = layout.cells[5];
    expect(cell).toMatchObject({ layer: 1, row: 0, column: 1 });
    expect(cellAt(layout, (cell?.box.x ?? 0) + 1, (cell?.box.y ?? 0) + 1)).toBe(cell);
    // Between two cells there is no cell.
    const left = layout.cells[0]?.box;
    expect(cellAt(layout, (left?.x ?? 0) + (left?.width ?? 0) + CELL_GAP / 2, 1)).toBeNull();
  });
});

describe("a gesture past its cell's edge", () => {
  it("stops at the edge: outside points move to the nearest point of the cell, inside ones stay", () => {
    const box = { x: 10, y: 20, width: 100, height: 50 };
    expect(clampToBox(box, 60, 40)).toEqual({ x: 60, y: 40 });
    expect(clampToBox(box, 300, 40)).toEqual({ x: 110, y: 40 });
    expect(clampToBox(box, -5, 90)).toEqual({ x: 10, y: 70 });
    expect(clampToBox(box, 50, 0)).toEqual({ x: 50, y: 20 });
  });
});

describe("a pair", () => {
  it("is one plot as large as a 2 x 2 matrix, plotting its first dimension on x", () => {
    const layout = matrixLayout([2, 2], 1000, [true, false]);
    expect(layout.cells).toHaveLength(1 + 4);
    const [pair, matrix] = layout.matrices;
    expect(layout.cells[0]).toMatchObject({ layer: 0, row: 1, column: 0, box: pair });
    expect(pair?.width).toBe(matrix?.width);
  });
});

describe("the points' values", () => {
  // Row 0 holds classes; rows 1 and 2 a dimension each; four points.
  const raw = Float32Array.from([3, 1, 4, 1, 0, 10, 5, 5, 2, 2, 2, 2]);
  const scaled = scaledRows(raw, 3, 4);

  it("scale each dimension into the cell's margins, classes untouched, constants to the margin", () => {
    expect(Array.from(scaled.subarray(0, 4))).toEqual([3, 1, 4, 1]);
    expect(scaled[4]).toBeCloseTo(MARGIN);
    expect(scaled[5]).toBeCloseTo(1 - MARGIN);
    expect(scaled[6]).toBeCloseTo(0.5);
    expect(Array.from(scaled.subarray(8))).toEqual(Array(4).fill(Math.fround(MARGIN)));
  });

  it("select exactly the points inside a brush, whichever corner it started from", () => {
    const layout = matrixLayout([2], 400);
    const cell = layout.cells[0];
    if (cell === undefined) {
      throw new Error("no cell");
    }
    const mask = new Uint8Array(4);
    const picked = brushed(scaled, 4, { x: 1, y: 2 }, { cell, u0: 0.6, v0: 0.9, u1: 0.4, v1: 0 }, mask);
    expect(picked).toEqual([2, 3]);
    expect(Array.from(mask)).toEqual([0, 0, 1, 1]);
  });

  it("hover the nearest point within the radius only", () => {
    const box = { x: 0, y: 0, width: 100, height: 100 };
    const rows = { x: 1, y: 2 };
    // Point 1 is drawn at (96, 96): x = 1 - MARGIN, y flipped from MARGIN.
    expect(nearestPoint(scaled, 4, rows, box, 95, 95, 3)).toBe(1);
    expect(nearestPoint(scaled, 4, rows, box, 80, 80, 3)).toBeNull();
  });

  it("hover a point where a zoomed cell draws it", () => {
    const box = { x: 0, y: 0, width: 100, height: 100 };
    // Zoomed to the upper half of x and the lower half of y: point 1 (x 0.96, y 0.04) is
    // drawn at (92, 92), and where it was unzoomed lies nothing.
    const view = { x: [0.5, 1] as const, y: [0, 0.5] as const };
    expect(nearestPoint(scaled, 4, { x: 1, y: 2 }, box, 92, 92, 2, view)).toBe(1);
    expect(nearestPoint(scaled, 4, { x: 1, y: 2 }, box, 96, 96, 2, view)).toBeNull();
  });
});
