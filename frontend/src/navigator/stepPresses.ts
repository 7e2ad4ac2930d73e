/**
 * Back and Next presses, counted in the browser so that none is lost, and views that went
 * deaf (see `reportLostView`).
 *
 * Python moves by the running count of presses (`NavigatorValue.net`) minus what it already
 * applied, so presses that come faster than the page can rerun add up instead of replacing
 * one another. The navigator's frame counts its own buttons, PageUp and PageDown anywhere in the
 * page (its parent is the app's own origin), and the presses the similarity view hands it
 * from inside its own frame (`handOverStep`).
 */
import { newEventId, type NavigatorValue } from "../contract";

/** The event the view dispatches on the page's window for a PageUp or PageDown it heard. */
export const STEP_EVENT = "classroom:step";
/** The event a component frame dispatches on the page's window when Streamlit never answers it. */
export const LOST_VIEW_EVENT = "classroom:lost-view";

export type Step = -1 | 1;

/** The keys that move a step (what presenter remotes send). */
export function stepOfKey(event: Pick<KeyboardEvent, "key" | "altKey" | "ctrlKey" | "metaKey">): Step | null {
  if (event.altKey || event.ctrlKey || event.metaKey) {
    return null;
  }
  return event.key === "PageDown" ? 1 : event.key === "PageUp" ? -1 : null;
}

/** Whether a key press belongs to a text field, a list or a slider instead. */
function typing(target: EventTarget | null): boolean {
  const element = target as { tagName?: string; isContentEditable?: boolean } | null;
  return (
    element?.isContentEditable === true || ["INPUT", "SELECT", "TEXTAREA"].includes(element?.tagName ?? "")
  );
}

export class PressCounter {
  /** This frame: a frame loaded anew starts counting from 0 under another name. */
  readonly instance = newEventId();
  private net = 0;
  private lostViews = 0;

  constructor(private readonly send: (value: NavigatorValue) => void) {}

  press(step: Step): void {
    this.net += step;
    this.report();
  }

  /** A view of the page went deaf: Python draws it anew. */
  lostView(): void {
    this.lostViews += 1;
    this.report();
  }

  private report(): void {
    this.send({ instance: this.instance, net: this.net, lostViews: this.lostViews });
  }
}

interface PageWindow extends Window {
  __classroomStepOwner?: string;
}

/** The page's window, when this frame may use it (same origin); else null. */
function pageWindow(): PageWindow | null {
  try {
    const parent = window.parent;
    // Reading the document of a cross-origin window throws a SecurityError.
    return parent !== window && Boolean(parent.document) ? parent : null;
  } catch {
    return null;
  }
}

/**
 * Count PageUp and PageDown in this frame, in the page, and handed over by the view.
 *
 * One navigator counts at a time: the newest one claims the page (while Streamlit swaps the
 * sidebar's navigator for the presenter row's, both exist for a moment). Returns the cleanup.
 */
export function listenForSteps(counter: PressCounter): () => void {
  const page = pageWindow();
  const mine = (): boolean => {
    if (page === null) {
      return true;
    }
    page.__classroomStepOwner ??= counter.instance;
    return page.__classroomStepOwner === counter.instance;
  };
  const onKey = (event: KeyboardEvent): void => {
    const step = stepOfKey(event);
    if (step === null || typing(event.target) || !mine()) {
      return;
    }
    event.preventDefault(); // PageDown would scroll the page as well
    if (!event.repeat) {
      counter.press(step);
    }
  };
  const onHandedOver = (event: Event): void => {
    const step = (event as CustomEvent<{ step?: unknown }>).detail.step;
    if ((step === 1 || step === -1) && mine()) {
      event.preventDefault(); // tells the view that a navigator counted it
      counter.press(step);
    }
  };
  const onLostView = (): void => {
    if (mine()) {
      counter.lostView();
    }
  };
  if (page !== null) {
    page.__classroomStepOwner = counter.instance;
  }
  window.addEventListener("keydown", onKey);
  page?.document.addEventListener("keydown", onKey);
  page?.addEventListener(STEP_EVENT, onHandedOver);
  page?.addEventListener(LOST_VIEW_EVENT, onLostView);
  const stop = (): void => {
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("pagehide", stop);
    page?.document.removeEventListener("keydown", onKey);
    page?.removeEventListener(STEP_EVENT, onHandedOver);
    page?.removeEventListener(LOST_VIEW_EVENT, onLostView);
    if (page?.__classroomStepOwner === counter.instance) {
      delete page.__classroomStepOwner;
    }
  };
  // A frame that Streamlit removes is unloaded without React unmounting anything.
  window.addEventListener("pagehide", stop);
  return stop;
}

/**
 * The view's PageUp or PageDown, handed to the page's navigator; false when there is none
 * (a page without one: the view then sends its own step event).
 */
export function handOverStep(step: Step): boolean {
  const page = pageWindow();
  if (page === null) {
    return false;
  }
  const event = new (page as Window & typeof globalThis).CustomEvent(STEP_EVENT, {
    detail: { step },
    cancelable: true,
  });
  return !page.dispatchEvent(event);
}

/**
 * This frame got no answer from Streamlit: tell the page's navigator, which asks Python to draw
 * the view anew. (Streamlit listens to the window a component frame had when it was mounted;
 * a frame the page moves is reloaded with a new window, whose messages it then ignores.)
 */
export function reportLostView(): void {
  const page = pageWindow();
  page?.dispatchEvent(new (page as Window & typeof globalThis).Event(LOST_VIEW_EVENT));
}
