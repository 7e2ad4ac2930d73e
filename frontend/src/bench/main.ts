/**
 * The benchmark page: renderers that differ only in how they compute a panel's values, fed
 * the same feature files and timed on the same pointer moves, interleaved move by move so
 * that all see the same machine state. benchmarks/repaint.py drives it.
 *
 * - "ours": this renderer on the file's codes (16 channels per RGBA32UI texel at 8 bit),
 *   normalised reference, inverse norms computed once, min/max on the GPU;
 * - "unpacked": the same passes on four channels per texel, which isolates what the 16-byte
 *   texels buy;
 * - "naive": the original tool's per-move work (naive.ts): reference texel and both norms
 *   re-read in the loop, the whole map read back to the CPU for min/max, a separate stretch
 *   pass, then the colour map;
 * - "still": a frame of "ours" without a reference change (the opacity changes);
 * - "floor": a pass that only fetches and sums every code texel (readFloor.ts);
 * - "similarity": the similarity pass of "ours" alone over the same layers, the same move's
 *   reference (no reduction, colour or composite): the part of a repaint no other change to
 *   the chain can remove, so its ratio to "naive" bounds the repaint's;
 * - "finish": the one-pixel read-back that closes every timed frame, alone, with the GPU idle:
 *   what waiting costs the benchmark itself (a call to the GPU process and back), which the
 *   view never pays (it reads nothing back synchronously).
 *
 * "unpacked" and "naive" read a copy of the codes with four channels per texel, as the
 * original tool stored them (plainCopy.ts), built once in setup(), outside the timed loop.
 */
import type { LayerSource } from "../contract";
import { FeatureCache } from "../data/featureCache";
import type { FeatureFile } from "../data/featureFile";
import type { LayerGpu } from "../renderer/layer";
import type { Point, Size } from "../geometry";
import { SimilarityPass } from "../renderer/passes/similarityPass";
import { type PassCounts, Renderer, type RendererOptions } from "../renderer/renderer";
import { solidTexture } from "../renderer/textures";
import { NAIVE } from "./naive";
import { plainCopy } from "./plainCopy";
import { profilePasses } from "./profile";
import { ReadFloor } from "./readFloor";

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
  unpacked: { options: {}, plain: true },
  naive: { options: { kinds: { similarity: NAIVE }, cellsPerTexel: 1 }, plain: true },
} satisfies Record<string, Variant>;

type Name = keyof typeof VARIANTS;
const NAMES = Object.keys(VARIANTS) as Name[];
/**
 * Every timed thing of a move: the variants' repaints, a still frame, the read floor, the
 * similarity pass alone and the read-back alone.
 */
type Timed = Name | "still" | "floor" | "similarity" | "finish";

const cache = new FeatureCache();
const renderers = new Map<Name, Renderer>();
let floor: ReadFloor | null = null;
/** The similarity pass timed alone, and the colour table its input names (it reads none). */
let similarity: { pass: SimilarityPass; lut: WebGLTexture } | null = null;

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

/** A gradient the size of the image, so the composite samples a real mipmapped picture. */
function benchImage(size: Size): ImageData {
  const pixels = new Uint8ClampedArray(size.width * size.height * 4);
  for (let index = 0; index < pixels.length; index += 4) {
    const pixel = index / 4;
    pixels.set([pixel % 251, (pixel >> 3) % 253, (pixel >> 7) % 255, 255], index);
  }
  return new ImageData(pixels, size.width, size.height);
}

/** Load the layers into every variant; returns the WebGL renderer's name. */
async function setup(config: BenchSetup): Promise<string> {
  const files = await Promise.all(config.layers.map((layer) => cache.load(layer)));
  // The original tool's layout, re-arranged here once, before anything is timed.
  const plainFiles = files.map(plainCopy);
  const image = benchImage(config.image);
  for (const name of NAMES) {
    renderers.get(name)?.dispose();
    const variant: Variant = VARIANTS[name];
    const renderer = makeRenderer(variant.options, config);
    renderers.set(name, renderer);
    renderer.setImage(image, config.image);
    const fed: FeatureFile[] = variant.plain ? plainFiles : files;
    await Promise.all(fed.map((file, index) => renderer.setFile(config.layers[index]?.entryId ?? "", file)));
    for (const layer of config.layers) {
      const status = renderer.status(layer.entryId);
      if (status?.kind !== "ready") {
        throw new Error(`${name} renderer: ${layer.layer} is not ready: ${JSON.stringify(status)}`);
      }
    }
  }
  floor = new ReadFloor(renderer("ours").context);
  const gl = renderer("ours").context;
  if (similarity !== null) {
    similarity.pass.dispose();
    gl.deleteTexture(similarity.lut);
  }
  similarity = { pass: new SimilarityPass(gl), lut: solidTexture(gl, [0, 0, 0, 255]) };
  return renderer("ours").gpuInfo.renderer;
}

