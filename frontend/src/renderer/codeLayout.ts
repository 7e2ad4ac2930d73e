/**
 * How a layer's codes sit in texture arrays.
 *
 * The file stores codes as (G, H, W, 4): one slice per group of four channels, the layout of
 * an RGBA8UI / RGBA16UI / RGBA32F texture array. The similarity pass costs one texel fetch per
 * texel slice and cell, so integer codes are *packed* at upload: four 8-bit groups (16
 * channels) or two 16-bit groups (8 channels) per RGBA32UI texel. That divides the fetches
 * per cell by 4 (8 bit) or 2 (16 bit); the shaders unpack with shifts. Float codes already
 * fill 16 bytes per texel and are uploaded as they are. The "plain" layout (one group per
 * texel, the file's own) is kept for the benchmark's naive shader, as the original tool did.
 *
 * When a layer has more texel slices than one texture array may hold, they are split into
 * consecutive runs ("chunks"), each its own array.
 */
import type { CodeDtype, FeatureFile } from "../data/featureFile";
import { RendererError } from "./errors";

export type SamplerKind = "unsigned" | "signed" | "float";

/** Values of the CODE_LAYOUT define in shaders/codes.glsl. */
export const LayoutKind = {
  Plain: 0,
  PackedUint8: 1,
  PackedInt8: 2,
  PackedUint16: 3,
  PackedInt16: 4,
} as const;
export type LayoutKind = (typeof LayoutKind)[keyof typeof LayoutKind];

export interface CodeLayout {
  readonly kind: LayoutKind;
  /** Groups of four channels per texel: 1 (plain, float), 2 (16 bit) or 4 (8 bit). */
  readonly groupsPerTexel: 1 | 2 | 4;
  readonly internalFormat: number;
  readonly format: number;
  readonly type: number;
  readonly sampler: SamplerKind;
  /** Texel slices of the whole layer: ceil(groups / groupsPerTexel). */
  readonly slices: number;
}

// WebGL 2 enum values (constants of the spec), so that this module needs no context.
const GL = {
  RGBA8UI: 0x8d7c,
  RGBA8I: 0x8d8e,
  RGBA16UI: 0x8d76,
  RGBA16I: 0x8d88,
  RGBA32UI: 0x8d70,
  RGBA32F: 0x8814,
  RGBA: 0x1908,
  RGBA_INTEGER: 0x8d99,
  UNSIGNED_BYTE: 0x1401,
  BYTE: 0x1400,
  UNSIGNED_SHORT: 0x1403,
  SHORT: 0x1402,
  UNSIGNED_INT: 0x1405,
  FLOAT: 0x1406,
} as const;

const PLAIN: Record<CodeDtype, Omit<CodeLayout, "slices" | "kind" | "groupsPerTexel">> = {
  uint8: { internalFormat: GL.RGBA8UI, format: GL.RGBA_INTEGER, type: GL.UNSIGNED_BYTE, sampler: "unsigned" },
  int8: { internalFormat: GL.RGBA8I, format: GL.RGBA_INTEGER, type: GL.BYTE, sampler: "signed" },
  uint16: {
    internalFormat: GL.RGBA16UI,
    format: GL.RGBA_INTEGER,
    type: GL.UNSIGNED_SHORT,
    sampler: "unsigned",
  },
  int16: { internalFormat: GL.RGBA16I, format: GL.RGBA_INTEGER, type: GL.SHORT, sampler: "signed" },
  float32: { internalFormat: GL.RGBA32F, format: GL.RGBA, type: GL.FLOAT, sampler: "float" },
};

const PACKED: Partial<Record<CodeDtype, { kind: LayoutKind; groupsPerTexel: 2 | 4 }>> = {
  uint8: { kind: LayoutKind.PackedUint8, groupsPerTexel: 4 },
  int8: { kind: LayoutKind.PackedInt8, groupsPerTexel: 4 },
  uint16: { kind: LayoutKind.PackedUint16, groupsPerTexel: 2 },
  int16: { kind: LayoutKind.PackedInt16, groupsPerTexel: 2 },
};

