/**
 * The scatter-plot matrix's stage: one WebGL 2 canvas for every layer's matrix, each cell
 * drawn by PointsPass inside its own scissor box. A brush move costs one small buffer upload
 * (the selection mask) and one frame, with no Python round trip and no copy of the points.
 */
import type { Box, MatrixLayout } from "../matrix/matrixLayout";
import { RendererError } from "./errors";
import { PointsPass, type PointsParams } from "./passes/pointsPass";

/** The cells' background and the page's, so the plots read as boxes. */
const CELL_BACKGROUND = [0.96, 0.96, 0.97, 1] as const;

export interface CellDraw {
  readonly box: Box;
  readonly rows: { x: number; y: number };
}

export class ScatterRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly pass: PointsPass;
  private anySelected = false;
  private framesDrawn = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext("webgl2", { antialias: false, preserveDrawingBuffer: false });
    if (gl === null) {
      throw new RendererError("this browser offers no WebGL 2: the scatter-plot matrix cannot be drawn");
    }
    this.gl = gl;
    this.pass = new PointsPass(gl);
  }

  setPoints(scaled: Float32Array, count: number, palette: readonly (readonly number[])[]): void {
    this.pass.setPoints(scaled, count, palette);
  }

  /** The brushed points (one byte each); `any` says whether a selection is shown at all. */
  setSelection(mask: Uint8Array, any: boolean): void {
    this.anySelected = any;
    this.pass.setSelection(mask);
  }

  /** Size the canvas to the layout (CSS pixels) at the screen's pixel ratio. */
  resize(layout: MatrixLayout, ratio: number): void {
    const width = Math.max(1, Math.round(layout.width * ratio));
    const height = Math.max(1, Math.round(layout.height * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.canvas.style.width = `${layout.width.toString()}px`;
    this.canvas.style.height = `${layout.height.toString()}px`;
  }

  private params(cell: CellDraw, ratio: number): PointsParams {
    const { box } = cell;
    return {
      cell: { x: box.x * ratio, y: box.y * ratio, width: box.width * ratio, height: box.height * ratio },
      canvas: { width: this.canvas.width, height: this.canvas.height },
      rows: cell.rows,
      pointSize: Math.max(2, 3 * ratio),
      anySelected: this.anySelected,
    };
  }

  /** Every cell of every layer, in one frame. */
  draw(cells: readonly CellDraw[], ratio: number): void {
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.disable(gl.SCISSOR_TEST);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    for (const cell of cells) {
      const params = this.params(cell, ratio);
      const { x, y, width, height } = params.cell;
      gl.scissor(
        Math.round(x),
        Math.round(this.canvas.height - y - height),
        Math.round(width),
        Math.round(height),
      );
      gl.clearColor(...CELL_BACKGROUND);
      gl.clear(gl.COLOR_BUFFER_BIT);
      this.pass.draw(params);
    }
    gl.disable(gl.SCISSOR_TEST);
    this.framesDrawn += 1;
  }

  /** The points a cell's draw paints highlighted, read back from the GPU. */
  highlighted(cell: CellDraw, ratio: number): number[] {
    return this.pass.highlighted(this.params(cell, ratio));
  }

  get frames(): number {
    return this.framesDrawn;
  }

  dispose(): void {
    this.pass.dispose();
  }
}