function renderer(name: Name): Renderer {
  const found = renderers.get(name);
  if (found === undefined) {
    throw new Error("call setup() first");
  }
  return found;
}

export interface Measured {
  readonly times: Record<Timed, number[]>;
  /** Values (feature values) every repaint reads: the sum of width x height x channels. */
  readonly values: number;
  /** Pass runs of "ours" around its still frames: equal when no value pass ran. */
  readonly passesBeforeStill: PassCounts;
  readonly passesAfterStill: PassCounts;
}

/**
 * Wait for the GPU as the repaints do (a one-pixel read-back), from a target the similarity
 * pass wrote last, so that the read depends on every draw before it.
 */
function finishValues(gl: WebGL2RenderingContext, layers: readonly LayerGpu[]): void {
  const last = layers.at(-1);
  if (last !== undefined) {
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, last.values.framebuffer);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, new Float32Array(4));
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
  }
}

/**
 * Time each move in every variant: the reference change, every pass of every panel and the
 * composite, then a one-pixel read-back that waits for the GPU. Then, for the same move, a
 * frame of "ours" where only the opacity changed, the read-back alone (the GPU idle), the read
 * floor, and the similarity pass of "ours" alone (its reference already set by the move). The
 * order of the repaints rotates per move.
 */
function measure(moves: readonly Point[], warmup: number): Measured {
  const ours = renderer("ours");
  const times = Object.fromEntries(
    [...NAMES, "still", "floor", "similarity", "finish"].map((name) => [name, [] as number[]]),
  ) as Record<Timed, number[]>;
  const time = (name: Timed, index: number, work: () => void): void => {
    const start = performance.now();
    work();
    if (index >= warmup) {
      times[name].push(performance.now() - start);
    }
  };
  let passesBeforeStill = ours.passCounts();
  let passesAfterStill = passesBeforeStill;
  moves.forEach((move, index) => {
    for (let offset = 0; offset < NAMES.length; offset++) {
      const name = NAMES[(index + offset) % NAMES.length] ?? "ours";
      const target = renderer(name);
      time(name, index, () => {
        target.setReference(move);
        target.render();
        target.readBack.finish();
      });
    }
    passesBeforeStill = ours.passCounts();
    time("still", index, () => {
      ours.setOpacityShift(index % 2 === 0 ? 0.1 : -0.1);
      ours.render();
      ours.readBack.finish();
    });
    passesAfterStill = ours.passCounts();
    time("finish", index, () => {
      ours.readBack.finish();
    });
    time("floor", index, () => {
      floor?.run(ours.gpuLayers());
      floor?.finish();
    });
    const layers = ours.gpuLayers();
    time("similarity", index, () => {
      for (const layer of layers) {
        // The pass reads the layer's reference vector, which the move's repaint of "ours" set.
        similarity?.pass.run({ layer, cell: { x: 0, y: 0 }, channel: 0, lut: similarity.lut });
      }
      finishValues(ours.context, layers);
    });
  });
  const values = ours
    .gpuLayers()
    .reduce(
      (sum, layer) => sum + layer.file.header.width * layer.file.header.height * layer.file.header.channels,
      0,
    );
  return { times, values, passesBeforeStill, passesAfterStill };
}

/** The largest difference between any variant's similarity map and ours, over all panels. */
function compare(): number {
  const ours = renderer("ours");
  let worst = 0;
  for (const panel of ours.drawnPanels()) {
    const reference = ours.readBack.values(panel.id)?.values ?? new Float32Array();
    for (const name of NAMES) {
      const values = renderer(name).readBack.values(panel.id)?.values ?? new Float32Array();
      worst = values.length === reference.length ? worst : Number.POSITIVE_INFINITY;
      values.forEach((value, cell) => {
        worst = Math.max(worst, Math.abs(value - (reference[cell] ?? Number.NaN)));
      });
    }
  }
  return worst;
}

/** Each pass of "ours" timed alone, per layer (profile.ts). */
function profile(repeats: number): Record<string, number> {
  if (floor === null) {
    throw new Error("call setup() first");
  }
  return profilePasses(renderer("ours"), floor, repeats);
}

declare global {
  interface Window {
    __bench?: {
      setup: typeof setup;
      measure: typeof measure;
      compare: typeof compare;
      profile: typeof profile;
    };
  }
}

window.__bench = { setup, measure, compare, profile };
