/**
 * A layer's activation maps, the pure part: each channel's strength (its mean value over the
 * grid), the channels strongest first, the dead ones (zero everywhere) and a page's values.
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

/** The values of `channels`, one tile after another, each one per cell, rows from the top. */
export function pageValues(file: FeatureFile, channels: readonly number[]): Float32Array {
  const { header } = file;
  const cells = header.width * header.height;
  const values = new Float32Array(cells * channels.length);
  channels.forEach((channel, tile) => {
    for (let cell = 0; cell < cells; cell++) {
      values[tile * cells + cell] =
        (file.codes[codeIndex(header, cell, channel)] ?? 0) * (file.scales[cell] ?? 0);
    }
  });
  return values;
}
