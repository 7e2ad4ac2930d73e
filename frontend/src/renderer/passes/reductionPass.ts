/**
 * Min and max of the values map, on the GPU: no read-back of the map on pointer moves. The
 * last step also writes them as bytes (layer.minMaxBytes) for the asynchronous read-back.
 */
import type { Pass, PassInput } from "../pass";
import { Program } from "../program";
import bytesSource from "../shaders/minMaxBytes.frag.glsl?raw";
import source from "../shaders/reduce.frag.glsl?raw";
import { ProgramVariants } from "./programVariants";

export class ReductionPass implements Pass {
  static readonly passName = "reduction";
  /** One program per cells-per-texel of the values map (a constant, so the loop unrolls). */
  private readonly programs: ProgramVariants<number>;
  private readonly bytes: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new ProgramVariants(gl, "reduction", source, (cells) => ({ defines: { CELLS: cells } }));
    this.bytes = new Program(gl, "min/max bytes", bytesSource);
  }

  run({ layer }: PassInput): void {
    const gl = this.gl;
    const program = this.programs.use(layer.cellsPerTexel);
    gl.uniform1i(program.uniform("u_gridWidth"), layer.file.header.width);
    let input = layer.values;
    let first = true;
    for (const target of layer.reduction) {
      target.bind();
      program.texture("u_source", 0, gl.TEXTURE_2D, input.texture);
      gl.uniform2i(program.uniform("u_sourceSize"), input.width, input.height);
      gl.uniform1i(program.uniform("u_first"), first ? 1 : 0);
      program.drawFullscreen();
      input = target;
      first = false;
    }
    layer.minMaxBytes.bind();
    this.bytes.use();
    this.bytes.texture("u_minMax", 0, gl.TEXTURE_2D, layer.minMax.texture);
    this.bytes.drawFullscreen();
  }

  dispose(): void {
    this.programs.dispose();
    this.bytes.dispose();
  }
}
