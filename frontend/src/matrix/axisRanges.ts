/**
 * Pan and zoom of the scatter-plot matrix, as pure maths: each dimension (a row of the points
 * file) has one visible range in the scaled units the GPU holds ([0, 1] when not zoomed). A
 * range belongs to the dimension, not to a cell, so every cell plotting that dimension (its
 * column on x, its row on y, the diagonal on both) shows the same range, as axes of a real
 * scatter-plot matrix do; each layer's dimensions are rows of their own, so zooming one
 * layer's matrix leaves the others as they are. The GPU applies a range as a uniform (no
 * re-upload), and the brush and the hover turn the pointer into scaled units through the same
 * ranges, so they select and pick in data space whatever the zoom.
 */

/** A visible range in scaled units: [low, high]. */
export type Range = readonly [number, number];
/** Per points-file row, the visible range; a row not listed shows its full range. */
export type Ranges = Readonly<Record<number, Range>>;

export const FULL: Range = [0, 1];
/** The narrowest range (a thousandth of the data's span): float32 points stay apart. */
export const MIN_SPAN = 1e-3;
/** No wider than the whole data: zooming out past it would only shrink the points. */
export const MAX_SPAN = 1;

export function rangeOf(ranges: Ranges, row: number): Range {
  return ranges[row] ?? FULL;
}

/** A fraction of a range (0: its low end, 1: its high end) in scaled units. */
export function toScaled(range: Range, fraction: number): number {
  return range[0] + fraction * (range[1] - range[0]);
}

/** A scaled value as a fraction of a range (outside [0, 1]: not visible). */
export function toFraction(range: Range, value: number): number {
  return (value - range[0]) / (range[1] - range[0]);
}

/**
 * The range `factor` times as wide (below 1: zoomed in), with the value at `fraction` of it
 * where it was, so the point under the pointer stays under the pointer.
 */
export function zoomRange(range: Range, fraction: number, factor: number): Range {
  const span = range[1] - range[0];
  const wider = Math.min(MAX_SPAN, Math.max(MIN_SPAN, span * factor));
  const fixed = toScaled(range, fraction);
  const low = fixed - fraction * wider;
  return [low, low + wider];
}

/** The range moved so that what was at fraction `by` is where 0 was (a drag by `by`). */
export function panRange(range: Range, by: number): Range {
  const shift = by * (range[1] - range[0]);
  return [range[0] - shift, range[1] - shift];
}

/** A cell's two dimensions: file rows `x` and `y`. */
export interface CellRows {
  readonly x: number;
  readonly y: number;
}

/** The cell's ranges zoomed by `factor` about the unit point (u, v) of the cell. */
export function zoomCell(ranges: Ranges, rows: CellRows, u: number, v: number, factor: number): Ranges {
  if (rows.x === rows.y) {
    // The diagonal: one dimension on both axes, zoomed about the pointer's x.
    return { ...ranges, [rows.x]: zoomRange(rangeOf(ranges, rows.x), u, factor) };
  }
  return {
    ...ranges,
    [rows.x]: zoomRange(rangeOf(ranges, rows.x), u, factor),
    [rows.y]: zoomRange(rangeOf(ranges, rows.y), v, factor),
  };
}

/** The cell's ranges dragged by (du, dv) units of the cell (x right, y up). */
export function panCell(ranges: Ranges, rows: CellRows, du: number, dv: number): Ranges {
  if (rows.x === rows.y) {
    return { ...ranges, [rows.x]: panRange(rangeOf(ranges, rows.x), du) };
  }
  return {
    ...ranges,
    [rows.x]: panRange(rangeOf(ranges, rows.x), du),
    [rows.y]: panRange(rangeOf(ranges, rows.y), dv),
  };
}

/** The cell's visible ranges on x and y. */
export function cellRanges(ranges: Ranges, rows: CellRows): { x: Range; y: Range } {
  return { x: rangeOf(ranges, rows.x), y: rangeOf(ranges, rows.y) };
}

/**
 * The data values a range shows, for the diagonal's label: the scaled range turned back into
 * the file's units (`margin` as scaledRows leaves it), clipped to the data's own [low, high],
 * so an unzoomed matrix writes the data's range and a zoomed one the part it shows.
 */
export function visibleData(range: Range, data: Range, margin: number): [number, number] {
  const toData = (value: number): number => {
    const clipped = Math.min(1 - margin, Math.max(margin, value));
    return data[0] + ((clipped - margin) / (1 - 2 * margin)) * (data[1] - data[0]);
  };
  return [toData(range[0]), toData(range[1])];
}
