/**
 * The reference cell's theoretical receptive field over a panel: a dashed square, drawn in
 * four strips along its edges only, so its cost is its outline's pixels, not the panel's.
 * The square comes from the contract (Python's receptive_field_spans); nothing here
 * computes a receptive field.
 */
import type { Rect } from "../../geometry";
import { Program } from "../program";
import source from "../shaders/receptiveField.frag.glsl?raw";
import type { Viewport } from "./compositePass";

export interface ReceptiveFieldParams {
  readonly viewport: Viewport;
  readonly pixelRatio: number;
  /** The square in device pixels from the viewport's top-left corner. */
  readonly square: Rect;
}

/** Dash period in CSS pixels. */
const DASH = 8;

export class ReceptiveFieldPass {
  static readonly passName = "receptiveField";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "receptive field", source);
  }

  draw({ viewport, pixelRatio, square }: ReceptiveFieldParams): void {
    const gl = this.gl;
    const program = this.program;
    program.use();
    gl.uniform4f(program.uniform("u_viewport"), viewport.x, viewport.y, viewport.width, viewport.height);
    gl.uniform4f(program.uniform("u_square"), square.x0, square.y0, square.x1, square.y1);
    gl.uniform1f(program.uniform("u_pixelRatio"), pixelRatio);
    gl.uniform1f(program.uniform("u_dash"), DASH * pixelRatio);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    const reach = 3 * pixelRatio;
    const { x0, y0, x1, y1 } = square;
    const strips: [number, number, number, number][] = [
      [x0 - reach, y0 - reach, x1 + reach, y0 + reach],
      [x0 - reach, y1 - reach, x1 + reach, y1 + reach],
      [x0 - reach, y0 + reach, x0 + reach, y1 - reach],
      [x1 - reach, y0 + reach, x1 + reach, y1 - reach],
    ];
    for (const [left, top, right, bottom] of strips) {
      const l = Math.max(0, Math.floor(left));
      const t = Math.max(0, Math.floor(top));
      const r = Math.min(viewport.width, Math.ceil(right));
      const b = Math.min(viewport.height, Math.ceil(bottom));
      if (r > l && b > t) {
        gl.scissor(viewport.x + l, viewport.y + viewport.height - b, r - l, b - t);
        program.drawFullscreen();
      }
    }
    gl.disable(gl.BLEND);
  }

  dispose(): void {
    this.program.dispose();
  }
}
