import { describe, expect, it } from "vitest";

import {
  channelAxis,
  cssGradient,
  formatTick,
  formatValue,
  niceStep,
  similarityAxis,
  ticks,
} from "./colourScale";

describe("ticks", () => {
  it("uses round steps", () => {
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(2, 5)).toBe(0.5);
    expect(niceStep(0.03, 5)).toBeCloseTo(0.01, 12);
    expect(niceStep(730, 4)).toBe(200);
    expect(niceStep(0, 5)).toBe(1);
  });

  it("lists the round values inside the range, ends included", () => {
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(ticks(0.013, 0.047, 4)).toEqual([0.02, 0.03, 0.04]);
  });

  it("formats with the decimals the step needs", () => {
    expect(formatTick(0.4, 0.2)).toBe("0.4");
    expect(formatTick(0, 0.2)).toBe("0.0");
    expect(formatTick(-0.0000001, 0.5)).toBe("0.0");
    expect(formatTick(400, 200)).toBe("400");
    expect(formatTick(0.03, 0.01)).toBe("0.03");
    expect(formatValue(0.123456)).toBe("0.123");
    expect(formatValue(12345.6)).toBe("1.23e+4");
    expect(formatValue(0)).toBe("0");
  });
});

describe("axes", () => {
  it("shows all possible similarities with the band where the map is now", () => {
    const axis = similarityAxis(0.25, 0.75, false);
    expect([axis.low, axis.high]).toEqual([0, 1]);
    expect([axis.bandFrom, axis.bandTo]).toEqual([0.25, 0.75]);
    expect(similarityAxis(-0.5, 1, true)).toMatchObject({ low: -1, high: 1, bandFrom: 0.25, bandTo: 1 });
  });

  it("shows a channel from zero to its maximum", () => {
    expect(channelAxis(0, 8)).toMatchObject({ low: 0, high: 8, bandFrom: 0, bandTo: 1 });
    expect(channelAxis(0, 0)).toMatchObject({ low: 0, high: 1, bandFrom: 0, bandTo: 0 });
    expect(channelAxis(-2, 2)).toMatchObject({ low: -2, high: 2 });
  });

  it("draws the colour table bottom to top", () => {
    const colours = Array.from({ length: 256 }, (_, index) => [index, 0, 255 - index]);
    const css = cssGradient(colours, 2);
    expect(css).toBe("linear-gradient(to top, rgb(0 0 255) 0.0%, rgb(128 0 127) 50.0%, rgb(255 0 0) 100.0%)");
  });
});
