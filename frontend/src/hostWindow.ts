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
