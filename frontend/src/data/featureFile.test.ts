import { describe, expect, it } from "vitest";

import { fixtureBytes as bytesOf, fixtureNamed, fixtures } from "../fixtures/featureFixtures";
import {
  FeatureFormatError,
  cellCodes,
  cellValues,
  checkAnnounced,
  codeIndex,
  parseFeatureFile,
} from "./featureFile";

// Files written by the real Python writer (tests/test_feature_fixtures.py), base64-encoded.
function damaged(name: string, edit: (bytes: Uint8Array, view: DataView) => unknown): ArrayBuffer {
  const bytes = bytesOf(name);
  const result = edit(bytes, new DataView(bytes.buffer));
  return (result instanceof Uint8Array ? result : bytes).slice().buffer;
}

function headerRange(bytes: Uint8Array): [number, number] {
  return [32, 32 + new DataView(bytes.buffer).getUint32(12, true)];
}

/** Replace the JSON header with an edited one of the same length (padding with spaces). */
function withHeader(name: string, edit: (header: Record<string, unknown>) => void): ArrayBuffer {
  return damaged(name, (bytes) => {
    const [start, end] = headerRange(bytes);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, end))) as Record<
      string,
      unknown
    >;
    edit(header);
    const encoded = new TextEncoder().encode(JSON.stringify(header).padEnd(end - start, " "));
    expect(encoded.length).toBe(end - start);
    bytes.set(encoded, start);
    return bytes;
  });
}

describe("parseFeatureFile", () => {
  it.each(fixtures)("reads $name codes and scales as the writer wrote them", (fixture) => {
    const file = parseFeatureFile(bytesOf(fixture.name).slice().buffer, fixture.name);
    expect(file.header).toMatchObject({
      width: fixture.width,
      height: fixture.height,
      channels: fixture.channels,
      slices: fixture.slices,
      channels_per_texel: fixture.channelsPerTexel,
      dtype: fixture.dtype,
      signed: fixture.signed,
      info: {
        stride: 4,
        image_width: 10,
        image_height: 7,
        untrained: true,
        weights_label: "untrained (seed 3)",
      },
    });
    expect(file.header.key).toMatchObject({ layer: "conv2_x", model: "resnet18" });
    expect(Array.from(file.codes)).toEqual(fixture.codes);
    expect(Array.from(file.scales)).toEqual(fixture.scales);
  });

  it("returns views into the fetched buffer, not copies", () => {
    const buffer = bytesOf("uint8").slice().buffer;
    const file = parseFeatureFile(buffer, "uint8");
    expect(file.codes.buffer).toBe(buffer);
    expect(file.scales.buffer).toBe(buffer);
  });

  it.each([
    ["a short file", () => new ArrayBuffer(12), /shorter than the 32-byte prefix/],
    ["wrong magic", () => damaged("uint8", (bytes) => (bytes[0] = 0x41)), /wrong magic/],
    [
      "a version 1 file",
      () =>
        damaged("uint8", (_, view) => {
          view.setUint32(8, 1, true);
        }),
      /written by format version 1, this viewer reads version 2/,
    ],
    [
      "a header too long",
      () =>
        damaged("uint8", (_, view) => {
          view.setUint32(12, 1 << 20, true);
        }),
      /does not fit/,
    ],
    [
      "a truncated download",
      () => damaged("uint8", (bytes) => bytes.subarray(0, bytes.length - 8)),
      /cut short/,
    ],
    ["broken JSON", () => damaged("uint8", (bytes) => (bytes[33] = 0x7b)), /not valid JSON/],
    [
      "an unknown dtype",
      () => withHeader("uint8", (header) => (header.dtype = "uint4")),
      /the header does not match the format: \/dtype must be equal to one of the allowed values/,
    ],
    [
      "a dtype that contradicts the precision",
      () => withHeader("uint8", (header) => (header.dtype = "int8")),
      /does not match 8-bit/,
    ],
    [
      "slices that cannot hold the channels",
      () => withHeader("uint8", (header) => (header.slices = 1)),
      /1 texel slices of 16 cannot hold 18 channels/,
    ],
    [
      "version 1's four channels per texel",
      () =>
        withHeader("uint8", (header) => {
          header.channels_per_texel = 4;
          header.slices = 5;
        }),
      /4 channels per texel do not match uint8 codes \(16 per 16-byte texel\)/,
    ],
    [
      "version 1's groups instead of slices",
      () =>
        withHeader("uint8", (header) => {
          header.groups = header.slices;
          delete header.slices;
        }),
      /must have required property 'slices'/,
    ],
    [
      "a grid that contradicts the sections",
      () => withHeader("uint8", (header) => (header.width = 2)),
      /the section sizes do not match the shape/,
    ],
    [
      "a missing field",
      () => withHeader("uint8", (header) => delete header.channels),
      /the header does not match the format: the header must have required property 'channels'/,
    ],
    [
      "a field of the wrong type",
      () => withHeader("uint8", (header) => ((header.info as { untrained: unknown }).untrained = 1)),
      /\/info\/untrained must be boolean/,
    ],
    [
      "a misaligned section",
      () => withHeader("uint8", (header) => ((header.codes as { offset: number }).offset += 8)),
      /aligned/,
    ],
  ])("rejects %s with a message naming the file", (_, make, message) => {
    expect(() => parseFeatureFile(make(), "conv2_x.cfm")).toThrow(FeatureFormatError);
    expect(() => parseFeatureFile(make(), "conv2_x.cfm")).toThrow(message);
    expect(() => parseFeatureFile(make(), "conv2_x.cfm")).toThrow(/^conv2_x\.cfm: /);
  });
});

