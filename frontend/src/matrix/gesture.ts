/**
 * A selection being drawn in one cell: a box (drag) or a lasso (Alt-drag, or the panel's
 * Lasso toggle). Both live in scaled units, so they select in data space whatever the zoom,
 * and both answer the same question on every move: which points are inside now (the frame
 * highlights them in every cell and layer, and sends them to Python on release).
 */
import { type Vertex, lassoed } from "./lasso";
import { type Brush, type CellPlace, brushed } from "./matrixLayout";

/** A lasso takes a new vertex once the pointer moved this far from the last, in CSS pixels
 * (a mouse reports a move every few milliseconds; the polygon need not be finer than that). */
export const LASSO_STEP = 2;

interface Pixel {
  readonly x: number;
  readonly y: number;
}

export type Gesture =
  | { readonly kind: "box"; readonly brush: Brush }
  | {
      readonly kind: "lasso";
      readonly cell: CellPlace;
      readonly vertices: readonly Vertex[];
      /** Where the last vertex was taken, in CSS pixels of the canvas. */
      readonly last: Pixel;
    };

export function startGesture(lasso: boolean, cell: CellPlace, at: Vertex, pixel: Pixel): Gesture {
  if (lasso) {
    return { kind: "lasso", cell, vertices: [at], last: pixel };
  }
  return { kind: "box", brush: { cell, u0: at.u, v0: at.v, u1: at.u, v1: at.v } };
}

/** The gesture with the pointer at `at` (scaled units of its cell) and `pixel`; the gesture
 * itself when a lasso's pointer has not moved far enough for another vertex. */
export function moveGesture(gesture: Gesture, at: Vertex, pixel: Pixel): Gesture {
  if (gesture.kind === "box") {
    return { kind: "box", brush: { ...gesture.brush, u1: at.u, v1: at.v } };
  }
  if (Math.hypot(pixel.x - gesture.last.x, pixel.y - gesture.last.y) < LASSO_STEP) {
    return gesture;
  }
  return { ...gesture, vertices: [...gesture.vertices, at], last: pixel };
}

export function gestureCell(gesture: Gesture): CellPlace {
  return gesture.kind === "box" ? gesture.brush.cell : gesture.cell;
}

/** The points inside the gesture (its cell plots rows `rows`), marked 1 in `into`. */
export function gesturePoints(
  gesture: Gesture,
  scaled: Float32Array,
  count: number,
  rows: { x: number; y: number },
  into: Uint8Array,
): number[] {
  return gesture.kind === "box"
    ? brushed(scaled, count, rows, gesture.brush, into)
    : lassoed(scaled, count, rows, gesture.vertices, into);
}
