/** Stretch and colour-table lookup, once per cell. */
import type { Pass, PassInput } from "../pass";
import source from "../shaders/colour.frag.glsl?raw";
import vertexSource from "../shaders/colour.vert.glsl?raw";
import { ProgramVariants } from "./programVariants";

export class ColourPass implements Pass {
  static readonly passName = "colour";
  private readonly programs: ProgramVariants<number>;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new ProgramVariants(
      gl,
      "colour",
      source,
      (cells) => ({ defines: { CELLS: cells } }),
      undefined,
      vertexSource,
    );
  }

  run({ layer, lut }: PassInput): void {
    const gl = this.gl;
    layer.colour.bind();
    const program = this.programs.use(layer.cellsPerTexel);
    program.texture("u_values", 0, gl.TEXTURE_2D, layer.values.texture);
    program.texture("u_minMax", 1, gl.TEXTURE_2D, layer.minMax.texture);
    program.texture("u_lut", 2, gl.TEXTURE_2D, lut);
    program.drawFullscreen();
  }

  dispose(): void {
    this.programs.dispose();
  }
}
