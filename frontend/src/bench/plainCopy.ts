/**
 * The benchmark's emulation of the original tool's texture layout: four channels per texel
 * (RGBA8UI / RGBA16UI / RGBA32F), (G, H, W, 4) with G = ceil(D / 4).
 *
 * The feature file holds the layout the renderer samples (16 or 8 integer channels per
 * RGBA32UI texel), so the "plain" and "naive" variants need a re-arranged copy. It is built
 * once per layer when the benchmark is set up, never inside the timed loop, so the repaint
 * times compare shaders and texel layouts, not this copy.
 */
import { type FeatureFile, bytesPerValue, codeIndex, codeView } from "../data/featureFile";

const PLAIN_CHANNELS_PER_TEXEL = 4;

/** `file` with its codes re-arranged to four channels per texel (a new buffer). */
export function plainCopy(file: FeatureFile): FeatureFile {
  const { header } = file;
  const cells = header.width * header.height;
  const slices = Math.ceil(header.channels / PLAIN_CHANNELS_PER_TEXEL);
  const plainHeader = { ...header, slices, channels_per_texel: PLAIN_CHANNELS_PER_TEXEL };
  const count = slices * cells * PLAIN_CHANNELS_PER_TEXEL;
  const codes = codeView(header.dtype, new ArrayBuffer(count * bytesPerValue(header.dtype)), 0, count);
  for (let cell = 0; cell < cells; cell++) {
    for (let channel = 0; channel < header.channels; channel++) {
      codes[codeIndex(plainHeader, cell, channel)] = file.codes[codeIndex(header, cell, channel)] ?? 0;
    }
  }
  return {
    header: plainHeader,
    codes,
    scales: file.scales,
    byteLength: codes.byteLength + file.scales.byteLength,
  };
}
