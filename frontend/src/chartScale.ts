/** The bar chart's vertical scale (pure, so it can be tested without a canvas). */
import type { FeatureFile } from "./data/featureFile";

/**
 * The chart's full height for a layer: the 99th percentile of the cells' largest absolute
 * values, so that a few outlying cells do not flatten every other bar (taller bars are cut,
 * with a cap). Fixed per layer, so the axis does not jump while the pointer moves.
 */
export function chartMaximum(file: FeatureFile): number {
  const { dtype, width, height, slices, channels_per_texel: channelsPerTexel } = file.header;
  const cells = width * height;
  const largest = new Float32Array(cells);
  if (dtype === "float32") {
    // One pass over the codes in file order; the zero padding past the last channel is harmless.
    let index = 0;
    for (let slice = 0; slice < slices; slice++) {
      for (let cell = 0; cell < cells; cell++) {
        let cellLargest = largest[cell] ?? 0;
        for (let position = 0; position < channelsPerTexel; position++) {
          cellLargest = Math.max(cellLargest, Math.abs(file.codes[index++] ?? 0));
        }
        largest[cell] = cellLargest;
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
