/**
 * How the similarity shader reads packed integer codes without shifting them (PLANE in
 * shaders/codes.glsl), and the reference vector that makes this exact.
 *
 * Software renderers (SwiftShader) have no vector shift by a per-lane amount: a `>>` on a
 * uvec4 becomes four scalar shifts. The shader instead masks plane k in place and converts the
 * masked word to float: byte (short) k of a word then reads as its code times 2^(bits k), and
 * the reference's plane k is scaled by 2^-(bits k) on the CPU, once per reference change. A
 * power-of-two scale changes no rounding, so each product is the one the shifted code gives.
 *
 * The conversion goes through int (one instruction where uint -> float is several), so the top
 * plane reads as signed. One XOR per texel (`flip`) makes every plane read right: it offsets
 * the planes whose signedness it changes by a constant (`offsets`, in codes), which the shader
 * takes out of the sum in one addition per cell (`offsetCorrection`), never per channel.
 */
import { type CodeLayout, LayoutKind } from "./codeLayout";

export interface PlaneCoding {
  /** Bits per code (0 for the plain layout: one channel per component, nothing to mask). */
  readonly bits: 0 | 8 | 16;
  /** XORed into every word of a texel before its planes are masked. */
  readonly flip: number;
  /** What plane k reads, minus the code: `offsets[k]` (in codes). */
  readonly offsets: readonly number[];
}

export const PLANE_CODING: Readonly<Record<LayoutKind, PlaneCoding>> = {
  [LayoutKind.Plain]: { bits: 0, flip: 0, offsets: [0] },
  // The top byte reads signed: flipping its sign bit reads b as b - 128.
  [LayoutKind.PackedUint8]: { bits: 8, flip: 0x80000000, offsets: [0, 0, 0, -128] },
  // The lower bytes read unsigned: flipping their sign bits reads s as s + 128.
  [LayoutKind.PackedInt8]: { bits: 8, flip: 0x00808080, offsets: [128, 128, 128, 0] },
  [LayoutKind.PackedUint16]: { bits: 16, flip: 0x80000000, offsets: [0, -32768] },
  [LayoutKind.PackedInt16]: { bits: 16, flip: 0x00008000, offsets: [32768, 0] },
};

/**
 * The GLSL defines codes.glsl needs for PLANE and flipCodes on a layout, and PLANE_OFFSETS
 * (plane k's offset in codes, for shaders that need the codes themselves: norm.frag).
 */
export function planeDefines(kind: LayoutKind): Record<string, string | number> {
  const { bits, flip, offsets } = PLANE_CODING[kind];
  const four = [0, 1, 2, 3].map((plane) => (offsets[plane] ?? 0).toFixed(1));
  return { CODE_BITS: bits, CODE_FLIP: `0x${flip.toString(16)}u`, PLANE_OFFSETS: `vec4(${four.join(", ")})` };
}

/**
 * The reference in the order the similarity shader reads it (PLANE in codes.glsl): per texel of
 * T channels, plane k holds the k-th byte (short) of each of the texel's four words, i.e.
 * channels k, k + T/4, k + 2T/4, k + 3T/4 of that texel. A permutation within each texel, done
 * once per reference change, so the shader unpacks four channels per vector operation.
 */
export function inPlaneOrder(unit: Float32Array, channelsPerTexel: number): Float32Array {
  const perWord = channelsPerTexel / 4;
  if (perWord === 1) {
    return unit;
  }
  const ordered = new Float32Array(Math.ceil(unit.length / channelsPerTexel) * channelsPerTexel);
  for (let channel = 0; channel < unit.length; channel++) {
    const base = channel - (channel % channelsPerTexel);
    const within = channel - base;
    const word = Math.floor(within / perWord);
    const plane = within % perWord;
    ordered[base + plane * 4 + word] = unit[channel] ?? 0;
  }
  return ordered;
}

export interface ShaderReference {
  /** The uniform block's contents: plane order, plane k scaled by 2^-(bits k). */
  readonly values: Float32Array;
  /** Added to each cell's sum once: minus the flip's offsets dotted with the reference. */
  readonly offsetCorrection: number;
}

/** The unit reference as the similarity shader takes it for codes of `layout`. */
export function shaderReference(unit: Float32Array, layout: CodeLayout): ShaderReference {
  const { bits, offsets } = PLANE_CODING[layout.kind];
  const perWord = layout.channelsPerTexel / 4;
  const values = Float32Array.from(inPlaneOrder(unit, layout.channelsPerTexel));
  let correction = 0;
  for (let channel = 0; channel < unit.length; channel++) {
    const plane = (channel % layout.channelsPerTexel) % perWord;
    correction -= (offsets[plane] ?? 0) * (unit[channel] ?? 0);
  }
  for (let index = 0; index < values.length; index++) {
    const plane = Math.floor((index % layout.channelsPerTexel) / 4);
    values[index] = (values[index] ?? 0) * 2 ** -(bits * plane);
  }
  return { values, offsetCorrection: correction };
}
