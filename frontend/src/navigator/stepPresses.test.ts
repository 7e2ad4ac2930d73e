import { describe, expect, it } from "vitest";

import type { NavigatorValue } from "../contract";
import { PressCounter, stepOfKey } from "./stepPresses";

describe("step presses", () => {
  it("sends the running count, so presses that meet on the way add up", () => {
    const sent: NavigatorValue[] = [];
    const counter = new PressCounter((presses) => sent.push(presses));
    counter.press(1);
    counter.press(1);
    counter.press(-1);
    counter.press(1);
    expect(sent.map((presses) => presses.net)).toEqual([1, 2, 1, 2]);
    expect(new Set(sent.map((presses) => presses.instance))).toEqual(new Set([counter.instance]));
    expect(new PressCounter(() => undefined).instance).not.toBe(counter.instance);
  });

  it("moves on PageDown and PageUp only, without modifiers", () => {
    const key = (name: string, ctrlKey = false) =>
      stepOfKey({ key: name, altKey: false, ctrlKey, metaKey: false });
    expect([key("PageDown"), key("PageUp"), key("ArrowDown"), key("PageDown", true)]).toEqual([
      1,
      -1,
      null,
      null,
    ]);
  });
});
