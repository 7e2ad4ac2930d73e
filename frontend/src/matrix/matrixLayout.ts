/**
 * The scatter-plot matrix's maths on the CPU (pure, no WebGL): where each layer's matrix and
 * each cell lie on the canvas, the points' values scaled into a cell, which points a brush
 * encloses, and which point lies under the pointer. The GPU draws what these say; the brush and
 * the hover are decided here, so what is highlighted and what Python hears are the same indices.
 */
import type { MatrixArgs } from "../contract";
import { FULL, type Range, toFraction } from "./axisRanges";

/** A rectangle in CSS pixels of the canvas, origin top-left. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One plot of the matrices: layer `layer`, dimension `column` on x and `row` on y. */
export interface CellPlace {
  readonly layer: number;
  readonly row: number;
  readonly column: number;
  readonly box: Box;
}

export interface MatrixLayout {
  readonly width: number;
  readonly height: number;
  /** Per layer: the box its whole matrix takes (its title sits above it, in HTML). */
  readonly matrices: readonly Box[];
  readonly cells: readonly CellPlace[];
}

/** Space between two cells and between two layers' matrices, in CSS pixels. */
export const CELL_GAP = 4;
export const MATRIX_GAP = 24;
/** The largest cell: a matrix of few dimensions does not fill a projector. */
export const MAX_CELL = 220;
/** Points keep this fraction of a cell free at each edge, so none sits on the border. */
export const MARGIN = 0.04;

/**
 * Each layer's square matrix side by side, as large as `width` lets them be. A pair (`pairs`)
 * is one plot as large as a 2 x 2 matrix, placed as cell (1, 0) of one: its first dimension on
 * x, its second on y, as in a matrix.
 */
export function matrixLayout(
  dimensions: readonly number[],
  width: number,
  pairs: readonly boolean[] = [],
): MatrixLayout {
  const across = dimensions.reduce((sum, count) => sum + count, 0);
  const gaps = dimensions.reduce((sum, count) => sum + (count - 1) * CELL_GAP, 0);
  const free = width - gaps - MATRIX_GAP * Math.max(0, dimensions.length - 1);
  const side = Math.max(24, Math.min(MAX_CELL, Math.floor(free / Math.max(1, across))));
  const matrices: Box[] = [];
  const cells: CellPlace[] = [];
  let left = 0;
  let height = 0;
  dimensions.forEach((count, layer) => {
    const extent = count * side + (count - 1) * CELL_GAP;
    matrices.push({ x: left, y: 0, width: extent, height: extent });
    if (pairs[layer] === true) {
      cells.push({ layer, row: 1, column: 0, box: { x: left, y: 0, width: extent, height: extent } });
      left += extent + MATRIX_GAP;
      height = Math.max(height, extent);
      return;
    }
    for (let row = 0; row < count; row++) {
      for (let column = 0; column < count; column++) {
        const box = {
          x: left + column * (side + CELL_GAP),
          y: row * (side + CELL_GAP),
          width: side,
          height: side,
        };
        cells.push({ layer, row, column, box });
      }
    }
    left += extent + MATRIX_GAP;
    height = Math.max(height, extent);
  });
  return { width: Math.max(0, left - MATRIX_GAP), height, matrices, cells };
}

/** The cell at a canvas point, or null between cells. */
export function cellAt(layout: MatrixLayout, x: number, y: number): CellPlace | null {
  return (
    layout.cells.find(
      ({ box }) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height,
    ) ?? null
  );
}

/**
 * The points file's rows scaled to [MARGIN, 1 - MARGIN] per dimension (0 where a dimension is
 * constant), `rows` x `count` like the file; row 0 (the classes) is kept as it is.
 */
export function scaledRows(values: Float32Array, rows: number, count: number): Float32Array {
  const scaled = new Float32Array(values.length);
  scaled.set(values.subarray(0, count));
  for (let row = 1; row < rows; row++) {
    const line = values.subarray(row * count, (row + 1) * count);
    let low = Infinity;
    let high = -Infinity;
    for (const value of line) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    const span = high > low ? high - low : 1;
    for (let i = 0; i < count; i++) {
      scaled[row * count + i] = MARGIN + ((1 - 2 * MARGIN) * ((line[i] ?? low) - low)) / span;
    }
  }
  return scaled;
}

