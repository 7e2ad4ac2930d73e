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

/** Where the draws of `drawOverChunks` write and read their running sums. */
export interface ChunkSums {
  /** Draw `index`'s target; the last draw's (`last`) is the pass's output. */
  readonly target: (index: number, last: boolean) => { bind(): void };
  /** Bind what draw `index` wrote as the next draw's input (index -1: the first draw, none). */
  readonly partial: (index: number) => void;
  /** Set what else differs per array. */
  readonly perChunk: (chunk: Chunk) => void;
}

/** Running sums in the layer's partial targets (one texture, u_partial on unit 1). */
export function singleSums(
  gl: WebGL2RenderingContext,
  program: Program,
  layer: LayerGpu,
  output: RenderTarget,
): ChunkSums {
  return {
    target: (index, last) => (last ? output : layer.partial(index)),
    partial: (index) => {
      program.texture("u_partial", 1, gl.TEXTURE_2D, layer.partial(index).texture);
    },
    perChunk: () => undefined,
  };
}

/**
 * Draw `program` once per texture array of `layer`: codes on unit 0, the previous draw's
 * running sums as `sums` binds them (with u_accumulate), and the output for the last draw
 * (u_finish).
 */
export function drawOverChunks(
  gl: WebGL2RenderingContext,
  program: Program,
  layer: LayerGpu,
  sums: ChunkSums,
): void {
  layer.chunks.forEach((chunk, index) => {
    const last = index === layer.chunks.length - 1;
    sums.target(index, last).bind();
    program.texture("u_codes", 0, gl.TEXTURE_2D_ARRAY, layer.array(index));
    sums.partial(index - 1);
    gl.uniform1i(program.uniform("u_slices"), chunk.slices);
    gl.uniform1i(program.uniform("u_accumulate"), index > 0 ? 1 : 0);
    gl.uniform1i(program.uniform("u_finish"), last ? 1 : 0);
    sums.perChunk(chunk);
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
