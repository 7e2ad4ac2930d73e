/**
 * Parsing the prepared-feature file format (docs/feature-format.md) without copying the data.
 *
 * The server has already verified the checksum before sending a file, so the browser checks
 * what it relies on: magic, version, the header against its JSON Schema (generated from
 * Python's FeatureFileHeader, as is its type), and that the sections fit the shape. The grid
 * (width x height cells) is the header's own: no formula of image size and stride holds for
 * every network. The typed arrays returned are views into the fetched buffer, ready for
 * texSubImage3D.
 */
import type { FeatureFileHeader } from "../featureHeader.generated";
import { validateFeatureFileHeader } from "../validators.generated.js";

export const MAGIC = "CLSFEAT\0";
export const FORMAT_VERSION = 2;
const PREFIX_BYTES = 32;
const MAX_HEADER_BYTES = 64 * 1024;
const ALIGNMENT = 64;
/** Every texel of the codes holds 16 bytes: one RGBA32UI or RGBA32F texel fetch. */
export const TEXEL_BYTES = 16;

/** A feature file's header, exactly as Python writes it (a generated type). */
export type FeatureHeader = FeatureFileHeader;
export type CodeDtype = FeatureHeader["dtype"];
export type CodeArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Float32Array;

/** A parsed feature file: the header and typed views of its sections. */
export interface FeatureFile {
  readonly header: FeatureHeader;
  /**
   * (slices, height, width, channelsPerTexel) codes, rows from the top: each slice is one
   * texture-array layer of 16-byte texels, exactly as the renderer samples them. Channel k of
   * a cell is at slice k / channelsPerTexel, position k % channelsPerTexel (see codeIndex).
   */
  readonly codes: CodeArray;
  /** (height, width) per-cell scales: code * scale is the feature value. */
  readonly scales: Float32Array;
  readonly byteLength: number;
}

/** The file is not a valid feature file; the message names the file and the problem. */
export class FeatureFormatError extends Error {
  override name = "FeatureFormatError";
}

const DTYPES: Record<CodeDtype, { bytes: number; precision: 8 | 16 | 32; signed: boolean | null }> = {
  uint8: { bytes: 1, precision: 8, signed: false },
  int8: { bytes: 1, precision: 8, signed: true },
  uint16: { bytes: 2, precision: 16, signed: false },
  int16: { bytes: 2, precision: 16, signed: true },
  float32: { bytes: 4, precision: 32, signed: null },
};

export function bytesPerValue(dtype: CodeDtype): number {
  return DTYPES[dtype].bytes;
}

/** Channels per 16-byte texel for a dtype (16, 8 or 4). */
export function channelsPerTexelOf(dtype: CodeDtype): number {
  return TEXEL_BYTES / DTYPES[dtype].bytes;
}

/** A typed view of `count` codes of `dtype` at `offset` in `buffer` (no copy). */
export function codeView(dtype: CodeDtype, buffer: ArrayBuffer, offset: number, count: number): CodeArray {
  switch (dtype) {
    case "uint8":
      return new Uint8Array(buffer, offset, count);
    case "int8":
      return new Int8Array(buffer, offset, count);
    case "uint16":
      return new Uint16Array(buffer, offset, count);
    case "int16":
      return new Int16Array(buffer, offset, count);
    case "float32":
      return new Float32Array(buffer, offset, count);
  }
}

/**
 * Parse a whole feature file.
 *
 * @param buffer the complete file
 * @param source a name for messages (the layer or URL)
 * @throws FeatureFormatError naming the problem
 */
