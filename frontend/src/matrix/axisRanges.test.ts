import { describe, expect, it } from "vitest";

import {
  FULL,
  MIN_SPAN,
  panCell,
  panRange,
  rangeOf,
  toFraction,
  toScaled,
  visibleData,
  zoomCell,
  zoomRange,
} from "./axisRanges";

describe("zooming a range", () => {
  it("keeps the value under the pointer where it was", () => {
    for (const fraction of [0, 0.3, 0.5, 0.9, 1]) {
      const before = toScaled(FULL, fraction);
      const zoomed = zoomRange(FULL, fraction, 0.25);
      expect(zoomed[1] - zoomed[0]).toBeCloseTo(0.25);
      expect(toScaled(zoomed, fraction)).toBeCloseTo(before);
      expect(toFraction(zoomed, before)).toBeCloseTo(fraction);
    }
  });

  it("neither narrows below the smallest span nor widens past the whole data", () => {
    const narrow = zoomRange(FULL, 0.5, 1e-9);
    expect(narrow[1] - narrow[0]).toBeCloseTo(MIN_SPAN);
    const wide = zoomRange([0.2, 0.4], 0.5, 100);
    expect(wide[1] - wide[0]).toBeCloseTo(1);
  });
});

describe("panning a range", () => {
  it("moves what was at the drag's start under its end", () => {
    const range = [0.2, 0.6] as const;
    const panned = panRange(range, 0.25);
    // A drag a quarter of the cell to the right: the value at 0.25 moves to 0.5.
    expect(toFraction(panned, toScaled(range, 0.25))).toBeCloseTo(0.5);
    expect(panned[1] - panned[0]).toBeCloseTo(0.4);
  });
});

describe("a cell's ranges", () => {
  const rows = { x: 5, y: 6 };

  it("zoom the cell's two dimensions only, each about its own pointer coordinate", () => {
    const ranges = zoomCell({ 7: [0.1, 0.2] }, rows, 0.2, 0.8, 0.5);
    expect(toScaled(rangeOf(ranges, 5), 0.2)).toBeCloseTo(0.2);
    expect(toScaled(rangeOf(ranges, 6), 0.8)).toBeCloseTo(0.8);
    expect(rangeOf(ranges, 7)).toEqual([0.1, 0.2]);
    expect(rangeOf(ranges, 4)).toEqual(FULL);
  });

  it("pan each dimension by the drag along its own axis", () => {
    const ranges = panCell({}, rows, 0.1, -0.2);
    expect(rangeOf(ranges, 5)[0]).toBeCloseTo(-0.1);
    expect(rangeOf(ranges, 6)[0]).toBeCloseTo(0.2);
  });

  it("reset by forgetting them: every row shows its full range again", () => {
    expect(rangeOf({}, 5)).toEqual(FULL);
  });
});

describe("the visible data", () => {
  it("is the data's range unzoomed, and the shown part zoomed", () => {
    const [low, high] = visibleData(FULL, [-2, 8], 0.04);
    expect(low).toBeCloseTo(-2);
    expect(high).toBeCloseTo(8);
    const half = visibleData([0.04, 0.5], [-2, 8], 0.04);
    expect(half[0]).toBeCloseTo(-2);
    expect(half[1]).toBeCloseTo(3);
  });
});
