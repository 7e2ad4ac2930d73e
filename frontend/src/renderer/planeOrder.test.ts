import { describe, expect, it } from "vitest";
import { inPlaneOrder } from "./planeCoding";

describe("inPlaneOrder", () => {
  it("puts byte k of each word of a 16-channel texel in plane k", () => {
    const unit = Float32Array.from({ length: 32 }, (_, channel) => channel);
    const ordered = inPlaneOrder(unit, 16);
    // plane 1 of the first texel: byte 1 of words 0..3 = channels 1, 5, 9, 13
    expect([...ordered.slice(4, 8)]).toEqual([1, 5, 9, 13]);
    // the second texel keeps its own channels
    expect([...ordered.slice(16, 20)]).toEqual([16, 20, 24, 28]);
    expect([...ordered].sort((a, b) => a - b)).toEqual([...unit]);
  });

  it("puts the odd shorts of an 8-channel texel in plane 1 and pads a partial texel with zeros", () => {
    const ordered = inPlaneOrder(Float32Array.from([1, 2, 3, 4, 5, 6]), 8);
    expect([...ordered]).toEqual([1, 3, 5, 0, 2, 4, 6, 0]);
  });

  it("leaves four channels per texel as they are", () => {
    const unit = Float32Array.from([1, 2, 3, 4]);
    expect(inPlaneOrder(unit, 4)).toBe(unit);
  });
});
