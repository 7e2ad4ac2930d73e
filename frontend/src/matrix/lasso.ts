/**
 * The lasso brush's maths (Seein' In brushes free-form): which points lie inside a polygon
 * drawn in one cell. The polygon's vertices are in the cell's scaled units, an affine map of
 * the data per axis, so inside here is inside in data space. Even-odd ray casting (W. Randolph
 * Franklin's PNPOLY), half-open on both axes: a point on an edge shared by two polygons that
 * tile the plane belongs to exactly one of them, so two lassos never both claim a point on
 * their common border and a point on a vertex is decided the same way every time (the browser
 * tests' numpy oracle casts the same rays).
 */

import { pointsWhere } from "./matrixLayout";

/** A lasso vertex in scaled units (x right, y up). */
export interface Vertex {
  readonly u: number;
  readonly v: number;
}

/** Whether (x, y) lies inside `polygon` (closed from its last vertex back to its first). */
export function insidePolygon(polygon: readonly Vertex[], x: number, y: number): boolean {
  let inside = false;
  let previous = polygon[polygon.length - 1];
  for (const vertex of polygon) {
    if (previous === undefined) {
      return false;
    }
    if (vertex.v > y !== previous.v > y) {
      // From the edge's lower end up, whichever way the polygon runs: an edge two polygons
      // share crosses the ray at the very same float in both.
      const [low, high] = vertex.v < previous.v ? [vertex, previous] : [previous, vertex];
      const crossing = low.u + ((high.u - low.u) * (y - low.v)) / (high.v - low.v);
      if (x < crossing) {
        inside = !inside;
      }
    }
    previous = vertex;
  }
  return inside;
}

/**
 * The points of `rows` inside the polygon, as 1 (selected) or 0 per point into `into`, and
 * their indices. Fewer than three vertices enclose nothing.
 */
export function lassoed(
  scaled: Float32Array,
  count: number,
  rows: { x: number; y: number },
  polygon: readonly Vertex[],
  into: Uint8Array,
): number[] {
  if (polygon.length < 3) {
    into.fill(0);
    return [];
  }
  // Only points inside the polygon's bounds are cast (most of them, for a small lasso, are not).
  const us = polygon.map((vertex) => vertex.u);
  const vs = polygon.map((vertex) => vertex.v);
  const [uLow, uHigh, vLow, vHigh] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  return pointsWhere(
    scaled,
    count,
    rows,
    into,
    (u, v) => u >= uLow && u <= uHigh && v >= vLow && v <= vHigh && insidePolygon(polygon, u, v),
  );
}
