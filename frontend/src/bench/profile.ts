/**
 * Where a repaint's time goes: each pass of "ours" timed alone per layer (the GPU finished
 * after each), the composite alone, and the read floor, so that the benchmark's table can say
 * which part bounds the repaint. The passes are this renderer's own classes, run on the
 * layers the renderer uploaded; nothing here is a copy of their code.
 */
import type { LayerGpu } from "../renderer/layer";
import type { Pass, PassClass } from "../renderer/pass";
import { ColourPass } from "../renderer/passes/colourPass";
import { NormPass } from "../renderer/passes/normPass";
import { ReductionPass } from "../renderer/passes/reductionPass";
import { SimilarityPass } from "../renderer/passes/similarityPass";
import type { Renderer } from "../renderer/renderer";
import { Program } from "../renderer/program";
import { solidTexture } from "../renderer/textures";

const FLAT =
  "#version 300 es\nprecision highp float;\nout vec4 o;\nvoid main() { o = vec4(0.5, 0.2, 0.1, 1.0); }\n";
import type { ReadFloor } from "./readFloor";

const PROFILED: readonly PassClass[] = [SimilarityPass, ReductionPass, ColourPass, NormPass];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Wait for the GPU: a one-texel read of the layer's min/max (every pass's work precedes it). */
function finish(gl: WebGL2RenderingContext, layer: LayerGpu): void {
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, layer.minMax.framebuffer);
  gl.readPixels(0, 0, 1, 1, gl.RG, gl.FLOAT, new Float32Array(2));
  gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
}

/**
 * Median milliseconds per pass and layer ("<pass> <layer>"), of the composite alone and of
 * the read floor per layer, over `repeats` runs each (after one untimed run).
 */
export function profilePasses(renderer: Renderer, floor: ReadFloor, repeats: number): Record<string, number> {
  const gl = renderer.context;
  const lut = solidTexture(gl, [255, 0, 0, 255]);
  const passes = new Map<PassClass, Pass>(PROFILED.map((kind) => [kind, new kind(gl)]));
  const result: Record<string, number> = {};
  const time = (name: string, layer: LayerGpu, work: () => void): void => {
    work();
    finish(gl, layer);
    const samples: number[] = [];
    for (let index = 0; index < repeats; index++) {
      const start = performance.now();
      work();
      finish(gl, layer);
      samples.push(performance.now() - start);
    }
    result[name] = median(samples);
  };
  for (const layer of renderer.gpuLayers()) {
    const name = layer.file.header.key.layer;
    for (const [kind, pass] of passes) {
      time(`${kind.passName} ${name}`, layer, () => {
        pass.run({ layer, cell: { x: 1, y: 1 }, channel: 0, lut });
      });
    }
    time(`floor ${name}`, layer, () => {
      floor.run([layer]);
    });
    time(`finish only ${name}`, layer, () => undefined);
  }
  const first = renderer.gpuLayers()[0];
  if (first !== undefined) {
    let shift = 0.1;
    time("composite (3 panels)", first, () => {
      shift = -shift;
      renderer.setOpacityShift(shift);
      renderer.render();
    });
    renderer.setMarkersVisible(false);
    time("composite without markers", first, () => {
      shift = -shift;
      renderer.setOpacityShift(shift);
      renderer.render();
    });
    renderer.setMarkersVisible(true);
    const flat = new Program(gl, "flat", FLAT);
    time("a flat colour over the canvas (the fill floor)", first, () => {
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      gl.viewport(0, 0, renderer.canvas.width, renderer.canvas.height);
      flat.use();
      flat.drawFullscreen();
    });
    flat.dispose();
  }
  for (const pass of passes.values()) {
    pass.dispose();
  }
  gl.deleteTexture(lut);
  return result;
}