/** The layout of a layer's codes: packed (the default) or as in the file. */
export function codeLayout(dtype: CodeDtype, groups: number, packed = true): CodeLayout {
  const packing = packed ? PACKED[dtype] : undefined;
  if (packing === undefined) {
    return { ...PLAIN[dtype], kind: LayoutKind.Plain, groupsPerTexel: 1, slices: groups };
  }
  return {
    kind: packing.kind,
    groupsPerTexel: packing.groupsPerTexel,
    internalFormat: GL.RGBA32UI,
    format: GL.RGBA_INTEGER,
    type: GL.UNSIGNED_INT,
    sampler: "unsigned",
    slices: Math.ceil(groups / packing.groupsPerTexel),
  };
}

/** The GLSL sampler type of a sampler kind. */
export function samplerType(kind: SamplerKind): string {
  return { unsigned: "usampler2DArray", signed: "isampler2DArray", float: "sampler2DArray" }[kind];
}

/**
 * The texel data of `count` texel slices from `first`, ready for texSubImage3D: a view of the
 * file's bytes for the plain layout (no copy), else packed into `scratch` (reused).
 *
 * Packing moves whole 32-bit words: in the file one cell's group is one word at 8 bit and
 * two words at 16 bit, so texel slice s, cell c holds the words of groups
 * s*k .. s*k+k-1 of cell c (k groups per texel); groups past the last are zero.
 */
export function texelData(
  file: FeatureFile,
  layout: CodeLayout,
  first: number,
  count: number,
  scratch?: Uint32Array,
): ArrayBufferView {
  const { width, height, groups } = file.header;
  const cells = width * height;
  const codes = file.codes;
  if (layout.kind === LayoutKind.Plain) {
    return codes.subarray(first * cells * 4, (first + count) * cells * 4);
  }
  const wordsPerGroup = codes.BYTES_PER_ELEMENT; // 1 word per cell-group at 8 bit, 2 at 16 bit
  const words = new Uint32Array(codes.buffer, codes.byteOffset, codes.byteLength / 4);
  const size = count * cells * 4;
  const out =
    scratch !== undefined && scratch.length >= size ? scratch.subarray(0, size) : new Uint32Array(size);
  const k = layout.groupsPerTexel;
  for (let slice = 0; slice < count; slice++) {
    for (let member = 0; member < k; member++) {
      const group = (first + slice) * k + member;
      for (let word = 0; word < wordsPerGroup; word++) {
        const target = slice * cells * 4 + member * wordsPerGroup + word;
        if (group >= groups) {
          for (let cell = 0; cell < cells; cell++) {
            out[target + cell * 4] = 0;
          }
          continue;
        }
        const source = group * cells * wordsPerGroup + word;
        for (let cell = 0; cell < cells; cell++) {
          out[target + cell * 4] = words[source + cell * wordsPerGroup] ?? 0;
        }
      }
    }
  }
  return out;
}

/** The reference vector's uniform block holds this many vec4 (16 KiB: the WebGL 2 minimum). */
export const MAX_GROUPS = 1024;
/** The widest layer the view takes (ResNet's widest stage has 2048 channels). */
export const MAX_CHANNELS = MAX_GROUPS * 4;

/** A run of consecutive texel slices stored in one texture array. */
export interface Chunk {
  readonly first: number;
  readonly slices: number;
  /** The layer's first group in this chunk (where its part of the reference starts). */
  readonly firstGroup: number;
}

/**
 * Split a layer's texel slices into the fewest, evenly sized runs of at most
 * `maxArrayLayers` each (the passes draw once per run, adding up).
 *
 * @throws RendererError when a layer is wider than MAX_CHANNELS, naming the numbers.
 */
export function planChunks(
  layout: CodeLayout,
  channels: number,
  maxArrayLayers: number,
  layer: string,
): Chunk[] {
  if (channels > MAX_CHANNELS) {
    throw new RendererError(
      `${layer} has ${channels.toString()} channels; the view shows layers of at most ${MAX_CHANNELS.toString()}.`,
    );
  }
  const count = Math.ceil(layout.slices / maxArrayLayers);
  const size = Math.ceil(layout.slices / count);
  const chunks: Chunk[] = [];
  for (let first = 0; first < layout.slices; first += size) {
    chunks.push({
      first,
      slices: Math.min(size, layout.slices - first),
      firstGroup: first * layout.groupsPerTexel,
    });
  }
  return chunks;
}
