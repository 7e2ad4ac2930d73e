/** A technique's map, value by value, into colours over its stated range (map panels). */
import type { Pass } from "../pass";
import { Program } from "../program";
import source from "../shaders/mapColour.frag.glsl?raw";
import type { RenderTarget } from "../target";

export interface MapPassInput {
  /** One float per image pixel (R32F). */
  readonly values: WebGLTexture;
  readonly lut: WebGLTexture;
  readonly range: readonly [number, number];
  readonly diverging: boolean;
  /** Per image pixel: colour and opacity. */
  readonly colour: RenderTarget;
}

export class MapColourPass implements Pass<MapPassInput> {
  static readonly passName = "mapColour";
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "map colour", source);
  }

  run({ values, lut, range, diverging, colour }: MapPassInput): void {
    const gl = this.gl;
    colour.bind();
    this.program.use();
    this.program.texture("u_values", 0, gl.TEXTURE_2D, values);
    this.program.texture("u_lut", 1, gl.TEXTURE_2D, lut);
    gl.uniform2f(this.program.uniform("u_range"), range[0], range[1]);
    gl.uniform1i(this.program.uniform("u_diverging"), diverging ? 1 : 0);
    this.program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}
