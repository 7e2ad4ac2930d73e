/**
 * Program variants for passes that read a layer's codes, one per code layout (packed or
 * plain, unsigned, signed or float), compiled on first use and kept.
 */
import { type Chunk, type CodeLayout, samplerType } from "../codeLayout";
import type { LayerGpu } from "../layer";
import { type Defines, Program } from "../program";
import codesLibrary from "../shaders/codes.glsl?raw";
import type { RenderTarget } from "../target";

/**
 * Draw `program` once per texture array of `layer`: codes on unit 0, the previous draw's
 * running sum on unit 1 (u_partial, with u_accumulate), and `target` for the last draw
 * (u_finish); `perChunk` sets what else differs per array.
 */
export function drawOverChunks(
  gl: WebGL2RenderingContext,
  program: Program,
  layer: LayerGpu,
  target: RenderTarget,
  perChunk: (chunk: Chunk) => void,
): void {
  layer.chunks.forEach((chunk, index) => {
    const last = index === layer.chunks.length - 1;
    (last ? target : layer.partial(index)).bind();
    program.texture("u_codes", 0, gl.TEXTURE_2D_ARRAY, layer.array(index));
    program.texture("u_partial", 1, gl.TEXTURE_2D, layer.partial(index - 1).texture);
    gl.uniform1i(program.uniform("u_slices"), chunk.slices);
    gl.uniform1i(program.uniform("u_accumulate"), index > 0 ? 1 : 0);
    gl.uniform1i(program.uniform("u_finish"), last ? 1 : 0);
    perChunk(chunk);
    program.drawFullscreen();
  });
}

export class CodePrograms {
  private readonly programs = new Map<string, Program>();

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly name: string,
    private readonly source: string,
    private readonly defines: Defines = {},
    private readonly onCreate: (program: Program) => void = () => undefined,
  ) {}

  /** The program for a code layout, in use. */
  use(layout: CodeLayout): Program {
    const key = `${layout.kind.toString()}/${layout.sampler}`;
    let program = this.programs.get(key);
    if (program === undefined) {
      program = new Program(this.gl, `${this.name} (${key})`, this.source, {
        defines: { ...this.defines, CODE_SAMPLER: samplerType(layout.sampler), CODE_LAYOUT: layout.kind },
        libraries: [codesLibrary],
      });
      this.onCreate(program);
      this.programs.set(key, program);
    }
    program.use();
    return program;
  }

  dispose(): void {
    for (const program of this.programs.values()) {
      program.dispose();
    }
    this.programs.clear();
  }
}
