/**
 * Each panel's current (min, max), keyed by entry id: the renderer writes it as the read-backs
 * arrive (nearly every reference-cell change), and only the colour scale of that panel
 * re-renders (useSyncExternalStore), not the whole view.
 */
import { useCallback, useSyncExternalStore } from "react";

import type { Range } from "./renderer/renderer";

export class RangeStore {
  private readonly ranges = new Map<string, Range>();
  private readonly listeners = new Map<string, Set<() => void>>();

  get(id: string): Range | null {
    return this.ranges.get(id) ?? null;
  }

  set(id: string, range: Range): void {
    const now = this.ranges.get(id);
    if (now?.min === range.min && now.max === range.max) {
      return;
    }
    this.ranges.set(id, { min: range.min, max: range.max });
    for (const listener of this.listeners.get(id) ?? []) {
      listener();
    }
  }

  /** Forget a panel's range (its map is being replaced: the old numbers are not its). */
  clear(id: string): void {
    if (this.ranges.delete(id)) {
      for (const listener of this.listeners.get(id) ?? []) {
        listener();
      }
    }
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }
}

/** The panel's range, re-rendering the caller only when that panel's range changes. */
export function useRange(store: RangeStore, id: string): Range | null {
  const subscribe = useCallback((listener: () => void) => store.subscribe(id, listener), [store, id]);
  const read = useCallback(() => store.get(id), [store, id]);
  return useSyncExternalStore(subscribe, read);
}
