/** The inverse norm of every cell's code vector, once per upload. */
import type { Pass, PassInput } from "../pass";
import source from "../shaders/norm.frag.glsl?raw";
import { CodePrograms, drawOverChunks, singleSums } from "./codePrograms";

export class NormPass implements Pass {
  static readonly passName = "norm";
  private readonly programs: CodePrograms;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new CodePrograms(gl, "norm", source);
  }

  run({ layer }: PassInput): void {
    const gl = this.gl;
    const program = this.programs.use(layer.layout);
    gl.uniform1i(program.uniform("u_lastColumn"), layer.file.header.width - 1);
    drawOverChunks(gl, program, layer, singleSums(gl, program, layer, layer.inverseNorm));
  }

  dispose(): void {
    this.programs.dispose();
  }
}
