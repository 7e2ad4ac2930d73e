import { describe, expect, it } from "vitest";

import { channelKeyAction } from "./channelKeys";

describe("channelKeyAction", () => {
  it("asks for the chosen channel on Enter or Space, and for none when none is chosen", () => {
    expect(channelKeyAction("Enter", false, 5, 64)).toEqual({ kind: "ask", position: 5 });
    expect(channelKeyAction(" ", false, 0, 64)).toEqual({ kind: "ask", position: 0 });
    expect(channelKeyAction("Enter", false, -1, 64)).toBeNull();
  });

  it("moves along the channels, by ten with Shift, and stays inside", () => {
    expect(channelKeyAction("ArrowRight", false, -1, 64)).toEqual({ kind: "select", position: 0 });
    expect(channelKeyAction("ArrowLeft", false, -1, 64)).toEqual({ kind: "select", position: 63 });
    expect(channelKeyAction("ArrowRight", true, 60, 64)).toEqual({ kind: "select", position: 63 });
    expect(channelKeyAction("ArrowLeft", true, 3, 64)).toEqual({ kind: "select", position: 0 });
    expect(channelKeyAction("End", false, 3, 64)).toEqual({ kind: "select", position: 63 });
  });

  it("leaves the single-channel view on Escape, and lets other keys through", () => {
    expect(channelKeyAction("Escape", false, 2, 64)).toEqual({ kind: "clear" });
    expect(channelKeyAction("Escape", false, -1, 64)).toBeNull();
    expect(channelKeyAction("a", false, 2, 64)).toBeNull();
    expect(channelKeyAction("Enter", false, 0, 0)).toBeNull();
  });
});
