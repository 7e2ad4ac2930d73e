/**
 * The scatter-plot matrix benchmark's page for our panel (benchmarks/scatter_matrix.py): the
 * panel's own renderer and brush maths (ScatterRenderer, matrixLayout's `brushed`), driven by
 * mouse events one per animation frame exactly as benchmarks/pages/brushing.js drives Plotly
 * and the 2D canvas, so the three are timed the same way side by side.
 */
import { type Brush, brushed, matrixLayout, scaledRows, toUnit } from "../matrix/matrixLayout";
import { FULL, type Ranges, cellRanges, zoomCell } from "../matrix/axisRanges";
import { type CellDraw, ScatterRenderer } from "../renderer/scatterRenderer";

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

function mouse(type: string, target: EventTarget, x: number, y: number): void {
  target.dispatchEvent(
    new MouseEvent(type, {
      bubbles: true,
      clientX: x,
      clientY: y,
      button: 0,
      buttons: type === "mouseup" ? 0 : 1,
    }),
  );
}

/** The points file's layout: row 0 the classes, then one row per dimension. */
function pointsFile(columns: number[][], labels: number[]): Float32Array {
  const count = labels.length;
  const raw = new Float32Array((columns.length + 1) * count);
  raw.set(labels);
  columns.forEach((values, row) => {
    raw.set(values, (row + 1) * count);
  });
  return raw;
}

interface Run {
  readonly times: number[];
  readonly selecting: number;
  readonly selected: number;
}

/**
 * Draw `columns` (dimensions x points) with `labels` in a matrix `size` pixels wide, then brush
 * cell (row, column) across the fractions `box` over `frames` frames.
 */
async function run(
  columns: number[][],
  labels: number[],
  palette: number[][],
  size: number,
  cell: [number, number],
  box: [number, number, number, number],
  frames: number,
): Promise<Run> {
  const count = labels.length;
  const raw = pointsFile(columns, labels);
  const scaled = scaledRows(raw, columns.length + 1, count);
  const layout = matrixLayout([columns.length], size);
  const draws = layout.cells.map((place) => ({
    box: place.box,
    rows: { x: place.column + 1, y: place.row + 1 },
    view: { x: FULL, y: FULL },
  }));
  const canvas = document.getElementById("matrix") as HTMLCanvasElement;
  const renderer = new ScatterRenderer(canvas);
  const ratio = window.devicePixelRatio || 1;
  renderer.setPoints(scaled, count, palette);
  renderer.resize(layout, ratio);
  const mask = new Uint8Array(count);
  renderer.setSelection(mask, false);
  renderer.draw(draws, ratio);
  const place = layout.cells.find((c) => c.row === cell[0] && c.column === cell[1]);
  if (place === undefined) {
    throw new Error("no such cell");
  }
  const bounds = canvas.getBoundingClientRect();
  const from = [
    bounds.left + place.box.x + box[0] * place.box.width,
    bounds.top + place.box.y + box[1] * place.box.height,
  ];
  const to = [
    bounds.left + place.box.x + box[2] * place.box.width,
    bounds.top + place.box.y + box[3] * place.box.height,
  ];
  let brush: Brush | null = null;
  let selected = 0;
  let selecting = 0;
  const local = (event: MouseEvent): { u: number; v: number } =>
    toUnit(place.box, event.clientX - bounds.left, event.clientY - bounds.top);
  // What ScatterMatrixView does per pointer event: the brush's points, one upload, one frame.
  const onDown = (event: MouseEvent): void => {
    const { u, v } = local(event);
    brush = { cell: place, u0: u, v0: v, u1: u, v1: v };
  };
  const onMove = (event: MouseEvent): void => {
    if (brush === null) {
      return;
    }
    const { u, v } = local(event);
    brush = { ...brush, u1: u, v1: v };
    const picked = brushed(
      scaled,
      count,
      draws[layout.cells.indexOf(place)]?.rows ?? { x: 1, y: 2 },
      brush,
      mask,
    );
    selected = picked.length;
    renderer.setSelection(mask, selected > 0);
    renderer.setSelectedIndices(Uint32Array.from(picked));
    renderer.drawBrushing(draws, ratio);
    selecting += 1;
  };
  canvas.addEventListener("mousedown", onDown);
  document.addEventListener("mousemove", onMove);
  await nextFrame();
  mouse("mousedown", canvas, from[0] ?? 0, from[1] ?? 0);
  const stamps = [await nextFrame()];
  for (let i = 1; i <= frames; i++) {
    const t = i / frames;
    mouse(
      "mousemove",
      document,
      (from[0] ?? 0) + ((to[0] ?? 0) - (from[0] ?? 0)) * t,
      (from[1] ?? 0) + ((to[1] ?? 0) - (from[1] ?? 0)) * t,
    );
    stamps.push(await nextFrame());
  }
  mouse("mouseup", document, to[0] ?? 0, to[1] ?? 0);
  canvas.removeEventListener("mousedown", onDown);
  document.removeEventListener("mousemove", onMove);
  renderer.dispose();
  return { times: stamps.slice(1).map((stamp, i) => stamp - (stamps[i] ?? stamp)), selecting, selected };
}

/**
 * Draw the matrix `frames` times, one frame each, zooming cell (row, column) by `factor` about
 * its centre before every frame (a factor of 1: the same picture redrawn). Pan and zoom are a
 * uniform per cell, so a zoomed frame should cost what a still redraw costs.
 */
async function zoom(
  columns: number[][],
  labels: number[],
  palette: number[][],
  size: number,
  cell: [number, number],
  factor: number,
  frames: number,
): Promise<{ times: number[]; drawn: number }> {
  const count = labels.length;
  const raw = pointsFile(columns, labels);
  const layout = matrixLayout([columns.length], size);
  const canvas = document.getElementById("matrix") as HTMLCanvasElement;
  const renderer = new ScatterRenderer(canvas);
  const ratio = window.devicePixelRatio || 1;
  renderer.setPoints(scaledRows(raw, columns.length + 1, count), count, palette);
  renderer.resize(layout, ratio);
  renderer.setSelection(new Uint8Array(count), false);
  const drawsFor = (ranges: Ranges): CellDraw[] =>
    layout.cells.map((place) => {
      const rows = { x: place.column + 1, y: place.row + 1 };
      return { box: place.box, rows, view: cellRanges(ranges, rows) };
    });
  const zoomed = { x: cell[1] + 1, y: cell[0] + 1 };
  let ranges: Ranges = {};
  renderer.draw(drawsFor(ranges), ratio);
  const stamps = [await nextFrame()];
  for (let i = 0; i < frames; i++) {
    ranges = zoomCell(ranges, zoomed, 0.5, 0.5, factor);
    renderer.draw(drawsFor(ranges), ratio);
    stamps.push(await nextFrame());
  }
  // The zoomed cell's points drawn at the end: fewer than all of them, or it did not zoom.
  const index = layout.cells.findIndex((c) => c.row === cell[0] && c.column === cell[1]);
  const last = drawsFor(ranges)[index];
  const drawn = last === undefined ? 0 : renderer.drawn(last, ratio).length;
  renderer.dispose();
  return { times: stamps.slice(1).map((stamp, i) => stamp - (stamps[i] ?? stamp)), drawn };
}

declare global {
  interface Window {
    __matrixBench?: { run: typeof run; zoom: typeof zoom };
  }
}

window.__matrixBench = { run, zoom };
