/**
 * Similarity of every cell to the reference vector, over the layer's grid: sixteen cells per
 * fragment into four targets (similarity.frag), then interleaved into the values map that
 * the reduction, colour and metric passes read (four cells per texel).
 */
import { MAX_GROUPS } from "../codeLayout";
import type { Pass, PassInput } from "../pass";
import { Program } from "../program";
import interleaveSource from "../shaders/interleave.frag.glsl?raw";
import source from "../shaders/similarity.frag.glsl?raw";
import { CodePrograms, drawOverChunks } from "./codePrograms";

const REFERENCE_BINDING = 0;
/** Texture units of u_partial0..3 (0 holds the codes, 2 the inverse norms). */
const PARTIAL_UNITS = [1, 3, 4, 5];

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
      target: (index, last) => layer.split(index, last),
      partial: (index) => {
        // The first draw reads no sums; its units get a texture it does not draw into.
        const sums = index < 0 ? null : layer.split(index).textures;
        PARTIAL_UNITS.forEach((unit, target) => {
          const texture = sums?.[target] ?? layer.inverseNorm.texture;
          program.texture(`u_partial${target.toString()}`, unit, gl.TEXTURE_2D, texture);
        });
      },
      perChunk: (chunk) => {
        gl.uniform1i(program.uniform("u_firstGroup"), chunk.firstGroup);
      },
    });
    layer.values.bind();
    this.interleave.use();
    layer.split(0, true).textures.forEach((texture, target) => {
      this.interleave.texture(`u_target${target.toString()}`, target, gl.TEXTURE_2D, texture);
    });
    this.interleave.drawFullscreen();
  }

  dispose(): void {
    this.programs.dispose();
    this.interleave.dispose();
  }
}
