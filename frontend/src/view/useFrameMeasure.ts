/**
 * The width Streamlit gives the view, and the height of the controls (they wrap when narrow;
 * their width is the frame's, not the panels', so fitting the panels does not feed back into
 * it). Both are measured before paint and again whenever either element resizes.
 */
import { type RefObject, useLayoutEffect, useState } from "react";

export interface FrameMeasure {
  readonly width: number;
  readonly controlsHeight: number;
}

export function useFrameMeasure(
  root: RefObject<HTMLElement | null>,
  controlsBox: RefObject<HTMLElement | null>,
): FrameMeasure {
  const [width, setWidth] = useState(0);
  const [controlsHeight, setControlsHeight] = useState(0);
  useLayoutEffect(() => {
    const element = root.current;
    const controls = controlsBox.current;
    if (element === null || controls === null) {
      return;
    }
    const measure = (): void => {
      setWidth(Math.floor(element.getBoundingClientRect().width));
      setControlsHeight(Math.ceil(controls.getBoundingClientRect().height));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    observer.observe(controls);
    measure();
    return () => {
      observer.disconnect();
    };
  }, [root, controlsBox]);
  return { width, controlsHeight };
}
