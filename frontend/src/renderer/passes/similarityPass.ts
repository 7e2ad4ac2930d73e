/**
 * Similarity of every cell to the reference vector, over the layer's grid: eight cells per
 * fragment into a pair of targets (similarity.frag), then interleaved into the values map
 * that the reduction, colour and metric passes read (four cells per texel).
 */
import { MAX_GROUPS } from "../codeLayout";
import type { Pass, PassInput } from "../pass";
import { Program } from "../program";
import interleaveSource from "../shaders/interleave.frag.glsl?raw";
import source from "../shaders/similarity.frag.glsl?raw";
import { CodePrograms, drawOverChunks } from "./codePrograms";

const REFERENCE_BINDING = 0;

export class SimilarityPass implements Pass {
  static readonly passName = "similarity";
  private readonly programs: CodePrograms;
  private readonly interleave: Program;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new CodePrograms(gl, "similarity", source, { MAX_GROUPS }, (program) => {
      gl.uniformBlockBinding(
        program.handle,
        gl.getUniformBlockIndex(program.handle, "Reference"),
        REFERENCE_BINDING,
      );
    });
    this.interleave = new Program(gl, "interleave", interleaveSource);
  }

  run({ layer }: PassInput): void {
    const gl = this.gl;
    const program = this.programs.use(layer.layout);
    gl.uniform1i(program.uniform("u_hasReference"), layer.hasReference ? 1 : 0);
    gl.uniform1f(program.uniform("u_offsetCorrection"), layer.referenceOffsetCorrection);
    gl.uniform1i(program.uniform("u_lastColumn"), layer.file.header.width - 1);
    gl.uniform1i(program.uniform("u_lastTexel"), layer.inverseNorm.width - 1);
    program.texture("u_inverseNorm", 2, gl.TEXTURE_2D, layer.inverseNorm.texture);
    gl.bindBufferBase(gl.UNIFORM_BUFFER, REFERENCE_BINDING, layer.reference);
    drawOverChunks(gl, program, layer, {
      target: (index, last) => layer.pair(index, last),
      partial: (index) => {
        // The first draw reads no sums; its units get a texture it does not draw into.
        const [low, high] =
          index < 0 ? [layer.inverseNorm.texture, layer.inverseNorm.texture] : layer.pair(index).textures;
        program.texture("u_partialLow", 1, gl.TEXTURE_2D, low);
        program.texture("u_partialHigh", 3, gl.TEXTURE_2D, high);
      },
      perChunk: (chunk) => {
        gl.uniform1i(program.uniform("u_firstGroup"), chunk.firstGroup);
      },
    });
    layer.values.bind();
    this.interleave.use();
    const [low, high] = layer.pair(0, true).textures;
    this.interleave.texture("u_low", 0, gl.TEXTURE_2D, low);
    this.interleave.texture("u_high", 1, gl.TEXTURE_2D, high);
    this.interleave.drawFullscreen();
  }

  dispose(): void {
    this.programs.dispose();
    this.interleave.dispose();
  }
}
