/**
 * One (min, max) for several maps, on the GPU: after each map's own reduction, their ranges are
 * combined pairwise into one texel, which is then copied into every map's min/max. The colour
 * pass that follows stretches every map over the same range (cross-image panels), and nothing
 * is read back to the CPU on a pointer move.
 */
import type { LayerGpu } from "../layer";
import type { Pass } from "../pass";
import { Program } from "../program";
import source from "../shaders/jointRange.frag.glsl?raw";
import { RenderTarget } from "../target";

export class JointRangePass implements Pass<readonly LayerGpu[]> {
  static readonly passName = "joint range";
  private readonly program: Program;
  /** Running ranges, used in turn (a pass cannot read the texture it draws into). */
  private readonly running: readonly [RenderTarget, RenderTarget];

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "joint range", source);
    this.running = [new RenderTarget(gl, 1, 1, "rg32f"), new RenderTarget(gl, 1, 1, "rg32f")];
  }

  /** The joint range of `layers`' reductions, written into each layer's min/max. */
  run(layers: readonly LayerGpu[]): void {
    const gl = this.gl;
    const first = layers[0];
    if (first === undefined || layers.length === 1) {
      return;
    }
    let range: RenderTarget = first.minMax;
    this.program.use();
    layers.slice(1).forEach((layer, index) => {
      const target = this.running[index % 2] ?? this.running[0];
      target.bind();
      this.program.texture("u_a", 0, gl.TEXTURE_2D, range.texture);
      this.program.texture("u_b", 1, gl.TEXTURE_2D, layer.minMax.texture);
      this.program.drawFullscreen();
      range = target;
    });
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, range.framebuffer);
    for (const layer of layers) {
      gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, layer.minMax.framebuffer);
      gl.blitFramebuffer(0, 0, 1, 1, 0, 0, 1, 1, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    }
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
  }

  dispose(): void {
    this.program.dispose();
    for (const target of this.running) {
      target.dispose();
    }
  }
}
