import { describe, expect, it } from "vitest";

import { fixtureBytes as bytesOf, fixtureNamed, fixtures } from "../fixtures/featureFixtures";
import { FeatureFormatError, cellCodes, cellValues, checkAnnounced, parseFeatureFile } from "./featureFile";

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
      groups: fixture.groups,
      dtype: fixture.dtype,
      signed: fixture.signed,
      stride: 4,
      imageWidth: 10,
      imageHeight: 7,
      untrained: true,
      weightsLabel: "untrained (seed 3)",
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
      "another version",
      () =>
        damaged("uint8", (_, view) => {
          view.setUint32(8, 2, true);
        }),
      /format version 2/,
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
      /unknown code dtype/,
    ],
    [
      "a dtype that contradicts the precision",
      () => withHeader("uint8", (header) => (header.dtype = "int8")),
      /does not match 8-bit/,
    ],
    [
      "groups that cannot hold the channels",
      () => withHeader("uint8", (header) => (header.groups = 1)),
      /groups cannot hold/,
    ],
    [
      "a grid that contradicts the stride",
      () => withHeader("uint8", (header) => (header.width = 2)),
      /grid size/,
    ],
    ["a missing field", () => withHeader("uint8", (header) => delete header.channels), /"channels"/],
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

describe("cell access", () => {
  const fixture = fixtureNamed("int16"); // signed, two groups
  const file = parseFeatureFile(bytesOf(fixture.name).slice().buffer, fixture.name);

  it("gathers a cell's codes across the texture-array slices", () => {
    const { width, height } = fixture;
    const codes = cellCodes(file, 2, 1);
    const cell = 1 * width + 2;
    for (let channel = 0; channel < 8; channel++) {
      const index = (channel >> 2) * width * height * 4 + cell * 4 + (channel & 3);
      expect(codes[channel]).toBe(fixture.codes[index]);
    }
  });

  it("gives values as code times the cell's scale", () => {
    const values = cellValues(file, 2, 1);
    const codes = cellCodes(file, 2, 1);
    const scale = fixture.scales[1 * fixture.width + 2] ?? Number.NaN;
    expect(values).toHaveLength(fixture.channels);
    values.forEach((value, channel) => {
      expect(value).toBeCloseTo((codes[channel] ?? Number.NaN) * scale, 6);
    });
  });
});

describe("checkAnnounced", () => {
  const file = parseFeatureFile(bytesOf("uint8").slice().buffer, "uint8");
  const announced = { layer: "conv2_x", width: 3, height: 2, channels: 6, stride: 4, precision: 8 as const };

  it("accepts the layer Python announced", () => {
    expect(() => {
      checkAnnounced(file, announced, "x");
    }).not.toThrow();
  });

  it("names both shapes when they differ", () => {
    expect(() => {
      checkAnnounced(file, { ...announced, layer: "conv3_x", stride: 8 }, "x");
    }).toThrow(/expected conv3_x 3x2x6 stride 8 8-bit but the file holds conv2_x 3x2x6 stride 4 8-bit/);
  });
});
