/** The read floor pass (readFloor.frag) over the layers of a renderer, with its own targets. */
import type { LayerGpu } from "../renderer/layer";
import { Program } from "../renderer/program";
import { RenderTarget } from "../renderer/target";
import source from "./readFloor.frag.glsl?raw";

export class ReadFloor {
  private readonly program: Program;
  private readonly targets = new Map<LayerGpu, RenderTarget>();

  constructor(private readonly gl: WebGL2RenderingContext) {
    this.program = new Program(gl, "read floor", source);
  }

  /** One draw per texture array of each layer (integer codes only). */
  run(layers: readonly LayerGpu[]): void {
    const gl = this.gl;
    this.program.use();
    for (const layer of layers) {
      let target = this.targets.get(layer);
      if (target === undefined) {
        target = new RenderTarget(gl, layer.file.header.width, layer.file.header.height, "rgba32f");
        this.targets.set(layer, target);
      }
      target.bind();
      layer.chunks.forEach((chunk, index) => {
        this.program.texture("u_codes", 0, gl.TEXTURE_2D_ARRAY, layer.array(index));
        gl.uniform1i(this.program.uniform("u_slices"), chunk.slices);
        this.program.drawFullscreen();
      });
    }
  }

  /** Wait for the GPU: read one texel of every target (nothing else depends on them). */
  finish(): void {
    const gl = this.gl;
    const texel = new Float32Array(4);
    for (const target of this.targets.values()) {
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, target.framebuffer);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, texel);
    }
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  }
}
