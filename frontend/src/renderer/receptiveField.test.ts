import { describe, expect, it } from "vitest";

import { receptiveFieldOf } from "./receptiveField";

const field = {
  size: 11,
  jump: 4,
  centre: 1.5,
  columns: [
    [-4, 7],
    [0, 11],
  ],
  rows: [[-4, 7]],
};

describe("receptiveFieldOf", () => {
  it("takes the cell's column and row spans as they came", () => {
    expect(receptiveFieldOf(field, { x: 1, y: 0 })).toEqual({ x0: 0, y0: -4, x1: 11, y1: 7 });
  });

  it("is null without a field, a cell, or for a cell past the spans", () => {
    expect(receptiveFieldOf(null, { x: 0, y: 0 })).toBeNull();
    expect(receptiveFieldOf(field, null)).toBeNull();
    expect(receptiveFieldOf(field, { x: 2, y: 0 })).toBeNull();
  });
});
