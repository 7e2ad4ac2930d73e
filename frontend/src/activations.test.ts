import { describe, expect, it } from "vitest";

import { pageValues, summariseChannels } from "./activations";
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

  it("lays out a page's channels tile after tile, as the bar chart reads them", () => {
    const { file } = parsedFixture("int16");
    const { width, height } = file.header;
    const values = pageValues(file, [5, 2]);
    expect(values).toHaveLength(2 * width * height);
    expect(values[width * height + width + 1]).toBeCloseTo(cellValues(file, 1, 1)[2] ?? Number.NaN, 6);
    expect(values[width]).toBeCloseTo(cellValues(file, 0, 1)[5] ?? Number.NaN, 6);
  });
});
