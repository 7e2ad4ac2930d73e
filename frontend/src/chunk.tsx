/**
 * A part of the view that loads as a chunk of its own (React.lazy), and what the frame shows if
 * that chunk cannot be loaded. The chunks come from the same local server as the page, so a
 * failure is rare (a server stopped or upgraded under an open page), but without this the
 * frame would stay on "Starting…" forever: the student must read what to do instead. One
 * retry first, because a single failed request is the common case.
 */
import { lazy } from "react";
import type { ComponentType, LazyExoticComponent } from "react";

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

/** `React.lazy` over :func:`loadChunk`. */
export function chunk<P extends object>(
  load: () => Promise<ComponentType<P>>,
  what: string,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(() => loadChunk(load, what));
}
