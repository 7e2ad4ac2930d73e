import { describe, expect, it } from "vitest";

import { parsedFixture as file } from "../fixtures/featureFixtures";
import { LayoutKind, codeLayout, planChunks, samplerType, texelData } from "./codeLayout";
import { RendererError } from "./errors";

/** What shaders/codes.glsl's groupOf() computes, in JavaScript. */
function unpack(words: Uint32Array, kind: LayoutKind, slice: number, cell: number, cells: number, k: number) {
  const texel = words.subarray((slice * cells + cell) * 4, (slice * cells + cell) * 4 + 4);
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

describe("packing codes", () => {
  it.each(["uint8", "int16"])("gives back every %s code where the shader looks for it", (name) => {
    // The fixtures have two groups: at 8 bit the texel's last two groups must be zero padding.
    const { fixture, file: parsed } = file(name);
    const layout = codeLayout(parsed.header.dtype, parsed.header.groups);
    const cells = fixture.width * fixture.height;
    const words = texelData(parsed, layout, 0, layout.slices) as Uint32Array;
    expect(words).toBeInstanceOf(Uint32Array);
    for (let channel = 0; channel < layout.slices * layout.groupsPerTexel * 4; channel++) {
      const group = channel >> 2;
      const slice = Math.floor(group / layout.groupsPerTexel);
      for (let cell = 0; cell < cells; cell++) {
        const got = unpack(words, layout.kind, slice, cell, cells, group % layout.groupsPerTexel)[
          channel & 3
        ];
        const expected =
          group < fixture.groups ? fixture.codes[group * cells * 4 + cell * 4 + (channel & 3)] : 0;
        expect(got).toBe(expected);
      }
    }
  });

  it("packs a window of slices, reusing the scratch buffer", () => {
    const { file: parsed } = file("uint8");
    const scratch = new Uint32Array(1000);
    const data = texelData(parsed, codeLayout("uint8", parsed.header.groups), 0, 1, scratch);
    expect((data as Uint32Array).buffer).toBe(scratch.buffer);
  });

  it("uploads float codes and the plain layout straight from the file's bytes", () => {
    const { file: parsed } = file("float32");
    const layout = codeLayout("float32", parsed.header.groups);
    expect(layout.kind).toBe(LayoutKind.Plain);
    const data = texelData(parsed, layout, 1, 1);
    expect(data.buffer).toBe(parsed.codes.buffer);
    const { file: bytes } = file("uint8");
    const plain = codeLayout("uint8", bytes.header.groups, false);
    expect(plain).toMatchObject({ kind: LayoutKind.Plain, groupsPerTexel: 1, slices: 2 });
    expect(texelData(bytes, plain, 0, 2).buffer).toBe(bytes.codes.buffer);
  });

  it("chooses formats and samplers to match", () => {
    expect(codeLayout("uint8", 64)).toMatchObject({ groupsPerTexel: 4, slices: 16, internalFormat: 0x8d70 });
    expect(codeLayout("int16", 5)).toMatchObject({
      groupsPerTexel: 2,
      slices: 3,
      kind: LayoutKind.PackedInt16,
    });
    expect(samplerType(codeLayout("float32", 3).sampler)).toBe("sampler2DArray");
    expect(samplerType(codeLayout("int8", 3, false).sampler)).toBe("isampler2DArray");
  });
});

describe("planChunks", () => {
  const floats = (groups: number) => codeLayout("float32", groups);

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

  it("counts texel slices, not groups, for packed layers", () => {
    expect(planChunks(codeLayout("uint8", 512), 2048, 64, "conv5_x")).toEqual([
      { first: 0, slices: 64, firstGroup: 0 },
      { first: 64, slices: 64, firstGroup: 256 },
    ]);
  });

  it("says clearly when a layer cannot be shown", () => {
    expect(() => planChunks(floats(1025), 4100, 2048, "huge")).toThrow(RendererError);
    expect(() => planChunks(floats(1025), 4100, 2048, "huge")).toThrow(/huge has 4100 channels/);
  });
});
