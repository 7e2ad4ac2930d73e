/**
 * The Streamlit side of the component: the arguments and theme of each render, the frame
 * height, and events back to Python.
 */
import { useEffect, useState } from "react";

import {
  ContractError,
  type MatrixArgs,
  type NavigatorArgs,
  type NavigatorValue,
  type SelectionEvent,
  type ViewArgs,
  type ViewEvent,
  parseMatrixArgs,
  parseNavigatorArgs,
  parseViewArgs,
} from "./contract";
import { featureCache } from "./data/featureCache";
import {
  type Theme,
  onRender,
  setComponentReady,
  setComponentValue,
  setFrameHeight,
} from "./streamlitMessages";

/** What a frame draws: the similarity view (`args=`), the step navigator (`steps=`) or the
 * scatter-plot matrix (`matrix=`, a JSON string like the view's). */
export type Render =
  | { readonly kind: "waiting" }
  | { readonly kind: "ready"; readonly args: ViewArgs; readonly theme: Theme | undefined }
  | { readonly kind: "navigator"; readonly args: NavigatorArgs; readonly theme: Theme | undefined }
  | { readonly kind: "matrix"; readonly args: MatrixArgs; readonly theme: Theme | undefined }
  | { readonly kind: "invalid"; readonly message: string };

/**
 * A frame's arguments: Python sends each as one JSON string (classroom/component/: the view's
 * `args`, the navigator's `steps`, the matrix's `matrix`); anything else goes to the contract
 * check as it came, which names what is wrong.
 */
function decoded(json: unknown): unknown {
  return typeof json === "string" ? JSON.parse(json) : json;
}

/** The latest render from Streamlit, with its arguments checked against the contract. */
export function useStreamlitRender(): Render {
  const [render, setRender] = useState<Render>({ kind: "waiting" });
  useEffect(() => {
    const stop = onRender((detail) => {
      try {
        const { args: view, matrix, steps } = detail.args;
        if (matrix !== undefined) {
          setRender({ kind: "matrix", args: parseMatrixArgs(decoded(matrix)), theme: detail.theme });
          return;
        }
        if (steps !== undefined) {
          setRender({ kind: "navigator", args: parseNavigatorArgs(decoded(steps)), theme: detail.theme });
          return;
        }
        const args = parseViewArgs(decoded(view));
        // The downloads start now, while the view's chunk loads and React mounts it.
        void featureCache.prefetch(args.layers);
        setRender({ kind: "ready", args, theme: detail.theme });
      } catch (error) {
        const message = error instanceof ContractError ? error.message : String(error);
        setRender({ kind: "invalid", message });
      }
    });
    setComponentReady();
    return stop;
  }, []);
  return render;
}

/** Keep the iframe as tall as `element`, whatever changes its height. */
export function useFrameHeight(element: HTMLElement | null): void {
  useEffect(() => {
    if (element === null) {
      return;
    }
    const report = (): void => {
      setFrameHeight(Math.ceil(element.getBoundingClientRect().height));
    };
    const observer = new ResizeObserver(report);
    observer.observe(element);
    report();
    return () => {
      observer.disconnect();
    };
  }, [element]);
}

/** Send a deliberate action, or the navigator's presses, to Python (this reruns the script). */
export function sendValue(value: ViewEvent | NavigatorValue | SelectionEvent): void {
  setComponentValue(value);
}
