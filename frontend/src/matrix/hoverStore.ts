/**
 * The scatter-plot matrix's hovered point, outside React state: every pointer move asks for
 * the point under the pointer, but most moves stay on the same point (or on none), and a
 * React state update per move would re-render the whole frame (its cells' labels, the
 * details) for nothing. The store hands React (`useSyncExternalStore`) a new value only when
 * the point changes, so a move within one point re-renders nothing, and it builds the
 * details of a point (image, cell, receptive field) only then.
 */
import type { Hovered } from "./HoverDetails";

export class HoverStore {
  private value: Hovered | null = null;
  private readonly listeners = new Set<() => void>();
  private changed = 0;

  /** The point shown now (what React renders). */
  readonly get = (): Hovered | null => this.value;

  /** Calls `listener` on every change; returns the unsubscribe React wants. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /**
   * Shows point `point`, its details made by `details` only when it is not the point shown
   * already; says whether anything changed (listeners ran).
   */
  show(point: number, details: (point: number) => Hovered): boolean {
    return point === this.value?.point ? false : this.set(details(point));
  }

  /** Shows no point (the pointer left every point); says whether anything changed. */
  clear(): boolean {
    return this.value === null ? false : this.set(null);
  }

  private set(value: Hovered | null): boolean {
    this.value = value;
    this.changed += 1;
    for (const listener of this.listeners) {
      listener();
    }
    return true;
  }

  /** How many times the shown point changed (the test hook's count of hover re-renders). */
  get changes(): number {
    return this.changed;
  }
}
