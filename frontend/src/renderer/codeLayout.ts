/**
 * How a layer's codes sit in texture arrays.
 *
 * The file stores codes as the GPU samples them (docs/feature-format.md): (S, H, W, T) with
 * T channels per 16-byte texel, one texture-array layer per slice. Integer codes are uploaded
 * as RGBA32UI, 16 channels (8 bit) or 8 channels (16 bit) per texel, which the shaders
 * unpack with shifts: a quarter (half) of the texel fetches of four channels per texel.
 * Float codes are RGBA32F, four channels per texel. Either way the upload is a view of the
 * file's bytes: nothing is re-arranged or copied in JavaScript.
 *
 * The "plain" layout, four integer channels per RGBA8UI / RGBA16UI texel, is what the
 * original tool sampled; only the benchmark builds such codes (src/bench/plainCopy.ts).
 *
 * When a layer has more texel slices than one texture array may hold, they are split into
 * consecutive runs ("chunks"), each its own array and a contiguous byte range of the codes.
 */
import { type CodeDtype, type FeatureFile, type FeatureHeader, bytesPerValue } from "../data/featureFile";
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
  /** Channels per texel, as in the codes: 16 (8 bit), 8 (16 bit) or 4 (float, plain). */
  readonly channelsPerTexel: number;
  /** Groups of four channels (one vec4 of the reference each) per texel: channelsPerTexel / 4. */
  readonly groupsPerTexel: 1 | 2 | 4;
  readonly internalFormat: number;
  readonly format: number;
  readonly type: number;
  readonly sampler: SamplerKind;
  /** Texel slices of the whole layer. */
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

type Formats = Pick<CodeLayout, "internalFormat" | "format" | "type" | "sampler">;

const PLAIN: Record<CodeDtype, Formats> = {
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

const PACKED_WORDS: Formats = {
  internalFormat: GL.RGBA32UI,
  format: GL.RGBA_INTEGER,
  type: GL.UNSIGNED_INT,
  sampler: "unsigned",
};

const PACKED_KIND: Partial<Record<CodeDtype, LayoutKind>> = {
  uint8: LayoutKind.PackedUint8,
  int8: LayoutKind.PackedInt8,
  uint16: LayoutKind.PackedUint16,
  int16: LayoutKind.PackedInt16,
};

/**
 * The layout of a layer's codes, from what its header says they hold.
 *
 * @throws RendererError for a number of channels per texel the shaders cannot read
 */
export function codeLayout(
  header: Pick<FeatureHeader, "dtype" | "channels_per_texel" | "slices">,
): CodeLayout {
  const { dtype, channels_per_texel: channelsPerTexel, slices } = header;
  const packed = PACKED_KIND[dtype];
  if (channelsPerTexel === 4) {
    return { ...PLAIN[dtype], kind: LayoutKind.Plain, channelsPerTexel, groupsPerTexel: 1, slices };
  }
  if (packed !== undefined && channelsPerTexel * bytesPerValue(dtype) === 16) {
    const groupsPerTexel = channelsPerTexel === 16 ? 4 : 2;
    return { ...PACKED_WORDS, kind: packed, channelsPerTexel, groupsPerTexel, slices };
  }
  throw new RendererError(
    `${dtype} codes with ${channelsPerTexel.toString()} channels per texel cannot be shown.`,
  );
}

/** The GLSL sampler type of a sampler kind. */
export function samplerType(kind: SamplerKind): string {
  return { unsigned: "usampler2DArray", signed: "isampler2DArray", float: "sampler2DArray" }[kind];
}

/**
 * The texel data of `count` texel slices from `first`, ready for texSubImage3D: a view of the
 * codes' own bytes (a contiguous range), never a copy. Packed integer codes are seen as
 * 32-bit words (RGBA32UI); the file's codes section starts at a multiple of 64 bytes, so the
 * words are aligned. Typed arrays and WebGL both use the platform's byte order, which is
 * little-endian wherever WebGL 2 runs, as the file is.
 */
export function texelData(
  file: FeatureFile,
  layout: CodeLayout,
  first: number,
  count: number,
): ArrayBufferView {
  const codes = file.codes;
  const perSlice = file.header.width * file.header.height * layout.channelsPerTexel;
  if (layout.type === GL.UNSIGNED_INT) {
    const bytesPerSlice = perSlice * codes.BYTES_PER_ELEMENT;
    return new Uint32Array(
      codes.buffer,
      codes.byteOffset + first * bytesPerSlice,
      (count * bytesPerSlice) / 4,
    );
  }
  return codes.subarray(first * perSlice, (first + count) * perSlice);
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
