/**
 * The GPU resources of one layer: its codes as texture arrays (the file's bytes as they are,
 * see codeLayout.ts, uploaded in steps so the page stays responsive), its scales, the
 * per-cell inverse norms (computed once per upload), the reference vector's uniform buffer,
 * and the targets its passes draw into. Value maps hold `cellsPerTexel` cells per RGBA32F
 * texel (four for this renderer's passes, see similarity.frag); the similarity pass computes
 * sixteen per fragment into SIMILARITY_TARGETS quarter-width targets and interleaves them.
 */
import { type FeatureFile, cellCodes } from "../data/featureFile";
import type { Capabilities } from "./capabilities";
import { type Chunk, type CodeLayout, MAX_GROUPS, codeLayout, planChunks, texelData } from "./codeLayout";
import { AbortedError, RendererError } from "./errors";
import { shaderReference } from "./planeCoding";
import { MultiTarget, RenderTarget, createTexture } from "./target";

/**
 * Bytes uploaded between two yields to the browser. SwiftShader copies 0.4 to 0.7 ms per MB in
 * one call (1.2 to 2.5 ms per MB in 2 MB calls), so a step stays near 10 ms; smaller steps made
 * each layer wait behind the other layers' steps, the downloads and a progress render per
 * step (a ResNet-101 conv2_x took 0.25 to 0.3 s from its upload's start to its end).
 */
const UPLOAD_STEP_BYTES = 16 * 1024 * 1024;
const REDUCTION_BLOCK = 4;
/** The similarity pass's render targets (four cells each per fragment; similarity.frag). */
export const SIMILARITY_TARGETS = 4;

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface LayerOptions {
  /** Cells per texel of the value maps: 4 for this renderer's passes, 1 for the naive one. */
  readonly cellsPerTexel: 1 | 4;
}

export class LayerGpu {
  readonly layout: CodeLayout;
  readonly chunks: readonly Chunk[];
  readonly cellsPerTexel: 1 | 4;
  readonly scales: WebGLTexture;
  /** Per cell 1 / |v| (0 for a zero vector). */
  readonly inverseNorm: RenderTarget;
  /** The map the view shows: similarity, or one channel's values. */
  readonly values: RenderTarget;
  /** Min/max reduction steps; the last is 1x1. */
  readonly reduction: RenderTarget[] = [];
  /** The last reduction step's (min, max) as the bytes of two float32 (2x1 RGBA8). */
  readonly minMaxBytes: RenderTarget;
  /** Per cell: colour-table colour and stretched value. */
  readonly colour: RenderTarget;
  /** The unit reference vector (MAX_GROUPS vec4, the rest zero). */
  readonly reference: WebGLBuffer;
  hasReference = false;
  /** |r|, the reference vector's length in feature units (the distance and dot product need it). */
  referenceLength = 0;
  /** What the similarity pass adds to each cell's sum (planeCoding.ts's shaderReference). */
  referenceOffsetCorrection = 0;
  private readonly arrays: WebGLTexture[] = [];
  /** Running sums between the draws of a pass over several arrays (two, used in turn). */
  private readonly partials: RenderTarget[] = [];
  /**
   * Sixteen cells per texel t of the SIMILARITY_TARGETS textures (target k: cells 16t + 4k ..
   * 16t + 4k + 3): the similarity pass's output, then (several arrays only) two for its
   * running sums, used in turn.
   */
  private readonly splits: MultiTarget[] = [];

