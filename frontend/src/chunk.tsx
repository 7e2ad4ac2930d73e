/**
 * A part of the view that loads as a chunk of its own, and what the frame shows if that chunk
 * cannot be loaded. The chunks come from the same local server as the page, so a
 * failure is rare (a server stopped or upgraded under an open page), but without this the
 * frame would stay on "Starting…" forever: the student must read what to do instead. One
 * retry first, because a single failed request is the common case.
 */
import { createElement, useEffect, useSyncExternalStore } from "react";
import type { ComponentType, ReactNode } from "react";

/** The words shown when `what` (e.g. "the similarity view") cannot be loaded. */
export function chunkProblem(what: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `The code of ${what} could not be loaded (${reason}). Reload the page; the address keeps what was shown.`;
}

/** Loads a chunk's component, trying twice; on failure, a component that says why. */
export async function loadChunk<P extends object>(
  load: () => Promise<ComponentType<P>>,
  what: string,
): Promise<{ default: ComponentType<P> }> {
  let failure: unknown;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      return { default: await load() };
    } catch (error) {
      failure = error;
    }
  }
  const problem = chunkProblem(what, failure);
  function ChunkFailed(): React.JSX.Element {
    return (
      <p className="view-message view-error" role="alert">
        {problem}
      </p>
    );
  }
  return { default: ChunkFailed };
}

/**
 * A chunk's component, loaded when a frame first draws it or ahead of that (`start`). Not
 * `React.lazy`: a lazy component suspends on its first render even when its code is already
 * there, and React reveals suspended content in a later, time-sliced pass (throttled after a
 * fallback), which in a page whose main thread Streamlit's own rendering shares cost the view
 * its mount by a few hundred milliseconds. A chunk loaded ahead is drawn in the same pass.
 */
export class Chunk<P extends object> {
  private loaded: ComponentType<P> | null = null;
  private loading: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  /** Draws the chunk's component (asking for its code), and `waiting` until it has loaded. */
  readonly Component: (props: P) => ReactNode;

  constructor(
    private readonly load: () => Promise<ComponentType<P>>,
    private readonly what: string,
    waiting: ReactNode,
  ) {
    const subscribe = (listener: () => void): (() => void) => {
      this.listeners.add(listener);
      return () => {
        this.listeners.delete(listener);
      };
    };
    const current = (): ComponentType<P> | null => this.loaded;
    const start = (): void => {
      void this.start();
    };
    function ChunkComponent(props: P): ReactNode {
      const component = useSyncExternalStore(subscribe, current, current);
      useEffect(start, []);
      return component === null ? waiting : createElement(component, props);
    }
    this.Component = ChunkComponent;
  }

  /**
   * Start loading the code (once; a failure becomes a component that says why); settles when
   * the component is there.
   */
  start(): Promise<void> {
    this.loading ??= loadChunk(this.load, this.what).then(({ default: component }) => {
      this.loaded = component;
      for (const listener of this.listeners) {
        listener();
      }
    });
    return this.loading;
  }
}
