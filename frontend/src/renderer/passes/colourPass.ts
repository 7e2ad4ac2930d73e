/** Stretch and colour-table lookup, once per cell. */
import type { LayerGpu } from "../layer";
import { Program } from "../program";
import source from "../shaders/colour.frag.glsl?raw";

export class ColourPass {
  private readonly program: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "colour", source);
  }

  run(layer: LayerGpu, lut: WebGLTexture): void {
    const gl = this.gl;
    layer.colour.bind();
    const program = this.program;
    program.use();
    program.texture("u_values", 0, gl.TEXTURE_2D, layer.values.texture);
    gl.uniform1i(program.uniform("u_cellsPerTexel"), layer.cellsPerTexel);
    program.texture("u_minMax", 1, gl.TEXTURE_2D, layer.minMax.texture);
    program.texture("u_lut", 2, gl.TEXTURE_2D, lut);
    program.drawFullscreen();
  }

  dispose(): void {
    this.program.dispose();
  }
}
