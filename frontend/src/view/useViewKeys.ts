/**
 * The view's keyboard: arrows move the reference, L locks, Escape releases, PageUp/PageDown
 * step, + / - / 0 zoom. Keys are heard by the frame's whole document, not only by the
 * focused view: a button that disables itself when pressed (Fit, Release) drops the focus to
 * the body, and the keyboard must not go dead then. The bar chart keeps its own keys (it
 * stops them on the way up).
 */
import { useEffect, useLayoutEffect, useRef } from "react";

import type { Size } from "../geometry";
import type { ViewController } from "../interaction";
import { handOverStep } from "../navigator/stepPresses";

const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** Listens on the window for as long as the view is mounted; `panelSize` sets zoom steps. */
export function useViewKeys(controller: ViewController, panelSize: Size): void {
  const onKeyDown = (event: KeyboardEvent): void => {
    // Form controls keep their own keys (arrows move the opacity slider, not the reference).
    const target = event.target as HTMLElement;
    if (event.key !== "Escape" && ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) {
      return;
    }
    const arrow = ARROWS[event.key];
    if (arrow !== undefined) {
      controller.moveByCells(arrow[0], arrow[1]);
    } else if (event.key === "l" || event.key === "L") {
      controller.toggleLock();
    } else if (event.key === "Escape") {
      if (!controller.release()) {
        return;
      }
    } else if (event.key === "PageUp" || event.key === "PageDown") {
      const step = event.key === "PageUp" ? -1 : 1;
      // The page's navigator counts every press; without one (another host page), an event.
      if (!event.repeat && !handOverStep(step)) {
        controller.step(step);
      }
    } else if (event.key === "+" || event.key === "=") {
      controller.zoomStep(1, panelSize);
    } else if (event.key === "-") {
      controller.zoomStep(-1, panelSize);
    } else if (event.key === "0") {
      controller.resetView();
    } else {
      return;
    }
    event.preventDefault();
  };
  const onKeyUp = (event: KeyboardEvent): void => {
    if (event.key.startsWith("Arrow")) {
      controller.commitPin();
    }
  };
  // The listeners are added once; they call the latest handlers (those of the last render).
  const keys = useRef({ onKeyDown, onKeyUp });
  useLayoutEffect(() => {
    keys.current = { onKeyDown, onKeyUp };
  });
  useEffect(() => {
    const down = (event: KeyboardEvent): void => {
      keys.current.onKeyDown(event);
    };
    const up = (event: KeyboardEvent): void => {
      keys.current.onKeyUp(event);
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);
}
