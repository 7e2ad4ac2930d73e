/** Similarity of every cell to the reference vector, over the layer's grid. */
import { MAX_GROUPS } from "../codeLayout";
import type { Pass, PassInput } from "../pass";
import source from "../shaders/similarity.frag.glsl?raw";
import { CodePrograms, drawOverChunks } from "./codePrograms";

const REFERENCE_BINDING = 0;

export class SimilarityPass implements Pass {
  static readonly passName = "similarity";
  private readonly programs: CodePrograms;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new CodePrograms(gl, "similarity", source, { MAX_GROUPS }, (program) => {
      gl.uniformBlockBinding(
        program.handle,
        gl.getUniformBlockIndex(program.handle, "Reference"),
        REFERENCE_BINDING,
      );
    });
  }

  run({ layer }: PassInput): void {
    const gl = this.gl;
    const program = this.programs.use(layer.layout);
    gl.uniform1i(program.uniform("u_hasReference"), layer.hasReference ? 1 : 0);
    gl.uniform1f(program.uniform("u_offsetCorrection"), layer.referenceOffsetCorrection);
    gl.uniform1i(program.uniform("u_lastColumn"), layer.file.header.width - 1);
    program.texture("u_inverseNorm", 2, gl.TEXTURE_2D, layer.inverseNorm.texture);
    gl.bindBufferBase(gl.UNIFORM_BUFFER, REFERENCE_BINDING, layer.reference);
    drawOverChunks(gl, program, layer, layer.values, (chunk) => {
      gl.uniform1i(program.uniform("u_firstGroup"), chunk.firstGroup);
    });
  }

  dispose(): void {
    this.programs.dispose();
  }
}