/** Each row's [min, max] (row 0, the classes, included), for the ranges the matrix writes. */
export function rowRanges(values: Float32Array, rows: number, count: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let row = 0; row < rows; row++) {
    let low = Infinity;
    let high = -Infinity;
    for (const value of values.subarray(row * count, (row + 1) * count)) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    ranges.push([low, high]);
  }
  return ranges;
}

/** The file rows a cell plots: x is its column's dimension, y its row's. */
export function cellRows(args: MatrixArgs, cell: CellPlace): { x: number; y: number } {
  const first = args.layers[cell.layer]?.firstRow ?? 1;
  return { x: first + cell.column, y: first + cell.row };
}

/**
 * A canvas point moved into `box` (the nearest point of it): a brush or lasso dragged past its
 * cell's edge stops there, so in a zoomed cell it selects only points the cell shows, never
 * ones beyond its visible ranges.
 */
export function clampToBox(box: Box, x: number, y: number): { x: number; y: number } {
  return {
    x: Math.min(Math.max(x, box.x), box.x + box.width),
    y: Math.min(Math.max(y, box.y), box.y + box.height),
  };
}

/** A canvas point as a cell's unit coordinates (x right, y up, as the plot draws them). */
export function toUnit(box: Box, x: number, y: number): { u: number; v: number } {
  return { u: (x - box.x) / box.width, v: 1 - (y - box.y) / box.height };
}

/**
 * A brush: two corners in one cell, in scaled units (what the cell's unit coordinates are when
 * it is not zoomed; axisRanges' toScaled turns a zoomed cell's unit coordinates into them).
 */
export interface Brush {
  readonly cell: CellPlace;
  readonly u0: number;
  readonly v0: number;
  readonly u1: number;
  readonly v1: number;
}

/**
 * The points of `rows` for which `inside(u, v)` holds (u, v: their scaled values), as 1
 * (selected) or 0 per point into `into`, and their indices: what the box and the lasso share.
 */
export function pointsWhere(
  scaled: Float32Array,
  count: number,
  rows: { x: number; y: number },
  into: Uint8Array,
  inside: (u: number, v: number) => boolean,
): number[] {
  const xs = scaled.subarray(rows.x * count, (rows.x + 1) * count);
  const ys = scaled.subarray(rows.y * count, (rows.y + 1) * count);
  const picked: number[] = [];
  for (let i = 0; i < count; i++) {
    const chosen = inside(xs[i] ?? -1, ys[i] ?? -1);
    into[i] = chosen ? 1 : 0;
    if (chosen) {
      picked.push(i);
    }
  }
  return picked;
}

/** The points inside the brush, as 1 (selected) or 0 per point, and their indices. */
export function brushed(
  scaled: Float32Array,
  count: number,
  rows: { x: number; y: number },
  brush: Brush,
  into: Uint8Array,
): number[] {
  const [uLow, uHigh] = [Math.min(brush.u0, brush.u1), Math.max(brush.u0, brush.u1)];
  const [vLow, vHigh] = [Math.min(brush.v0, brush.v1), Math.max(brush.v0, brush.v1)];
  return pointsWhere(scaled, count, rows, into, (u, v) => u >= uLow && u <= uHigh && v >= vLow && v <= vHigh);
}

/**
 * The point of a cell nearest a canvas point, within `radius` CSS pixels, or null; `view` is
 * the cell's visible ranges (pan and zoom), so a point is found where it is drawn.
 */
export function nearestPoint(
  scaled: Float32Array,
  count: number,
  rows: { x: number; y: number },
  box: Box,
  x: number,
  y: number,
  radius: number,
  view: { readonly x: Range; readonly y: Range } = { x: FULL, y: FULL },
): number | null {
  const xs = scaled.subarray(rows.x * count, (rows.x + 1) * count);
  const ys = scaled.subarray(rows.y * count, (rows.y + 1) * count);
  let best: number | null = null;
  let bestDistance = radius * radius;
  for (let i = 0; i < count; i++) {
    const px = box.x + toFraction(view.x, xs[i] ?? 0) * box.width;
    const py = box.y + (1 - toFraction(view.y, ys[i] ?? 0)) * box.height;
    const distance = (px - x) ** 2 + (py - y) ** 2;
    if (distance <= bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  return best;
}

/** Which image, and which cell of it (per-cell points), a point is. */
export function pointOwner(args: MatrixArgs, point: number): { image: number; cell: number | null } {
  if (args.cells === null) {
    return { image: point, cell: null };
  }
  const perImage = args.cells.rows * args.cells.columns;
  return { image: Math.floor(point / perImage), cell: point % perImage };
}
