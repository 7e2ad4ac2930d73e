/**
 * The benchmark page: renderers that differ only in how they compute similarity, fed the same
 * feature files and timed on the same pointer moves, interleaved so that all see the same
 * machine state. benchmarks/repaint.py drives it.
 *
 * - "ours": this renderer (packed codes, normalised reference, inverse norms computed once);
 * - "plain": the same shader on the file's own layout (one fetch per four channels), which
 *   isolates what normalising once buys from what packing buys;
 * - "naive": the original tool's approach (plain layout, reference texel and both norms
 *   re-read inside the loop).
 */
import type { LayerSource } from "../contract";
import { FeatureCache } from "../data/featureCache";
import type { Point, Size } from "../geometry";
import { Renderer, type RendererOptions } from "../renderer/renderer";
import { NaiveSimilarityPass } from "./naiveSimilarity";

export interface BenchSetup {
  readonly layers: readonly LayerSource[];
  readonly image: Size;
  /** Each panel's size in CSS pixels (side by side). */
  readonly panel: Size;
}

const VARIANTS = {
  ours: {},
  plain: { packCodes: false },
  naive: { packCodes: false, similarity: (gl: WebGL2RenderingContext) => new NaiveSimilarityPass(gl) },
} satisfies Record<string, RendererOptions>;

type Variant = keyof typeof VARIANTS;
const NAMES = Object.keys(VARIANTS) as Variant[];

const cache = new FeatureCache();
const renderers = new Map<Variant, Renderer>();

function makeRenderer(options: RendererOptions, setup: BenchSetup): Renderer {
  const canvas = document.createElement("canvas");
  const gap = 8;
  const width = setup.layers.length * (setup.panel.width + gap);
  canvas.style.width = `${width.toString()}px`;
  canvas.style.height = `${setup.panel.height.toString()}px`;
  canvas.style.display = "block";
  document.getElementById("stages")?.append(canvas);
  const renderer = new Renderer(canvas, options);
  renderer.setPanels(
    setup.layers.map((layer) => ({ id: layer.entryId, layer: layer.layer, stride: layer.stride })),
  );
  renderer.setLayout(
    { width, height: setup.panel.height },
    1,
    setup.layers.map((_, index) => ({ x: index * (setup.panel.width + gap), y: 0, ...setup.panel })),
  );
  renderer.setImageSize(setup.image);
  renderer.setColourTable(Array.from({ length: 256 }, (_, index) => [index, index, 255 - index]));
  return renderer;
}

/** Load the layers into every variant; returns the WebGL renderer's name. */
async function setup(config: BenchSetup): Promise<string> {
  const files = await Promise.all(config.layers.map((layer) => cache.load(layer)));
  for (const name of NAMES) {
    renderers.get(name)?.dispose();
    const renderer = makeRenderer(VARIANTS[name], config);
    renderers.set(name, renderer);
    await Promise.all(
      files.map((file, index) => renderer.setFile(config.layers[index]?.entryId ?? "", file)),
    );
    for (const layer of config.layers) {
      const status = renderer.status(layer.entryId);
      if (status?.kind !== "ready") {
        throw new Error(`${name} renderer: ${layer.layer} is not ready: ${JSON.stringify(status)}`);
      }
    }
  }
  return renderers.get("ours")?.gpuInfo.renderer ?? "";
}

function renderer(name: Variant): Renderer {
  const found = renderers.get(name);
  if (found === undefined) {
    throw new Error("call setup() first");
  }
  return found;
}

/**
 * Time each move's repaint in every variant: reference change, every pass of every panel,
 * then a one-pixel read-back that waits for the GPU. The variants' order rotates per move.
 */
function measure(moves: readonly Point[], warmup: number): Record<Variant, number[]> {
  const times = Object.fromEntries(NAMES.map((name) => [name, [] as number[]])) as Record<Variant, number[]>;
  moves.forEach((move, index) => {
    for (let offset = 0; offset < NAMES.length; offset++) {
      const name = NAMES[(index + offset) % NAMES.length] ?? "ours";
      const target = renderer(name);
      const start = performance.now();
      target.setReference(move);
      target.render();
      target.finish();
      if (index >= warmup) {
        times[name].push(performance.now() - start);
      }
    }
  });
  return times;
}

/** Time frames in which nothing changed: the composite alone (for the breakdown). */
function measureStill(count: number): number[] {
  const ours = renderer("ours");
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    ours.requestFrame();
    ours.render();
    ours.finish();
    times.push(performance.now() - start);
  }
  return times;
}

/** The largest difference between any variant's similarity map and ours, over all panels. */
function compare(): number {
  const ours = renderer("ours");
  let worst = 0;
  for (const panel of ours.drawnPanels()) {
    const reference = ours.readValues(panel.id)?.values ?? new Float32Array();
    for (const name of NAMES) {
      const values = renderer(name).readValues(panel.id)?.values ?? new Float32Array();
      worst = values.length === reference.length ? worst : Number.POSITIVE_INFINITY;
      values.forEach((value, cell) => {
        worst = Math.max(worst, Math.abs(value - (reference[cell] ?? Number.NaN)));
      });
    }
  }
  return worst;
}

declare global {
  interface Window {
    __bench?: {
      setup: typeof setup;
      measure: typeof measure;
      measureStill: typeof measureStill;
      compare: typeof compare;
    };
  }
}

window.__bench = { setup, measure, measureStill, compare };
