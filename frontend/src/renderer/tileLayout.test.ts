import { describe, expect, it } from "vitest";

import { cellCentre, tileAt, tileLayout } from "./tileLayout";

describe("tileLayout", () => {
  const layout = tileLayout(10, 300, 64, 6);
  const grid = { width: 16, height: 12 };

  it("fits whole tiles across the width", () => {
    expect(layout.columns).toBe(4);
    expect(layout.rows).toBe(3);
    expect(layout.size).toEqual({ width: 4 * 70 - 6, height: 3 * 70 - 6 });
  });

  it("finds the tile under a point, not in a gap, below the grid or past the last tile", () => {
    expect(tileAt({ x: 1, y: 1 }, layout, 10, grid)).toBe(0);
    expect(tileAt({ x: 75, y: 71 }, layout, 10, grid)).toBe(5);
    expect(tileAt({ x: 66, y: 1 }, layout, 10, grid)).toBeNull(); // the gap
    expect(tileAt({ x: 1, y: 50 }, layout, 10, grid)).toBeNull(); // below a 16x12 grid's 48 px
    expect(tileAt({ x: 3 * 70 + 1, y: 2 * 70 + 1 }, layout, 10, grid)).toBeNull(); // tile 11 of 10
  });

  it("puts cell centres inside their tile", () => {
    const centre = cellCentre(5, { x: 15, y: 11 }, layout, grid);
    expect(centre).toEqual({ x: 70 + 15.5 * 4, y: 70 + 11.5 * 4 });
    expect(tileAt(centre, layout, 10, grid)).toBe(5);
  });
});
