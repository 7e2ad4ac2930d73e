/**
 * The benchmark page: renderers that differ only in how they compute similarity, fed the same
 * feature files and timed on the same pointer moves, interleaved so that all see the same
 * machine state. benchmarks/repaint.py drives it.
 *
 * - "ours": this renderer on the file's codes (16 channels per RGBA32UI texel at 8 bit),
 *   normalised reference, inverse norms computed once;
 * - "plain": the same shader on four channels per texel (one fetch per four channels), which
 *   isolates what normalising once buys from what the 16-byte texels buy;
 * - "naive": the original tool's approach (four channels per texel, reference texel and both
 *   norms re-read inside the loop).
 *
 * "plain" and "naive" read a copy of the codes with four channels per texel, as the original
 * tool stored them (plainCopy.ts). It is built in setup(), once per layer, outside the timed
 * loop: measure() times repaints only.
 */
import type { LayerSource } from "../contract";
import { FeatureCache } from "../data/featureCache";
import type { FeatureFile } from "../data/featureFile";
import type { Point, Size } from "../geometry";
import { Renderer, type RendererOptions } from "../renderer/renderer";
import { NaiveSimilarityPass } from "./naiveSimilarity";
import { plainCopy } from "./plainCopy";

export interface BenchSetup {
  readonly layers: readonly LayerSource[];
  readonly image: Size;
  /** Each panel's size in CSS pixels (side by side). */
  readonly panel: Size;
}

interface Variant {
  readonly options: RendererOptions;
  /** Reads the four-channels-per-texel copy of the codes (plainCopy.ts). */
  readonly plain: boolean;
}

const VARIANTS = {
  ours: { options: {}, plain: false },
  plain: { options: {}, plain: true },
  naive: {
    options: { similarity: (gl: WebGL2RenderingContext) => new NaiveSimilarityPass(gl) },
    plain: true,
  },
} satisfies Record<string, Variant>;

type Name = keyof typeof VARIANTS;
const NAMES = Object.keys(VARIANTS) as Name[];

const cache = new FeatureCache();
const renderers = new Map<Name, Renderer>();

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
  // The original tool's layout, re-arranged here once, before anything is timed.
  const plainFiles = files.map(plainCopy);
  for (const name of NAMES) {
    renderers.get(name)?.dispose();
    const variant: Variant = VARIANTS[name];
    const renderer = makeRenderer(variant.options, config);
    renderers.set(name, renderer);
    const fed: FeatureFile[] = variant.plain ? plainFiles : files;
    await Promise.all(fed.map((file, index) => renderer.setFile(config.layers[index]?.entryId ?? "", file)));
    for (const layer of config.layers) {
      const status = renderer.status(layer.entryId);
      if (status?.kind !== "ready") {
        throw new Error(`${name} renderer: ${layer.layer} is not ready: ${JSON.stringify(status)}`);
      }
    }
  }
  return renderers.get("ours")?.gpuInfo.renderer ?? "";
}

function renderer(name: Name): Renderer {
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
function measure(moves: readonly Point[], warmup: number): Record<Name, number[]> {
  const times = Object.fromEntries(NAMES.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
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
