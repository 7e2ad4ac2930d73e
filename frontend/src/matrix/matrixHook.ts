/**
 * `window.__classroomMatrix`: what the browser tests and the benchmark read from a live
 * scatter-plot matrix (cell boxes, where a point is drawn, the points each cell's draw
 * highlights or draws at all read back from the GPU, the visible ranges of pan and zoom, the
 * selections sent to Python, the hovered patch's pixels).
 * Read-only but for `frames`, which counts drawn frames.
 */
import type { MatrixArgs } from "../contract";
import type { Ranges } from "./axisRanges";
import type { CellDraw, ScatterRenderer } from "../renderer/scatterRenderer";
import { DETAIL_SCALE, type Hovered } from "./HoverDetails";
import type { Vertex } from "./lasso";
import type { CellPlace, MatrixLayout } from "./matrixLayout";

export interface MatrixHookSources {
  readonly renderer: ScatterRenderer;
  readonly args: MatrixArgs;
  readonly layout: MatrixLayout;
  /** Each cell's draw with the visible ranges now (pan and zoom move between renders). */
  readonly draws: () => readonly CellDraw[];
  readonly ranges: () => Ranges;
  readonly ratio: number;
  readonly canvas: () => HTMLCanvasElement | null;
  readonly selection: () => readonly number[];
  readonly sent: () => readonly (readonly number[])[];
  readonly lasso: () => { cell: CellPlace; vertices: readonly Vertex[] } | null;
  readonly hovered: () => Hovered | null;
  readonly hoverChanges: () => number;
  readonly patch: () => HTMLCanvasElement | null;
  readonly thumbnail: () => HTMLCanvasElement | null;
}

type Pixels = { width: number; height: number; rgb: number[] };

/** What a details canvas shows: one RGB triple per image pixel (its centre), rows from the top. */
function shownPixels(canvas: HTMLCanvasElement | null): Pixels | null {
  const context = canvas?.getContext("2d", { willReadFrequently: true });
  if (canvas == null || context == null || canvas.width === 0) {
    return null;
  }
  const width = canvas.width / DETAIL_SCALE;
  const height = canvas.height / DETAIL_SCALE;
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const rgb: number[] = [];
  const half = DETAIL_SCALE / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = ((y * DETAIL_SCALE + half) * canvas.width + x * DETAIL_SCALE + half) * 4;
      rgb.push(pixels[at] ?? 0, pixels[at + 1] ?? 0, pixels[at + 2] ?? 0);
    }
  }
  return { width, height, rgb };
}

type ViewportBox = { x: number; y: number; width: number; height: number };

export interface ClassroomMatrixHook {
  /** Where the points came from: the store file's URL and its `rows` x `count` shape. */
  source(): { url: string; rows: number; count: number };
  /** Every cell: its layer, row and column, and its box in the frame's viewport. */
  cells(): { layer: number; row: number; column: number; box: ViewportBox }[];
  /** The points the brush selects now (decided on the CPU). */
  selection(): number[];
  /** The points the draw of cell (layer, row, column) paints highlighted, read from the GPU. */
  highlighted(layer: number, row: number, column: number): number[] | null;
  /** The points the draw of cell (layer, row, column) paints at all, read from the GPU. */
  drawn(layer: number, row: number, column: number): number[] | null;
  /** The visible range of each zoomed or panned points-file row, in scaled units. */
  ranges(): Record<string, [number, number]>;
  /** The selections sent to Python, oldest first. */
  sent(): number[][];
  /** The last lasso released: its cell and its vertices [u, v] in scaled units (it selected
   * the points inside this polygon, closed from the last vertex to the first). */
  lasso(): { layer: number; row: number; column: number; vertices: [number, number][] } | null;
  frames(): number;
  hovered(): Hovered | null;
  /** How many times the hovered point changed (each one re-rendered the frame once). */
  hoverChanges(): number;
  /** The hovered cell's patch as shown: one RGB triple per image pixel, rows from the top. */
  patch(): Pixels | null;
  /** The hovered point's image as shown (a per-cell point's with its receptive-field box). */
  thumbnail(): Pixels | null;
}

declare global {
  interface Window {
    __classroomMatrix?: ClassroomMatrixHook;
  }
}

export function installMatrixHook(sources: MatrixHookSources): () => void {
  const { renderer, layout, ratio } = sources;
  const index = (layer: number, row: number, column: number): number =>
    layout.cells.findIndex((cell) => cell.layer === layer && cell.row === row && cell.column === column);
  const hook: ClassroomMatrixHook = {
    source() {
      return { url: sources.args.url, rows: sources.args.rows, count: sources.args.count };
    },
    cells() {
      const origin = sources.canvas()?.getBoundingClientRect() ?? { left: 0, top: 0 };
      return layout.cells.map(({ layer, row, column, box }) => ({
        layer,
        row,
        column,
        box: { x: origin.left + box.x, y: origin.top + box.y, width: box.width, height: box.height },
      }));
    },
    selection() {
      return [...sources.selection()];
    },
    highlighted(layer, row, column) {
      const draw = sources.draws()[index(layer, row, column)];
      return draw === undefined ? null : renderer.highlighted(draw, ratio);
    },
    drawn(layer, row, column) {
      const draw = sources.draws()[index(layer, row, column)];
      return draw === undefined ? null : renderer.drawn(draw, ratio);
    },
    ranges() {
      return Object.fromEntries(
        Object.entries(sources.ranges()).map(([row, range]) => [row, [range[0], range[1]]]),
      );
    },
    sent() {
      return sources.sent().map((points) => [...points]);
    },
    lasso() {
      const drawn = sources.lasso();
      if (drawn === null) {
        return null;
      }
      const { layer, row, column } = drawn.cell;
      return { layer, row, column, vertices: drawn.vertices.map(({ u, v }) => [u, v]) };
    },
    frames() {
      return renderer.frames;
    },
    hovered() {
      return sources.hovered();
    },
    hoverChanges() {
      return sources.hoverChanges();
    },
    patch() {
      return shownPixels(sources.patch());
    },
    thumbnail() {
      return shownPixels(sources.thumbnail());
    },
  };
  window.__classroomMatrix = hook;
  return () => {
    if (window.__classroomMatrix === hook) {
      delete window.__classroomMatrix;
    }
  };
}