export function parseFeatureFile(buffer: ArrayBuffer, source: string): FeatureFile {
  const fail = (message: string): never => {
    throw new FeatureFormatError(`${source}: ${message}`);
  };
  const size = buffer.byteLength;
  if (size < PREFIX_BYTES) {
    fail(`${size.toString()} bytes is shorter than the ${PREFIX_BYTES.toString()}-byte prefix`);
  }
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) {
    fail("not a classroom feature file (wrong magic bytes)");
  }
  const view = new DataView(buffer);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    fail(
      `written by format version ${version.toString()}, this viewer reads version ${FORMAT_VERSION.toString()}`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > Math.min(MAX_HEADER_BYTES, size - PREFIX_BYTES)) {
    fail(`header length ${headerLength.toString()} does not fit the file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength),
      ),
    );
  } catch (error) {
    fail(`the header is not valid JSON (${String(error)})`);
  }
  if (!validateFeatureFileHeader(raw)) {
    const problems = (validateFeatureFileHeader.errors ?? [])
      .slice(0, 3)
      .map((error) => `${error.instancePath || "the header"} ${error.message ?? "is invalid"}`);
    return fail(`the header does not match the format: ${problems.join("; ")}`);
  }
  const header = raw;
  const { dtype, signed } = header;
  const expected = DTYPES[dtype];
  if (
    expected.precision !== header.key.precision ||
    (expected.signed !== null && expected.signed !== signed)
  ) {
    fail(
      `dtype ${dtype} does not match ${header.key.precision.toString()}-bit ${signed ? "signed" : "unsigned"} codes`,
    );
  }
  const perTexel = channelsPerTexelOf(dtype);
  if (header.channels_per_texel !== perTexel) {
    fail(
      `${header.channels_per_texel.toString()} channels per texel do not match ${dtype} codes ` +
        `(${perTexel.toString()} per 16-byte texel)`,
    );
  }
  if (header.slices !== Math.ceil(header.channels / perTexel)) {
    fail(
      `${header.slices.toString()} texel slices of ${perTexel.toString()} cannot hold ` +
        `${header.channels.toString()} channels`,
    );
  }
  const { offset: codesOffset, nbytes: codesBytes } = header.codes;
  const { offset: scalesOffset, nbytes: scalesBytes } = header.scales;
  const cells = header.width * header.height;
  const codeCount = header.slices * cells * perTexel;
  if (codesBytes !== codeCount * expected.bytes || scalesBytes !== cells * 4) {
    fail("the section sizes do not match the shape");
  }
  if (codesOffset % ALIGNMENT !== 0 || scalesOffset % ALIGNMENT !== 0) {
    fail("a data section is not aligned");
  }
  if (codesOffset < PREFIX_BYTES + headerLength || scalesOffset < codesOffset + codesBytes) {
    fail("the data sections overlap");
  }
  if (scalesOffset + scalesBytes !== size) {
    fail(
      `the file has ${size.toString()} bytes but its header describes ${(scalesOffset + scalesBytes).toString()} ` +
        "(was the download cut short?)",
    );
  }
  return {
    header,
    codes: codeView(dtype, buffer, codesOffset, codeCount),
    scales: new Float32Array(buffer, scalesOffset, cells),
    byteLength: size,
  };
}

/** What Python announced about a layer, for checking it against the file. */
export interface AnnouncedLayer {
  readonly layer: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly stride: number;
  readonly precision: 8 | 16 | 32;
}

/** Throws when a file is not the layer Python said it would be (a stale or mixed-up URL). */
export function checkAnnounced(file: FeatureFile, announced: AnnouncedLayer, source: string): void {
  const { header } = file;
  const found = `${header.key.layer} ${header.width.toString()}x${header.height.toString()}x${header.channels.toString()} stride ${header.info.stride.toString()} ${header.key.precision.toString()}-bit`;
  const wanted = `${announced.layer} ${announced.width.toString()}x${announced.height.toString()}x${announced.channels.toString()} stride ${announced.stride.toString()} ${announced.precision.toString()}-bit`;
  if (found !== wanted) {
    throw new FeatureFormatError(`${source}: expected ${wanted} but the file holds ${found}`);
  }
}

/**
 * Where channel `channel` of cell `cell` (row-major index) sits in `file.codes`, for a header
 * of any layout: slice channel / T, position channel % T (T channels per texel).
 */
export function codeIndex(header: FeatureHeader, cell: number, channel: number): number {
  const perTexel = header.channels_per_texel;
  const slice = Math.floor(channel / perTexel);
  return (slice * header.width * header.height + cell) * perTexel + (channel - slice * perTexel);
}

/** The feature vector of one cell as values (code * scale), for the bar chart. */
export function cellValues(
  file: FeatureFile,
  cellX: number,
  cellY: number,
  out?: Float32Array,
): Float32Array {
  const { header } = file;
  const values = out ?? new Float32Array(header.channels);
  const cell = cellY * header.width + cellX;
  const scale = file.scales[cell] ?? 0;
  for (let channel = 0; channel < header.channels; channel++) {
    values[channel] = (file.codes[codeIndex(header, cell, channel)] ?? 0) * scale;
  }
  return values;
}

/**
 * The codes of one cell as float64 (the reference vector before normalisation), padded with
 * zeros to a whole number of texels: the length the shaders' reference block expects.
 */
export function cellCodes(file: FeatureFile, cellX: number, cellY: number): Float64Array {
  const { header } = file;
  const codes = new Float64Array(header.slices * header.channels_per_texel);
  const cell = cellY * header.width + cellX;
  for (let channel = 0; channel < header.channels; channel++) {
    codes[channel] = file.codes[codeIndex(header, cell, channel)] ?? 0;
  }
  return codes;
}
