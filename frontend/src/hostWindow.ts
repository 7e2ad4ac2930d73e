/**
 * The browser window the view is shown in, and its height as React state.
 *
 * Streamlit serves a component's iframe from the app's own origin, so the frame can read the
 * page's window: its height is what a student actually sees, while the frame's own height is
 * whatever the view asks for. Python cannot know it, so reading it here is the only source
 * that follows the window as it is resized. Where the parent is another origin (the view
 * embedded elsewhere) or absent (a test page), the frame's own window stands in.
 */
import { useSyncExternalStore } from "react";

export function hostWindow(): Window {
  try {
    const parent = window.parent;
    // Reading a property of a cross-origin window throws a SecurityError.
    return Number.isFinite(parent.innerHeight) ? parent : window;
  } catch {
    return window;
  }
}

function subscribe(onChange: () => void): () => void {
  const host = hostWindow();
  host.addEventListener("resize", onChange);
  if (host !== window) {
    window.addEventListener("resize", onChange);
  }
  return () => {
    host.removeEventListener("resize", onChange);
    window.removeEventListener("resize", onChange);
  };
}

/** The inner height of the window showing the view, in CSS pixels; re-renders on resize. */
export function useHostWindowHeight(): number {
  return useSyncExternalStore(subscribe, () => hostWindow().innerHeight);
}

/**
 * Where the view's frame starts in the host page (CSS pixels from the top of the page's
 * content, as if scrolled to the top): what the page shows above the view. Follows the window
 * and the content above as they change. 0 where the frame has no readable host, or when not
 * `wanted` (reading it lays out the page: only presenter mode needs it).
 */
export function useFrameTop(wanted: boolean): number {
  return useSyncExternalStore(wanted ? subscribeFrameTop : subscribeNothing, wanted ? frameTop : nothing);
}

function subscribeNothing(): () => void {
  return () => undefined;
}

function nothing(): number {
  return 0;
}

function frameTop(): number {
  let frame: Element | null;
  try {
    frame = window.frameElement;
  } catch {
    return 0;
  }
  if (frame === null) {
    return 0;
  }
  let scrolled = 0;
  for (let element = frame.parentElement; element !== null; element = element.parentElement) {
    scrolled += element.scrollTop;
  }
  return Math.round(frame.getBoundingClientRect().top + scrolled);
}

function subscribeFrameTop(onChange: () => void): () => void {
  const unsubscribe = subscribe(onChange);
  let frame: Element | null = null;
  try {
    frame = window.frameElement;
  } catch {
    // another origin: nothing to observe
  }
  // The content above the frame grows or shrinks (a rerun, a message): its container resizes.
  const container = frame?.closest('[data-testid="stMainBlockContainer"]') ?? frame?.parentElement ?? null;
  const observer = new ResizeObserver(onChange);
  if (container != null) {
    observer.observe(container);
  }
  return () => {
    observer.disconnect();
    unsubscribe();
  };
}
