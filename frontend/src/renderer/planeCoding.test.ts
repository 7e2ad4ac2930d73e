import { describe, expect, it } from "vitest";

import { type CodeLayout, LayoutKind, codeLayout } from "./codeLayout";
import { PLANE_CODING, shaderReference } from "./planeCoding";

const DTYPES = ["uint8", "int8", "uint16", "int16"] as const;
const RANGES: Record<(typeof DTYPES)[number], [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
};

/** Deterministic codes covering each range's ends (where a wrong sign or offset shows). */
function codesOf(count: number, [low, high]: [number, number]): number[] {
  let seed = 12345;
  return Array.from({ length: count }, (_, index) => {
    if (index % 5 === 0) return low;
    if (index % 5 === 1) return high;
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return low + (seed % (high - low + 1));
  });
}

/** A texel's four words as the file stores them (little-endian, codes in channel order). */
function packTexel(codes: readonly number[], layout: CodeLayout): Uint32Array {
  const bytes = new DataView(new ArrayBuffer(16));
  const width = 16 / layout.channelsPerTexel;
  codes.forEach((code, channel) => {
    if (width === 1) bytes.setUint8(channel, code & 0xff);
    else bytes.setUint16(channel * 2, code & 0xffff, true);
  });
  return new Uint32Array(bytes.buffer);
}

/** What similarity.frag sums for one texel: PLANE of flipCodes, as codes.glsl computes it. */
function shaderSum(texel: Uint32Array, layout: CodeLayout, reference: Float32Array, base: number): number {
  const { bits, flip } = PLANE_CODING[layout.kind];
  const mask = bits === 8 ? 0xff : 0xffff;
  let sum = 0;
  for (let plane = 0; plane < layout.groupsPerTexel; plane++) {
    for (let word = 0; word < 4; word++) {
      const masked = ((texel[word] ?? 0) ^ flip) & (mask << (bits * plane)); // int32, as ivec4()
      sum += masked * (reference[base + plane * 4 + word] ?? 0);
    }
  }
  return sum;
}

describe("shaderReference", () => {
  it.each(DTYPES)("makes the shift-free %s planes sum to the codes' dot product", (dtype) => {
    const channelsPerTexel = dtype.endsWith("8") ? 16 : 8;
    const layout = codeLayout({ dtype, channels_per_texel: channelsPerTexel, slices: 3 });
    const channels = channelsPerTexel * 3 - 5; // a partial last texel
    const codes = codesOf(channels, RANGES[dtype]);
    const unit = Float32Array.from({ length: channels }, (_, channel) => Math.sin(channel + 1) / 4);
    const { values, offsetCorrection } = shaderReference(unit, layout);
    let got = offsetCorrection;
    let expected = 0;
    for (let slice = 0; slice < layout.slices; slice++) {
      const inTexel = codes.slice(slice * channelsPerTexel, (slice + 1) * channelsPerTexel);
      got += shaderSum(packTexel(inTexel, layout), layout, values, slice * channelsPerTexel);
    }
    codes.forEach((code, channel) => {
      expected += code * (unit[channel] ?? 0);
    });
    expect(Math.abs(got - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)) * channels);
    // An offset is really there to take out (the test would pass without one otherwise).
    expect(offsetCorrection).not.toBe(0);
  });

  it("leaves four channels per texel as they are, with nothing to correct", () => {
    const layout = codeLayout({ dtype: "float32", channels_per_texel: 4, slices: 1 });
    const unit = Float32Array.from([0.5, -0.5, 0.5, 0.5]);
    const { values, offsetCorrection } = shaderReference(unit, layout);
    expect([...values]).toEqual([...unit]);
    expect(offsetCorrection).toBe(0);
    expect(layout.kind).toBe(LayoutKind.Plain);
  });
});
