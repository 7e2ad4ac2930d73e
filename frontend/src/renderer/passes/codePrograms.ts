/**
 * Program variants for passes that read a layer's codes, one per code layout (packed or
 * plain, unsigned, signed or float), and the loop those passes share over a layer's arrays.
 */
import { type Chunk, type CodeLayout, samplerType } from "../codeLayout";
import type { LayerGpu } from "../layer";
import { planeDefines } from "../planeCoding";
import type { Defines, Program } from "../program";
import codesLibrary from "../shaders/codes.glsl?raw";
import type { RenderTarget } from "../target";
import { ProgramVariants } from "./programVariants";

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
  private readonly variants: ProgramVariants<string>;
  private readonly layouts = new Map<string, CodeLayout>();

  constructor(
    gl: WebGL2RenderingContext,
    name: string,
    source: string,
    defines: Defines = {},
    onCreate?: (program: Program) => void,
  ) {
    this.variants = new ProgramVariants(
      gl,
      name,
      source,
      (key) => {
        const layout = this.layouts.get(key);
        if (layout === undefined) {
          throw new Error(`no code layout ${key}`);
        }
        return {
          defines: {
            ...defines,
            ...planeDefines(layout.kind),
            CODE_SAMPLER: samplerType(layout.sampler),
            CODE_LAYOUT: layout.kind,
          },
          libraries: [codesLibrary],
        };
      },
      onCreate,
    );
  }

  /** The program for a code layout, in use. */
  use(layout: CodeLayout): Program {
    const key = `${layout.kind.toString()}/${layout.sampler}`;
    this.layouts.set(key, layout);
    return this.variants.use(key);
  }

  dispose(): void {
    this.variants.dispose();
  }
}
