/** The bar chart's vertical scale (pure, so it can be tested without a canvas). */
import type { FeatureFile } from "./data/featureFile";

/**
 * The chart's full height for a layer: the 99th percentile of the cells' largest absolute
 * values, so that a few outlying cells do not flatten every other bar (taller bars are cut,
 * with a cap). Fixed per layer, so the axis does not jump while the pointer moves.
 */
export function chartMaximum(file: FeatureFile): number {
  const { dtype, width, height, channels } = file.header;
  const cells = width * height;
  const largest = new Float32Array(cells);
  if (dtype === "float32") {
    const slice = cells * 4;
    for (let channel = 0; channel < channels; channel++) {
      const offset = (channel >> 2) * slice + (channel & 3);
      for (let cell = 0; cell < cells; cell++) {
        largest[cell] = Math.max(largest[cell] ?? 0, Math.abs(file.codes[offset + cell * 4] ?? 0));
      }
    }
  } else {
    // With the per-pixel scale, a cell's largest magnitude is its scale times L.
    const levels = { uint8: 255, int8: 127, uint16: 65535, int16: 32767 }[dtype];
    largest.set(file.scales);
    largest.forEach((scale, cell) => (largest[cell] = scale * levels));
  }
  largest.sort();
  return largest[Math.min(cells - 1, Math.floor(cells * 0.99))] ?? 0;
}
