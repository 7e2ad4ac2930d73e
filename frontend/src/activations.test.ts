import { describe, expect, it } from "vitest";

import { channelImage, summariseChannels } from "./activations";
import { cellValues } from "./data/featureFile";
import { parsedFixture } from "./fixtures/featureFixtures";

describe("summariseChannels", () => {
  for (const name of ["uint8", "int16", "float32"]) {
    it(`orders ${name} channels by their mean value, strongest first, and counts the dead`, () => {
      const { file } = parsedFixture(name);
      const { width, height, channels } = file.header;
      // The same numbers by another path: the bar chart's per-cell values.
      const sums = new Float64Array(channels);
      const largest = new Float64Array(channels);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          cellValues(file, x, y).forEach((value, channel) => {
            sums[channel] = (sums[channel] ?? 0) + value;
            largest[channel] = Math.max(largest[channel] ?? 0, Math.abs(value));
          });
        }
      }
      const summary = summariseChannels(file);
      expect([...summary.order].sort((a, b) => a - b)).toEqual(Array.from({ length: channels }, (_, k) => k));
      const means = summary.order.map((channel) => summary.strength[channel] ?? 0);
      expect(means).toEqual([...means].sort((a, b) => b - a));
      summary.order.forEach((channel) => {
        expect(summary.strength[channel]).toBeCloseTo((sums[channel] ?? 0) / (width * height), 4);
      });
      expect(summary.dead).toBe(largest.filter((value) => value === 0).length);
      expect(summary.peak).toBeCloseTo(Math.max(...largest), 4);
    });
  }

  it("draws a channel in grey, its largest magnitude white at the layer's peak", () => {
    const { file } = parsedFixture("uint8");
    const summary = summariseChannels(file);
    const strongest = summary.order[0] ?? 0;
    const pixels = channelImage(file, strongest, summary.peak);
    expect(pixels).toHaveLength(file.header.width * file.header.height * 4);
    for (let index = 0; index < pixels.length; index += 4) {
      expect(pixels[index]).toBe(pixels[index + 2]);
      expect(pixels[index + 3]).toBe(255);
    }
  });
});
