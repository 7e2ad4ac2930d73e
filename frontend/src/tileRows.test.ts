import { describe, expect, it } from "vitest";

import { CAPTION_HEIGHT, GAP, TILE_WIDTH, tileLayout } from "./tileRows";

describe("tileLayout", () => {
  it("puts tiles side by side at most TILE_WIDTH wide, keeping each image's aspect ratio", () => {
    const layout = tileLayout(
      [
        { width: 256, height: 192 },
        { width: 120, height: 200 },
      ],
      1000,
    );
    expect(layout.boxes).toEqual([
      { x: 0, y: 0, width: TILE_WIDTH, height: 150 },
      { x: TILE_WIDTH + GAP, y: 0, width: TILE_WIDTH, height: 333 },
    ]);
    // As wide as the two tiles; as tall as the taller one and its caption.
    expect(layout.width).toBe(2 * TILE_WIDTH + GAP);
    expect(layout.height).toBe(333 + CAPTION_HEIGHT);
  });

  it("wraps onto a new row below the tallest tile and its caption", () => {
    const sizes = [
      { width: 100, height: 100 },
      { width: 100, height: 50 },
      { width: 100, height: 100 },
    ];
    const layout = tileLayout(sizes, 2 * TILE_WIDTH + GAP);
    expect(layout.boxes.map((box) => [box.x, box.y])).toEqual([
      [0, 0],
      [TILE_WIDTH + GAP, 0],
      [0, TILE_WIDTH + CAPTION_HEIGHT + GAP],
    ]);
  });

  it("shrinks a tile to a narrow frame, one per row", () => {
    const layout = tileLayout(
      [
        { width: 200, height: 100 },
        { width: 200, height: 100 },
      ],
      120,
    );
    expect(layout.boxes).toEqual([
      { x: 0, y: 0, width: 120, height: 60 },
      { x: 0, y: 60 + CAPTION_HEIGHT + GAP, width: 120, height: 60 },
    ]);
    expect(layout.width).toBe(120);
  });
});
