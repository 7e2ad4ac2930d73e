import { describe, expect, it } from "vitest";

import { type Vertex, insidePolygon, lassoed } from "./lasso";

const polygon = (...points: [number, number][]): Vertex[] => points.map(([u, v]) => ({ u, v }));

/** A "U": two arms joined at the bottom, the notch between them open at the top. */
const U = polygon([0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]);

describe("a point inside a lasso", () => {
  it("is decided by the shape, not its bounds, for a concave lasso", () => {
    expect(insidePolygon(U, 0.5, 2)).toBe(true); // left arm
    expect(insidePolygon(U, 2.5, 2)).toBe(true); // right arm
    expect(insidePolygon(U, 1.5, 0.5)).toBe(true); // the bottom
    expect(insidePolygon(U, 1.5, 2)).toBe(false); // the notch, inside the bounds
    expect(insidePolygon(U, 1.5, 1.0001)).toBe(false);
    expect(insidePolygon(U, 3.5, 2)).toBe(false);
    // The same whichever way the lasso was drawn.
    const backwards = [...U].reverse();
    for (const [x, y] of [
      [0.5, 2],
      [1.5, 2],
      [1.5, 0.5],
      [2, 1],
      [1, 1],
    ] as const) {
      expect(insidePolygon(backwards, x, y)).toBe(insidePolygon(U, x, y));
    }
  });

  it("on a vertex or an edge belongs to exactly one of the polygons that tile the plane", () => {
    // A 3 x 3 square tiled by triangles (each unit square cut along a diagonal, alternately)
    // and the U's reflex corners among the tested points.
    const tiles: Vertex[][] = [];
    for (let row = 0; row < 3; row++) {
      for (let column = 0; column < 3; column++) {
        const a: [number, number] = [column, row];
        const b: [number, number] = [column + 1, row];
        const c: [number, number] = [column + 1, row + 1];
        const d: [number, number] = [column, row + 1];
        if ((row + column) % 2 === 0) {
          tiles.push(polygon(a, b, c), polygon(a, c, d));
        } else {
          tiles.push(polygon(a, b, d), polygon(b, c, d));
        }
      }
    }
    // Every vertex, every edge's midpoint and every centre of the tiling, inside the square
    // half-open (its top and right border belong to the tiles beyond).
    for (let y = 0; y < 3; y += 0.5) {
      for (let x = 0; x < 3; x += 0.5) {
        const owners = tiles.filter((tile) => insidePolygon(tile, x, y));
        expect(owners, `(${x.toString()}, ${y.toString()})`).toHaveLength(1);
      }
    }
    expect(tiles.filter((tile) => insidePolygon(tile, 3, 1))).toHaveLength(0);
  });

  it("on the U's vertices follows the half-open rule: lower and left borders inside", () => {
    expect(insidePolygon(U, 0, 0)).toBe(true);
    expect(insidePolygon(U, 3, 0)).toBe(false);
    expect(insidePolygon(U, 0, 3)).toBe(false);
    expect(insidePolygon(U, 2, 1)).toBe(true); // the notch's corners: its floor is the U's
    expect(insidePolygon(U, 1, 1)).toBe(false); // the left arm's right border is open
    expect(insidePolygon(U, 2, 3)).toBe(false);
  });

  it("needs three vertices", () => {
    expect(insidePolygon([], 0, 0)).toBe(false);
    expect(
      lassoed(
        Float32Array.from([0, 0.5, 0.5]),
        1,
        { x: 1, y: 2 },
        polygon([0, 0], [1, 1]),
        new Uint8Array(1),
      ),
    ).toEqual([]);
  });
});

describe("the points a lasso selects", () => {
  it("are those inside it, marked in the mask, whatever the lasso's bounds leave out", () => {
    const count = 400;
    const scaled = new Float32Array(3 * count);
    for (let i = 0; i < count; i++) {
      scaled[count + i] = (((i * 37) % 101) / 100) * 3.2 - 0.1; // x in [-0.1, 3.1]
      scaled[2 * count + i] = (((i * 53) % 97) / 96) * 3.2 - 0.1;
    }
    const mask = new Uint8Array(count).fill(1);
    const picked = lassoed(scaled, count, { x: 1, y: 2 }, U, mask);
    const expected = [...Array(count).keys()].filter((i) =>
      insidePolygon(U, scaled[count + i] ?? 0, scaled[2 * count + i] ?? 0),
    );
    expect(picked).toEqual(expected);
    expect(picked.length).toBeGreaterThan(50);
    expect(picked.length).toBeLessThan(count - 50);
    expect([...mask.keys()].filter((i) => mask[i] === 1)).toEqual(expected);
  });
});
