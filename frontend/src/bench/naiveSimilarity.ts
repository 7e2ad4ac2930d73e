/** The original tool's similarity computation, for the benchmark's side-by-side comparison. */
import type { Point } from "../geometry";
import { RendererError } from "../renderer/errors";
import type { LayerGpu } from "../renderer/layer";
import { CodePrograms } from "../renderer/passes/codePrograms";
import type { SimilarityStrategy } from "../renderer/passes/similarityPass";
import source from "./naive.frag.glsl?raw";

export class NaiveSimilarityPass implements SimilarityStrategy {
  readonly cellsPerTexel = 1;
  private readonly programs: CodePrograms;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new CodePrograms(gl, "naive similarity", source);
  }

  run(layer: LayerGpu, cell: Point): void {
    const gl = this.gl;
    if (layer.chunks.length !== 1 || layer.layout.groupsPerTexel !== 1) {
      throw new RendererError(
        "the naive shader reads four channels per texel (plainCopy.ts) in one texture array only",
      );
    }
    layer.values.bind();
    const program = this.programs.use(layer.layout);
    program.texture("u_codes", 0, gl.TEXTURE_2D_ARRAY, layer.array(0));
    gl.uniform1i(program.uniform("u_slices"), layer.chunks[0]?.slices ?? 0);
    gl.uniform2i(program.uniform("u_referenceCell"), cell.x, cell.y);
    program.drawFullscreen();
  }

  dispose(): void {
    this.programs.dispose();
  }
}
