/**
 * A layer's activation maps, the pure part: each channel's strength (its mean value over the
 * grid), the channels strongest first, the dead ones (zero everywhere) and one channel's map.
 * classroom.similarity.channel_strengths is the reference.
 */
import { type FeatureFile, codeIndex } from "./data/featureFile";

export interface ChannelSummary {
  /** Channels, strongest first (ties: lower index first). */
  readonly order: readonly number[];
  /** Per channel: the mean of its values over the grid. */
  readonly strength: Float64Array;
  /** Channels that are zero in every cell. */
  readonly dead: number;
  /** The largest |value| of any channel anywhere: the grey scale every tile shares. */
  readonly peak: number;
}

export function summariseChannels(file: FeatureFile): ChannelSummary {
  const { header } = file;
  const cells = header.width * header.height;
  const strength = new Float64Array(header.channels);
  const largest = new Float64Array(header.channels);
  for (let cell = 0; cell < cells; cell++) {
    const scale = file.scales[cell] ?? 0;
    for (let channel = 0; channel < header.channels; channel++) {
      const value = (file.codes[codeIndex(header, cell, channel)] ?? 0) * scale;
      strength[channel] = (strength[channel] ?? 0) + value;
      largest[channel] = Math.max(largest[channel] ?? 0, Math.abs(value));
    }
  }
  let dead = 0;
  let peak = 0;
  for (let channel = 0; channel < header.channels; channel++) {
    strength[channel] = (strength[channel] ?? 0) / cells;
    dead += largest[channel] === 0 ? 1 : 0;
    peak = Math.max(peak, largest[channel] ?? 0);
  }
  const order = Array.from({ length: header.channels }, (_, channel) => channel).sort(
    (a, b) => (strength[b] ?? 0) - (strength[a] ?? 0) || a - b,
  );
  return { order, strength, dead, peak };
}

/** One channel as grey RGBA pixels (one per cell, rows from the top), |value| / peak. */
export function channelImage(
  file: FeatureFile,
  channel: number,
  peak: number,
): Uint8ClampedArray<ArrayBuffer> {
  const { header } = file;
  const cells = header.width * header.height;
  const pixels = new Uint8ClampedArray(cells * 4);
  for (let cell = 0; cell < cells; cell++) {
    const value = (file.codes[codeIndex(header, cell, channel)] ?? 0) * (file.scales[cell] ?? 0);
    const grey = peak > 0 ? Math.round((Math.abs(value) / peak) * 255) : 0;
    pixels.set([grey, grey, grey, 255], cell * 4);
  }
  return pixels;
}
