import { describe, expect, it } from "vitest";

import type { ViewEvent } from "./contract";
import { ViewController, ZOOM_STEP, reactNeedsRender } from "./interaction";

const image = { width: 100, height: 80 };

function controller() {
  const events: ViewEvent[] = [];
  const view = new ViewController(image, 4, (event) => events.push(event));
  view.applyPreset({ reference: null, pinned: null, locked: false });
  return { view, events };
}

describe("ViewController", () => {
  it("asks Python for a channel's image with the layer, the channel and the pointer", () => {
    const { view, events } = controller();
    view.pin({ x: 8, y: 9 });
    view.askChannel("block3", 12);
    expect(events.at(-1)).toMatchObject({
      kind: "channel",
      layer: "block3",
      channel: 12,
      state: { pinned: { x: 8, y: 9 }, locked: false },
    });
    expect(view.state.pinned).toEqual({ x: 8, y: 9 });
  });

  it("starts at the image centre unless Python says otherwise", () => {
    const { view } = controller();
    expect(view.state.reference).toEqual({ x: 50, y: 40 });
    view.applyPreset({ reference: { x: 3, y: 4 }, pinned: null, locked: false });
    expect(view.state.reference).toEqual({ x: 3, y: 4 });
  });

  it("follows the pointer without telling Python", () => {
    const { view, events } = controller();
    const seen: unknown[] = [];
    view.subscribe((state) => seen.push(state.reference));
    view.hover({ x: 10, y: 12 });
    view.hover({ x: 10, y: 12 }); // unchanged: no notification
    view.hover({ x: 11, y: 12 });
    expect(seen).toEqual([
      { x: 10, y: 12 },
      { x: 11, y: 12 },
    ]);
    expect(events).toEqual([]);
  });

  it("sends exactly one event per deliberate action, each with its own id", () => {
    const { view, events } = controller();
    view.pin({ x: 5, y: 6 });
    view.toggleLock();
    view.release();
    view.step(1);
    view.step(-1);
    expect(events.map((event) => event.kind)).toEqual(["pin", "lock", "release", "step", "step"]);
    expect(new Set(events.map((event) => event.id)).size).toBe(5);
    expect(events[0]?.state).toEqual({ reference: { x: 50, y: 40 }, pinned: { x: 5, y: 6 }, locked: false });
    expect(events[1]?.state).toMatchObject({
      pinned: { x: 5, y: 6 },
      reference: { x: 5, y: 6 },
      locked: true,
    });
    expect(events[2]?.state).toMatchObject({ pinned: null, locked: false });
    expect(events.slice(3).map((event) => (event.kind === "step" ? event.delta : 0))).toEqual([1, -1]);
  });

  it("keeps the heat maps on the pinned pixel while locked", () => {
    const { view } = controller();
    view.pin({ x: 20, y: 30 });
    view.toggleLock();
    view.hover({ x: 70, y: 70 });
    expect(view.state.reference).toEqual({ x: 20, y: 30 });
    view.toggleLock();
    view.hover({ x: 70, y: 70 });
    expect(view.state.reference).toEqual({ x: 70, y: 70 });
  });

  it("locks on the current reference when nothing is pinned", () => {
    const { view, events } = controller();
    view.hover({ x: 9, y: 9 });
    view.toggleLock();
    expect(view.state).toMatchObject({ locked: true, pinned: { x: 9, y: 9 } });
    expect(events).toHaveLength(1);
  });

  it("moves by one cell of the finest layer, carrying a locked pin, committed once", () => {
    const { view, events } = controller();
    view.hover({ x: 10, y: 10 });
    view.moveByCells(1, 0);
    expect(view.state.reference).toEqual({ x: 14, y: 10 });
    expect(events).toEqual([]);
    view.toggleLock();
    view.moveByCells(0, -1);
    view.moveByCells(0, -1);
    view.moveByCells(0, -1);
    expect(view.state.pinned).toEqual({ x: 14, y: 0 });
    view.commitPin();
    expect(events.map((event) => event.kind)).toEqual(["lock", "pin"]);
    expect(events[1]?.state.pinned).toEqual({ x: 14, y: 0 });
  });

  it("leaves the single-channel view before releasing the pin on Escape", () => {
    const { view, events } = controller();
    view.pin({ x: 1, y: 1 });
    view.setChannel({ panel: "conv2-entry", index: 7 });
    expect(view.release()).toBe(true);
    expect(view.state.channel).toBeNull();
    expect(view.state.pinned).toEqual({ x: 1, y: 1 });
    expect(view.release()).toBe(true);
    expect(view.state.pinned).toBeNull();
    expect(view.release()).toBe(false);
    expect(events.map((event) => event.kind)).toEqual(["pin", "release"]);
  });

  it("applies a locked preset on the pinned pixel and resets zoom and channel", () => {
    const { view } = controller();
    view.zoom(4, { width: 200, height: 160 });
    view.setChannel({ panel: "conv3-entry", index: 2 });
    view.applyPreset({ reference: { x: 1, y: 1 }, pinned: { x: 500, y: 2 }, locked: true });
    expect(view.state).toMatchObject({
      reference: { x: 99, y: 2 },
      pinned: { x: 99, y: 2 },
      locked: true,
      channel: null,
      view: { zoom: 1 },
    });
  });

  it("gives React a new state for a lock, not for a pointer move", () => {
    const { view } = controller();
    const before = view.reactState;
    view.hover({ x: 3, y: 3 });
    expect(view.reactState).toBe(before);
    view.applyPreset({ reference: null, pinned: { x: 7, y: 8 }, locked: true });
    expect(view.reactState).toMatchObject({ pinned: { x: 7, y: 8 }, locked: true });
  });

  it("keeps the user's state when the same view is configured again", () => {
    const { view } = controller();
    view.pin({ x: 42, y: 42 });
    view.configure(image, 4);
    expect(view.state.pinned).toEqual({ x: 42, y: 42 });
    view.configure({ width: 40, height: 40 }, 8);
    expect(view.state.pinned).toEqual({ x: 39, y: 39 });
  });

  it("zooms by one step in and out about the centre", () => {
    const { view } = controller();
    const panel = { width: 200, height: 160 };
    view.zoomStep(1, panel);
    view.zoomStep(1, panel);
    expect(view.state.view.zoom).toBeCloseTo(ZOOM_STEP ** 2, 12);
    view.zoomStep(-1, panel);
    expect(view.state.view.zoom).toBeCloseTo(ZOOM_STEP, 12);
  });

  it("asks React to re-render for everything but pointer moves and pans", () => {
    const { view } = controller();
    const panel = { width: 200, height: 160 };
    const needs: boolean[] = [];
    view.subscribe((state, previous) => needs.push(reactNeedsRender(state, previous)));
    view.hover({ x: 3, y: 3 });
    view.zoom(4, panel);
    view.setView({ ...view.state.view, centerX: view.state.view.centerX + 5 }, panel);
    view.pin({ x: 3, y: 3 });
    view.setOpacityShift(0.5);
    expect(needs).toEqual([false, true, false, true, true]);
  });
});
