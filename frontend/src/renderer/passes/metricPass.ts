/**
 * Cosine, Euclidean distance and dot product of every cell with the reference cell, after the
 * similarity pass: each is a function of the angle it wrote and the two cells' lengths, so no
 * pass reads the codes again. One shader (metric.frag), one subclass per metric.
 */
import type { Pass, PassInput } from "../pass";
import source from "../shaders/metric.frag.glsl?raw";
import { ProgramVariants } from "./programVariants";

/** The metric.frag variant of each metric. */
const METRIC_DEFINES = { cosine: 1, euclidean: 2, dot: 3 } as const;

abstract class MetricPass implements Pass {
  private readonly programs: ProgramVariants<number>;

  constructor(
    private readonly gl: WebGL2RenderingContext,
    private readonly metric: keyof typeof METRIC_DEFINES,
  ) {
    this.programs = new ProgramVariants(gl, "metric", source, (define) => ({ defines: { METRIC: define } }));
  }

  run({ layer }: PassInput): void {
    const gl = this.gl;
    if (layer.cellsPerTexel !== 4) {
      throw new Error("the metric passes read value maps of four cells per texel");
    }
    const { header } = layer.file;
    // The result goes to a scratch target (a pass cannot read what it draws into), then back
    // into the values map where the reduction and colour passes read it.
    const scratch = layer.partial(0);
    scratch.bind();
    const program = this.programs.use(METRIC_DEFINES[this.metric]);
    program.texture("u_values", 0, gl.TEXTURE_2D, layer.values.texture);
    program.texture("u_inverseNorm", 1, gl.TEXTURE_2D, layer.inverseNorm.texture);
    program.texture("u_scales", 2, gl.TEXTURE_2D, layer.scales);
    gl.uniform1i(program.uniform("u_lastColumn"), header.width - 1);
    gl.uniform1f(program.uniform("u_referenceLength"), layer.referenceLength);
    program.drawFullscreen();
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, scratch.framebuffer);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, layer.values.framebuffer);
    const { width, height } = layer.values;
    gl.blitFramebuffer(0, 0, width, height, 0, 0, width, height, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
  }

  dispose(): void {
    this.programs.dispose();
  }
}

export class CosinePass extends MetricPass {
  static readonly passName = "cosine";
  constructor(gl: WebGL2RenderingContext) {
    super(gl, "cosine");
  }
}

export class EuclideanPass extends MetricPass {
  static readonly passName = "euclidean";
  constructor(gl: WebGL2RenderingContext) {
    super(gl, "euclidean");
  }
}

export class DotPass extends MetricPass {
  static readonly passName = "dot";
  constructor(gl: WebGL2RenderingContext) {
    super(gl, "dot");
  }
}