describe.each(["uint8", "int16", "float32"])("cell access (%s)", (name) => {
  const fixture = fixtureNamed(name); // 18 channels: more than one texel, the last part padding
  const file = parseFeatureFile(bytesOf(fixture.name).slice().buffer, fixture.name);
  const { width, height, channels } = fixture;

  it("finds every channel of every cell across the texel slices", () => {
    for (let cell = 0; cell < width * height; cell++) {
      for (let channel = 0; channel < channels; channel++) {
        expect(file.codes[codeIndex(file.header, cell, channel)]).toBe(
          fixture.vectors[cell * channels + channel],
        );
      }
    }
  });

  it("gathers a cell's codes, padded with zeros to whole texels", () => {
    const codes = cellCodes(file, 2, 1);
    const cell = 1 * width + 2;
    expect(codes).toHaveLength(fixture.slices * fixture.channelsPerTexel);
    expect(Array.from(codes.subarray(0, channels))).toEqual(
      fixture.vectors.slice(cell * channels, (cell + 1) * channels),
    );
    expect(codes.subarray(channels).every((code) => code === 0)).toBe(true);
  });

  it("gives values as code times the cell's scale", () => {
    const cell = 1 * width + 2;
    const values = cellValues(file, 2, 1);
    const scale = fixture.scales[cell] ?? Number.NaN;
    expect(values).toHaveLength(channels);
    values.forEach((value, channel) => {
      expect(value).toBeCloseTo((fixture.vectors[cell * channels + channel] ?? Number.NaN) * scale, 6);
    });
  });
});

describe("checkAnnounced", () => {
  const file = parseFeatureFile(bytesOf("uint8").slice().buffer, "uint8");
  const announced = { layer: "conv2_x", width: 3, height: 2, channels: 18, stride: 4, precision: 8 as const };

  it("accepts the layer Python announced", () => {
    expect(() => {
      checkAnnounced(file, announced, "x");
    }).not.toThrow();
  });

  it("names both shapes when they differ", () => {
    expect(() => {
      checkAnnounced(file, { ...announced, layer: "conv3_x", stride: 8 }, "x");
    }).toThrow(/expected conv3_x 3x2x18 stride 8 8-bit but the file holds conv2_x 3x2x18 stride 4 8-bit/);
  });
});
