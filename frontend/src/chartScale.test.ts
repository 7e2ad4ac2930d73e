import { describe, expect, it } from "vitest";

import { chartMaximum } from "./chartScale";
import { parsedFixture as file } from "./fixtures/featureFixtures";

/** The largest |value| of every cell, from the fixture's own codes and scales. */
function cellMaxima(name: string): number[] {
  const { fixture } = file(name);
  const cells = fixture.width * fixture.height;
  return Array.from({ length: cells }, (_, cell) => {
    let largest = 0;
    for (let channel = 0; channel < fixture.channels; channel++) {
      const code = fixture.vectors[cell * fixture.channels + channel] ?? 0;
      largest = Math.max(largest, Math.abs(code * (fixture.scales[cell] ?? 0)));
    }
    return largest;
  });
}

describe("chartMaximum", () => {
  it.each(["uint8", "int16", "float32"])(
    "is the 99th percentile of the cells' largest values (%s)",
    (name) => {
      const maxima = cellMaxima(name).sort((a, b) => a - b);
      const expected = maxima[Math.min(maxima.length - 1, Math.floor(maxima.length * 0.99))] ?? 0;
      expect(chartMaximum(file(name).file)).toBeCloseTo(expected, 5);
    },
  );

  it("ignores a few outlying cells", () => {
    const { file: parsed } = file("uint8");
    const scales = Float32Array.from({ length: 1000 }, (_, index) => (index === 7 ? 100 : 1));
    const wide = { ...parsed, header: { ...parsed.header, width: 1000, height: 1 }, scales };
    expect(chartMaximum(wide)).toBe(255);
  });
});
