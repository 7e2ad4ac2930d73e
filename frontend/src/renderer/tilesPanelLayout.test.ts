import { describe, expect, it } from "vitest";

import { tileAt } from "./tileLayout";
import { enlargedCentre, movedTile, tilesPanelLayout } from "./tilesPanelLayout";

describe("tilesPanelLayout", () => {
  it("puts the enlarged tile beside the grid, a whole number of pixels per value", () => {
    const layout = tilesPanelLayout(64, { width: 7, height: 7 }, 900);
    expect(layout.enlarged.scale).toBe(45); // 320 px at most: 45 x 7 = 315
    expect(layout.enlarged.side).toBe(315);
    expect(layout.enlarged.y).toBe(0);
    expect(layout.enlarged.x).toBeGreaterThan(layout.grid.size.width);
    expect(layout.size.width).toBeLessThanOrEqual(900);
    // The enlarged tile is not part of the grid: pointing at it chooses nothing.
    const centre = enlargedCentre(layout.enlarged, { x: 3, y: 3 });
    expect(tileAt(centre, layout.grid, 64, { width: 7, height: 7 })).toBeNull();
  });

  it("puts it below the grid when the panel is narrow", () => {
    const layout = tilesPanelLayout(16, { width: 3, height: 3 }, 300);
    expect(layout.enlarged.x).toBe(0);
    expect(layout.enlarged.y).toBeGreaterThan(layout.grid.size.height);
    expect(layout.enlarged.side % 3).toBe(0);
    expect(layout.size.height).toBe(layout.enlarged.y + layout.enlarged.side);
  });

  it("never shrinks a tile below one pixel per value", () => {
    const layout = tilesPanelLayout(2, { width: 500, height: 300 }, 400);
    expect(layout.enlarged.scale).toBe(1);
    expect(layout.enlarged.side).toBe(500);
  });
});

describe("movedTile", () => {
  it("moves by one sideways and by a row up and down, within the tiles", () => {
    expect(movedTile("ArrowRight", 3, 20, 8)).toBe(4);
    expect(movedTile("ArrowLeft", 0, 20, 8)).toBe(0);
    expect(movedTile("ArrowDown", 3, 20, 8)).toBe(11);
    expect(movedTile("ArrowDown", 15, 20, 8)).toBe(19);
    expect(movedTile("ArrowUp", 11, 20, 8)).toBe(3);
    expect(movedTile("End", 0, 20, 8)).toBe(19);
    expect(movedTile("Home", 7, 20, 8)).toBe(0);
    expect(movedTile("Enter", 7, 20, 8)).toBeNull();
    expect(movedTile("ArrowRight", 0, 0, 8)).toBeNull();
  });
});
