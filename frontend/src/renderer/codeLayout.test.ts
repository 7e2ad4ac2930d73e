import { describe, expect, it } from "vitest";

import { parsedFixture as file } from "../fixtures/featureFixtures";
import { LayoutKind, codeLayout, planChunks, samplerType, texelData } from "./codeLayout";
import { RendererError } from "./errors";

/** What shaders/codes.glsl's groupOf() gives for group k of a texel, in JavaScript. */
function unpack(texel: Uint32Array, kind: LayoutKind, k: number): number[] {
  if (kind === LayoutKind.PackedUint8 || kind === LayoutKind.PackedInt8) {
    const word = texel[k] ?? 0;
    return [0, 8, 16, 24].map((shift) => {
      const byte = (word >>> shift) & 0xff;
      return kind === LayoutKind.PackedInt8 && byte >= 128 ? byte - 256 : byte;
    });
  }
  const [low = 0, high = 0] = k === 0 ? [texel[0], texel[1]] : [texel[2], texel[3]];
  return [low & 0xffff, low >>> 16, high & 0xffff, high >>> 16].map((short) =>
    kind === LayoutKind.PackedInt16 && short >= 32768 ? short - 65536 : short,
  );
}

describe("integer codes as RGBA32UI texels", () => {
  it.each(["uint8", "int16"])("gives every %s channel where the shader looks for it", (name) => {
    const { fixture, file: parsed } = file(name);
    const layout = codeLayout(parsed.header);
    const cells = fixture.width * fixture.height;
    const words = texelData(parsed, layout, 0, layout.slices);
    expect(words).toBeInstanceOf(Uint32Array);
    expect(layout.slices * layout.channelsPerTexel).toBeGreaterThan(fixture.channels); // some padding
    for (let channel = 0; channel < layout.slices * layout.channelsPerTexel; channel++) {
      const group = channel >> 2;
      const slice = Math.floor(group / layout.groupsPerTexel);
      for (let cell = 0; cell < cells; cell++) {
        const texel = (words as Uint32Array).subarray(
          (slice * cells + cell) * 4,
          (slice * cells + cell) * 4 + 4,
        );
        const got = unpack(texel, layout.kind, group % layout.groupsPerTexel)[channel & 3];
        const expected = channel < fixture.channels ? fixture.vectors[cell * fixture.channels + channel] : 0;
        expect(got).toBe(expected);
      }
    }
  });

  it.each(["uint8", "int16", "float32"])(
    "uploads %s codes as views of the file's bytes, slice by slice",
    (name) => {
      const { file: parsed } = file(name);
      const layout = codeLayout(parsed.header);
      const sliceBytes = parsed.header.width * parsed.header.height * 16;
      const whole = texelData(parsed, layout, 0, layout.slices);
      expect(whole.buffer).toBe(parsed.codes.buffer);
      expect(whole.byteOffset).toBe(parsed.codes.byteOffset);
      expect(whole.byteLength).toBe(parsed.codes.byteLength);
      const last = texelData(parsed, layout, layout.slices - 1, 1);
      expect(last.buffer).toBe(parsed.codes.buffer);
      expect(last.byteOffset).toBe(parsed.codes.byteOffset + (layout.slices - 1) * sliceBytes);
      expect(last.byteLength).toBe(sliceBytes);
    },
  );

  it("chooses formats and samplers to match", () => {
    expect(codeLayout({ dtype: "uint8", channels_per_texel: 16, slices: 16 })).toMatchObject({
      kind: LayoutKind.PackedUint8,
      groupsPerTexel: 4,
      internalFormat: 0x8d70,
      sampler: "unsigned",
    });
    expect(codeLayout({ dtype: "int16", channels_per_texel: 8, slices: 3 })).toMatchObject({
      kind: LayoutKind.PackedInt16,
      groupsPerTexel: 2,
      internalFormat: 0x8d70,
      sampler: "unsigned",
    });
    const floats = codeLayout({ dtype: "float32", channels_per_texel: 4, slices: 3 });
    expect(floats).toMatchObject({ kind: LayoutKind.Plain, groupsPerTexel: 1, internalFormat: 0x8814 });
    expect(samplerType(floats.sampler)).toBe("sampler2DArray");
    const plain = codeLayout({ dtype: "int8", channels_per_texel: 4, slices: 3 });
    expect(plain).toMatchObject({ kind: LayoutKind.Plain, internalFormat: 0x8d8e });
    expect(samplerType(plain.sampler)).toBe("isampler2DArray");
  });

  it("refuses a number of channels per texel no shader reads", () => {
    expect(() => codeLayout({ dtype: "uint8", channels_per_texel: 8, slices: 2 })).toThrow(RendererError);
    expect(() => codeLayout({ dtype: "float32", channels_per_texel: 8, slices: 2 })).toThrow(
      /float32 codes with 8 channels per texel/,
    );
  });
});

describe("planChunks", () => {
  const floats = (slices: number) => codeLayout({ dtype: "float32", channels_per_texel: 4, slices });

  it("keeps a layer in one array when it fits", () => {
    expect(planChunks(floats(256), 1024, 256, "conv4_x")).toEqual([{ first: 0, slices: 256, firstGroup: 0 }]);
  });

  it("splits into the fewest, evenly sized, consecutive runs", () => {
    expect(planChunks(floats(512), 2048, 256, "conv5_x")).toEqual([
      { first: 0, slices: 256, firstGroup: 0 },
      { first: 256, slices: 256, firstGroup: 256 },
    ]);
    const odd = planChunks(floats(129), 516, 50, "x");
    expect(odd.map((chunk) => chunk.first)).toEqual([0, 43, 86]);
    expect(odd.reduce((sum, chunk) => sum + chunk.slices, 0)).toBe(129);
    expect(odd.every((chunk) => chunk.slices <= 50)).toBe(true);
  });

  it("counts texel slices, and reference groups from them, for 16-channel texels", () => {
    const bytes = codeLayout({ dtype: "uint8", channels_per_texel: 16, slices: 128 });
    expect(planChunks(bytes, 2048, 64, "conv5_x")).toEqual([
      { first: 0, slices: 64, firstGroup: 0 },
      { first: 64, slices: 64, firstGroup: 256 },
    ]);
  });

  it("says clearly when a layer cannot be shown", () => {
    expect(() => planChunks(floats(1025), 4100, 2048, "huge")).toThrow(RendererError);
    expect(() => planChunks(floats(1025), 4100, 2048, "huge")).toThrow(/huge has 4100 channels/);
  });
});
