/**
 * What the browser tests and the benchmark read back from the GPU. Every read here waits for
 * the GPU (a synchronous readPixels), so none of it is ever on the pointer's path: the view
 * itself only reads its min/max asynchronously (minMaxReader.ts).
 */
import type { Range } from "./minMaxReader";
import type { Panels } from "./panels";
import { readCanvasPixels } from "./target";

export class ReadBack {
  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly canvas: HTMLCanvasElement,
    private readonly panels: Panels,
    /** Draws a frame now, so that a read sees the current state. */
    private readonly render: () => void,
  ) {}

  /** The values map of a panel (similarity or channel), rows from the top; draws first. */
  values(id: string): { width: number; height: number; values: Float32Array } | null {
    const gpu = this.panels.get(id)?.gpu;
    if (gpu == null) {
      return null;
    }
    this.render();
    const { width, height } = gpu.file.header;
    return { width, height, values: gpu.readValues() };
  }

  /** The panel's (min, max); draws first. */
  range(id: string): Range | null {
    const gpu = this.panels.get(id)?.gpu;
    if (gpu == null) {
      return null;
    }
    this.render();
    const pixel = gpu.minMax.readFloats();
    return { min: pixel[0] ?? 0, max: pixel[1] ?? 0 };
  }

  /** Draw and read the canvas (RGBA, rows from the top) in the same task, as the page shows it. */
  canvasPixels(): { width: number; height: number; pixels: Uint8Array } {
    this.render();
    return readCanvasPixels(this.gl, this.canvas);
  }

  /** Wait until the GPU has finished everything asked of it (the benchmark's frame end). */
  finish(): void {
    const pixel = new Uint8Array(4);
    this.gl.bindFramebuffer(this.gl.READ_FRAMEBUFFER, null);
    this.gl.readPixels(0, 0, 1, 1, this.gl.RGBA, this.gl.UNSIGNED_BYTE, pixel);
  }
}
