/**
 * The scatter-plot matrix's stage: one WebGL 2 canvas for every layer's matrix, each cell
 * drawn by PointsPass inside its own scissor box. A brush move costs one small buffer upload
 * (the selection mask) and one frame, with no Python round trip and no copy of the points.
 *
 * While a brush moves, every point but the selected ones looks the same from move to move
 * (faded), so that picture is drawn once per brush into a framebuffer of its own; each move
 * copies it to the canvas (a blit) and draws only the selected points over it.
 */
import type { Range } from "../matrix/axisRanges";
import type { Box, MatrixLayout } from "../matrix/matrixLayout";
import { RendererError } from "./errors";
import { PointsPass, type PointsParams } from "./passes/pointsPass";

/** The cells' background and the page's, so the plots read as boxes. */
const CELL_BACKGROUND = [0.96, 0.96, 0.97, 1] as const;

export interface CellDraw {
  readonly box: Box;
  readonly rows: { x: number; y: number };
  /** The cell's visible ranges in scaled units (pan and zoom: one uniform, no upload). */
  readonly view: { readonly x: Range; readonly y: Range };
}

export class ScatterRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly pass: PointsPass;
  private anySelected = false;
  private framesDrawn = 0;
  /** Every point faded, for the moves of one brush (made on its first move). */
  private under: { framebuffer: WebGLFramebuffer; colour: WebGLRenderbuffer } | null = null;
  private underValid = false;

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
    this.underValid = false;
  }

  /** The brushed points (one byte each); `any` says whether a selection is shown at all. */
  setSelection(mask: Uint8Array, any: boolean): void {
    this.anySelected = any;
    this.pass.setSelection(mask);
  }

  /** The selected points' indices (what a brush move draws over the faded picture). */
  setSelectedIndices(indices: Uint32Array): void {
    this.pass.setSelectedIndices(indices);
  }

  /** A brush has ended: the next brush's faded picture is made anew (the layout may change). */
  endBrush(): void {
    this.underValid = false;
  }

  /** Size the canvas to the layout (CSS pixels) at the screen's pixel ratio. */
  resize(layout: MatrixLayout, ratio: number): void {
    const width = Math.max(1, Math.round(layout.width * ratio));
    const height = Math.max(1, Math.round(layout.height * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.underValid = false;
    this.canvas.style.width = `${layout.width.toString()}px`;
    this.canvas.style.height = `${layout.height.toString()}px`;
  }

  private params(cell: CellDraw, ratio: number): PointsParams {
    const { box } = cell;
    return {
      cell: { x: box.x * ratio, y: box.y * ratio, width: box.width * ratio, height: box.height * ratio },
      canvas: { width: this.canvas.width, height: this.canvas.height },
      rows: cell.rows,
      view: cell.view,
      pointSize: Math.max(2, 3 * ratio),
      anySelected: this.anySelected,
    };
  }

  /** Every cell of every layer, in one frame. */
  draw(cells: readonly CellDraw[], ratio: number): void {
    this.paint(cells, ratio, (params) => {
      this.pass.draw(params);
    });
    this.framesDrawn += 1;
  }

  /** Every cell's background, and `drawCell` inside it, into the bound framebuffer. */
  private paint(cells: readonly CellDraw[], ratio: number, drawCell: (params: PointsParams) => void): void {
    const gl = this.gl;
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    gl.disable(gl.SCISSOR_TEST);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    for (const cell of cells) {
      const params = this.params(cell, ratio);
      this.cellScissor(params, true);
      drawCell(params);
    }
    gl.disable(gl.SCISSOR_TEST);
  }

  private cellScissor(params: PointsParams, background: boolean): void {
    const gl = this.gl;
    const { x, y, width, height } = params.cell;
    gl.scissor(
      Math.round(x),
      Math.round(this.canvas.height - y - height),
      Math.round(width),
      Math.round(height),
    );
    if (background) {
      gl.clearColor(...CELL_BACKGROUND);
      gl.clear(gl.COLOR_BUFFER_BIT);
    }
  }

  /** The faded picture of every cell, in the framebuffer a brush's moves copy from. */
  private makeUnder(cells: readonly CellDraw[], ratio: number): WebGLFramebuffer {
    const gl = this.gl;
    this.under ??= { framebuffer: gl.createFramebuffer(), colour: gl.createRenderbuffer() };
    const { framebuffer, colour } = this.under;
    gl.bindRenderbuffer(gl.RENDERBUFFER, colour);
    gl.renderbufferStorage(gl.RENDERBUFFER, gl.RGBA8, this.canvas.width, this.canvas.height);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferRenderbuffer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.RENDERBUFFER, colour);
    this.paint(cells, ratio, (params) => {
      this.pass.drawFaded(params);
    });
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    this.underValid = true;
    return framebuffer;
  }

  /** One move of a brush: the faded picture copied, the selected points drawn over it. */
  drawBrushing(cells: readonly CellDraw[], ratio: number): void {
    const gl = this.gl;
    const under =
      this.underValid && this.under !== null ? this.under.framebuffer : this.makeUnder(cells, ratio);
    const { width, height } = this.canvas;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, under);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
    gl.blitFramebuffer(0, 0, width, height, 0, 0, width, height, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    gl.viewport(0, 0, width, height);
    gl.enable(gl.SCISSOR_TEST);
    for (const cell of cells) {
      const params = { ...this.params(cell, ratio), anySelected: true };
      this.cellScissor(params, false);
      this.pass.drawSelected(params);
    }
    gl.disable(gl.SCISSOR_TEST);
    this.framesDrawn += 1;
  }

  /** The points a cell's draw paints highlighted, read back from the GPU. */
  highlighted(cell: CellDraw, ratio: number): number[] {
    return this.pass.highlighted(this.params(cell, ratio));
  }

  /** The points a cell's draw paints at all (those inside its visible ranges), read back. */
  drawn(cell: CellDraw, ratio: number): number[] {
    return this.pass.drawn(this.params(cell, ratio));
  }

  get frames(): number {
    return this.framesDrawn;
  }

  dispose(): void {
    this.pass.dispose();
    if (this.under !== null) {
      this.gl.deleteFramebuffer(this.under.framebuffer);
      this.gl.deleteRenderbuffer(this.under.colour);
    }
  }
}
