import { describe, expect, it } from "vitest";

import type { Hovered } from "./HoverDetails";
import { HoverStore } from "./hoverStore";
import { nearestPoint } from "./matrixLayout";

/** Two points in one row pair (rows 1 and 2), far apart in a 100-pixel cell. */
const COUNT = 2;
const SCALED = Float32Array.from([0, 0, 0.2, 0.8, 0.2, 0.8]);
const BOX = { x: 0, y: 0, width: 100, height: 100 };
const ROWS = { x: 1, y: 2 };

function details(point: number): Hovered {
  return { point, image: point, cell: null, className: "", box: null };
}

/** What the frame does on a pointer move: the point under it, shown (or none). */
function move(store: HoverStore, x: number, y: number, made: number[]): void {
  const point = nearestPoint(SCALED, COUNT, ROWS, BOX, x, y, 6);
  if (point === null) {
    store.clear();
    return;
  }
  store.show(point, (found) => {
    made.push(found);
    return details(found);
  });
}

describe("the hovered point", () => {
  it("changes (and re-renders) only when the pointer reaches another point", () => {
    const store = new HoverStore();
    const renders: (Hovered | null)[] = [];
    store.subscribe(() => renders.push(store.get()));
    const made: number[] = [];
    // Point 0 is drawn at (20, 80): moves around it, within the hover radius.
    for (const [x, y] of [
      [20, 80],
      [22, 79],
      [17, 83],
      [20, 80],
    ] as const) {
      move(store, x, y, made);
    }
    expect(renders.map((shown) => shown?.point)).toEqual([0]);
    expect(made).toEqual([0]);
    const shown = store.get();
    move(store, 21, 81, made);
    expect(store.get()).toBe(shown); // the same object: React's snapshot did not change

    move(store, 80, 20, made); // point 1
    move(store, 50, 50, made); // between them: none
    move(store, 52, 48, made); // still none
    expect(renders.map((value) => value?.point ?? null)).toEqual([0, 1, null]);
    expect(made).toEqual([0, 1]);
    expect(store.changes).toBe(3);
  });

  it("stops calling a listener once it unsubscribes", () => {
    const store = new HoverStore();
    let calls = 0;
    const unsubscribe = store.subscribe(() => (calls += 1));
    store.show(4, details);
    unsubscribe();
    store.show(5, details);
    expect(calls).toBe(1);
    expect(store.get()?.point).toBe(5);
  });
});
