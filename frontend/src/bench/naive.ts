/**
 * The original tool's per-move work, as a panel kind, for the benchmark's side-by-side
 * comparison (IFeaLiD, src/webgl/programs: Similarity, StretchIntensity, ColorMap):
 *
 * 1. similarity with the reference texel and both norms re-read inside the loop, one cell
 *    per fragment, four channels per texel (naive.frag);
 * 2. the whole similarity map read back to the CPU to find its min and max (a synchronous
 *    readPixels: the pipeline waits for the GPU);
 * 3. a separate stretch pass, (s - min) / (max - min), with min and max as uniforms;
 * 4. the colour map of the stretched values.
 *
 * The composite that puts the result on screen is this renderer's, as for ours.
 */
import type { LayerGpu } from "../renderer/layer";
import type { PanelKind } from "../renderer/panelKinds";
import type { Pass, PassInput } from "../renderer/pass";
import { CodePrograms } from "../renderer/passes/codePrograms";
import { RendererError } from "../renderer/errors";
import { Program } from "../renderer/program";
import { similarityAxis } from "../colourScale";
import colourMapSource from "./colourMap.frag.glsl?raw";
import naiveSource from "./naive.frag.glsl?raw";
import stretchSource from "./stretch.frag.glsl?raw";

/** Each layer's (min, max), as the CPU found it on the last move. */
const ranges = new WeakMap<LayerGpu, { min: number; max: number }>();

class NaiveSimilarityPass implements Pass {
  static readonly passName = "naive-similarity";
  private readonly programs: CodePrograms;

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.programs = new CodePrograms(gl, "naive similarity", naiveSource);
  }

  run({ layer, cell }: PassInput): void {
    const gl = this.gl;
    if (layer.chunks.length !== 1 || layer.layout.groupsPerTexel !== 1 || layer.cellsPerTexel !== 1) {
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

class ReadBackMinMaxPass implements Pass {
  static readonly passName = "naive-read-back";
  private pixels = new Float32Array(0);

  constructor(private readonly gl: WebGL2RenderingContext) {}

  run({ layer }: PassInput): void {
    const gl = this.gl;
    const { width, height } = layer.values;
    if (this.pixels.length !== width * height * 4) {
      this.pixels = new Float32Array(width * height * 4);
    }
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, layer.values.framebuffer);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.FLOAT, this.pixels);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < this.pixels.length; index += 4) {
      const value = this.pixels[index] ?? 0;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    ranges.set(layer, { min, max });
  }

  dispose(): void {
    this.pixels = new Float32Array(0);
  }
}

/** A fragment shader pass over the layer's grid writing `target(layer)`. */
abstract class GridPass implements Pass {
  protected readonly program: Program;

  constructor(
    protected readonly gl: WebGL2RenderingContext,
    name: string,
    source: string,
  ) {
    this.program = new Program(gl, name, source);
  }

  abstract run(input: PassInput): void;

  dispose(): void {
    this.program.dispose();
  }
}

class StretchPass extends GridPass {
  static readonly passName = "naive-stretch";

  constructor(gl: WebGL2RenderingContext) {
    super(gl, "stretch", stretchSource);
  }

  run({ layer }: PassInput): void {
    const gl = this.gl;
    const range = ranges.get(layer) ?? { min: 0, max: 0 };
    layer.partial(0).bind();
    this.program.use();
    this.program.texture("u_values", 0, gl.TEXTURE_2D, layer.values.texture);
    gl.uniform1f(this.program.uniform("u_min"), range.min);
    gl.uniform1f(this.program.uniform("u_max"), range.max);
    this.program.drawFullscreen();
  }
}

class ColourMapPass extends GridPass {
  static readonly passName = "naive-colour-map";

  constructor(gl: WebGL2RenderingContext) {
    super(gl, "colour map", colourMapSource);
  }

  run({ layer, lut }: PassInput): void {
    const gl = this.gl;
    layer.colour.bind();
    this.program.use();
    this.program.texture("u_stretched", 0, gl.TEXTURE_2D, layer.partial(0).texture);
    this.program.texture("u_lut", 1, gl.TEXTURE_2D, lut);
    this.program.drawFullscreen();
  }
}

/** The original tool's chain; its value maps hold one cell per texel. */
export const NAIVE: PanelKind = {
  name: "naive similarity",
  chain: [NaiveSimilarityPass, ReadBackMinMaxPass, StretchPass, ColourMapPass],
  followsReference: true,
  axis: (range, header) => similarityAxis(range.min, range.max, header.signed),
};