  constructor(
    private readonly gl: WebGL2RenderingContext,
    readonly file: FeatureFile,
    capabilities: Capabilities,
    options: LayerOptions,
  ) {
    const { header } = file;
    const name = header.key.layer;
    if (header.width > capabilities.maxTextureSize || header.height > capabilities.maxTextureSize) {
      throw new RendererError(
        `${name} is ${header.width.toString()}x${header.height.toString()} cells; this graphics driver ` +
          `takes textures of at most ${capabilities.maxTextureSize.toString()} per side. Prepare a smaller image.`,
      );
    }
    this.layout = codeLayout(header);
    this.chunks = planChunks(this.layout, header.channels, capabilities.maxArrayLayers, name);
    this.cellsPerTexel = options.cellsPerTexel;
    for (const chunk of this.chunks) {
      const texture = createTexture(gl, gl.TEXTURE_2D_ARRAY);
      gl.texStorage3D(
        gl.TEXTURE_2D_ARRAY,
        1,
        this.layout.internalFormat,
        header.width,
        header.height,
        chunk.slices,
      );
      this.arrays.push(texture);
    }
    this.scales = createTexture(gl, gl.TEXTURE_2D);
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R32F, header.width, header.height);
    if (gl.getError() === gl.OUT_OF_MEMORY) {
      this.dispose();
      throw new RendererError(
        `${name} does not fit in graphics memory; prepare it at 8 bit or use a smaller image.`,
      );
    }
    const texels = Math.ceil(header.width / this.cellsPerTexel);
    this.inverseNorm = new RenderTarget(gl, texels, header.height, "rgba32f");
    this.values = new RenderTarget(gl, texels, header.height, "rgba32f");
    this.partials.push(
      new RenderTarget(gl, texels, header.height, "rgba32f"),
      new RenderTarget(gl, texels, header.height, "rgba32f"),
    );
    const splits = this.chunks.length > 1 ? 3 : 1;
    for (let index = 0; index < splits; index++) {
      const width = Math.ceil(texels / SIMILARITY_TARGETS);
      this.splits.push(new MultiTarget(gl, width, header.height, SIMILARITY_TARGETS));
    }
    this.colour = new RenderTarget(gl, header.width, header.height, "rgba8");
    let width = texels;
    let height = header.height;
    do {
      width = Math.ceil(width / REDUCTION_BLOCK);
      height = Math.ceil(height / REDUCTION_BLOCK);
      this.reduction.push(new RenderTarget(gl, width, height, "rg32f"));
    } while (width > 1 || height > 1);
    this.minMaxBytes = new RenderTarget(gl, 2, 1, "rgba8");
    this.reference = gl.createBuffer();
    gl.bindBuffer(gl.UNIFORM_BUFFER, this.reference);
    gl.bufferData(gl.UNIFORM_BUFFER, MAX_GROUPS * 16, gl.DYNAMIC_DRAW);
    gl.bindBuffer(gl.UNIFORM_BUFFER, null);
  }

  get minMax(): RenderTarget {
    const last = this.reduction.at(-1);
    if (last === undefined) {
      throw new Error("a layer always has a reduction step");
    }
    return last;
  }

  /** The texture array of a chunk. */
  array(chunk: number): WebGLTexture {
    const texture = this.arrays[chunk];
    if (texture === undefined) {
      throw new Error(`no texture array ${chunk.toString()}`);
    }
    return texture;
  }

  /**
   * Where draw `index` of a multi-array pass writes its running sum (the next draw reads it).
   * The last draw writes the pass's own target instead.
   */
  partial(index: number): RenderTarget {
    const target = this.partials[((index % 2) + 2) % 2];
    if (target === undefined) {
      throw new Error("partial targets are made with the layer");
    }
    return target;
  }

  /**
   * The split targets of the similarity pass's draw `index` (as `partial`); `last`: its output.
   */
  split(index: number, last = false): MultiTarget {
    const target = this.splits[last ? 0 : 1 + (((index % 2) + 2) % 2)];
    if (target === undefined) {
      throw new Error("split targets for running sums are made for layers of several arrays only");
    }
    return target;
  }

  /**
   * Upload codes and scales, a few slices per task.
   *
   * @param isCurrent false once the upload should stop (context lost, layer removed)
   * @param onProgress fraction of the codes uploaded so far
   * @throws AbortedError when stopped
   */
  async upload(isCurrent: () => boolean, onProgress: (fraction: number) => void): Promise<void> {
    const gl = this.gl;
    const { header, scales } = this.file;
    const texelBytes = this.layout.channelsPerTexel * this.file.codes.BYTES_PER_ELEMENT;
    const sliceBytes = header.width * header.height * texelBytes;
    const slicesPerStep = Math.max(1, Math.floor(UPLOAD_STEP_BYTES / sliceBytes));
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    for (const [index, chunk] of this.chunks.entries()) {
      for (let slice = 0; slice < chunk.slices; slice += slicesPerStep) {
        if (!isCurrent()) {
          throw new AbortedError("upload stopped");
        }
        const count = Math.min(slicesPerStep, chunk.slices - slice);
        gl.bindTexture(gl.TEXTURE_2D_ARRAY, this.array(index));
        gl.texSubImage3D(
          gl.TEXTURE_2D_ARRAY,
          0,
          0,
          0,
          slice,
          header.width,
          header.height,
          count,
          this.layout.format,
          this.layout.type,
          texelData(this.file, this.layout, chunk.first + slice, count),
        );
        onProgress((chunk.first + slice + count) / this.layout.slices);
        await nextTask();
      }
    }
    if (!isCurrent()) {
      throw new AbortedError("upload stopped");
    }
    gl.bindTexture(gl.TEXTURE_2D, this.scales);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, header.width, header.height, gl.RED, gl.FLOAT, scales);
  }

  /**
   * Store the reference vector: its unit vector (null: a zero vector, whose similarities are all
   * 0) and length. It may come from another layer's file of the same layer (cross-image panels).
   */
  setReference({ unit, length }: ReferenceVector): void {
    this.hasReference = unit !== null;
    this.referenceLength = unit === null ? 0 : length;
    if (unit !== null) {
      const gl = this.gl;
      gl.bindBuffer(gl.UNIFORM_BUFFER, this.reference);
      const { values, offsetCorrection } = shaderReference(unit, this.layout);
      this.referenceOffsetCorrection = offsetCorrection;
      gl.bufferSubData(gl.UNIFORM_BUFFER, 0, values);
      gl.bindBuffer(gl.UNIFORM_BUFFER, null);
    }
  }

  /** The values map as one number per cell, rows from the top (tests and the benchmark). */
  readValues(): Float32Array {
    const { width, height } = this.file.header;
    const texels = this.values.readFloats();
    const values = new Float32Array(width * height);
    const perRow = this.values.width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const texel = y * perRow + Math.floor(x / this.cellsPerTexel);
        values[y * width + x] = texels[texel * 4 + (x % this.cellsPerTexel)] ?? Number.NaN;
      }
    }
    return values;
  }

  dispose(): void {
    const gl = this.gl;
    for (const texture of this.arrays) {
      gl.deleteTexture(texture);
    }
    // The constructor may have failed part-way: dispose only what exists.
    const made = this as Partial<LayerGpu>;
    if (made.scales !== undefined) {
      gl.deleteTexture(made.scales);
    }
    const targets = [made.inverseNorm, made.values, made.colour, made.minMaxBytes];
    for (const target of [...targets, ...this.partials, ...this.splits, ...this.reduction]) {
      target?.dispose();
    }
    if (made.reference !== undefined) {
      gl.deleteBuffer(made.reference);
    }
  }
}

/** A cell's vector as the passes take it: its unit vector (null for zero) and its length. */
export interface ReferenceVector {
  readonly unit: Float32Array | null;
  /** In feature units: the code vector's norm times the cell's scale. */
  readonly length: number;
}

/** The reference vector of cell (x, y) of a file (any file of the layer the passes run over). */
export function referenceVector(file: FeatureFile, x: number, y: number): ReferenceVector {
  const codes = cellCodes(file, x, y);
  let squares = 0;
  for (const code of codes) {
    squares += code * code;
  }
  const scale = file.scales[y * file.header.width + x] ?? 0;
  return { unit: unitVector(codes), length: Math.sqrt(squares) * scale };
}

/** The unit vector of a cell's codes in float32, or null for a zero vector (float64 maths). */
export function unitVector(codes: Float64Array): Float32Array | null {
  let sum = 0;
  for (const value of codes) {
    sum += value * value;
  }
  if (sum === 0) {
    return null;
  }
  const scale = 1 / Math.sqrt(sum);
  return Float32Array.from(codes, (value) => value * scale);
}
