/**
 * A panel's renderer, made when its canvas mounts and disposed when it unmounts (a WebGL
 * context per canvas), with the message of a renderer that cannot be made (no WebGL 2) for the
 * panel to show instead of a blank canvas.
 */
import { useCallback, useState } from "react";

import { RendererError } from "./renderer/errors";

export interface CanvasRenderer<R> {
  readonly renderer: R | null;
  readonly problem: string | null;
  /** The canvas's `ref`. */
  readonly attachCanvas: (element: HTMLCanvasElement | null) => (() => void) | undefined;
  /** Shows a later problem (a file that cannot be loaded) the same way. */
  readonly setProblem: (problem: string | null) => void;
}

/** @param make builds the renderer on the canvas; must not change between renders */
export function useCanvasRenderer<R extends { dispose(): void }>(
  make: (canvas: HTMLCanvasElement) => R,
): CanvasRenderer<R> {
  const [renderer, setRenderer] = useState<R | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const attachCanvas = useCallback(
    (element: HTMLCanvasElement | null) => {
      if (element === null) {
        return;
      }
      let made: R;
      try {
        made = make(element);
      } catch (error) {
        setProblem(error instanceof RendererError ? error.message : String(error));
        return;
      }
      setRenderer(made);
      return () => {
        made.dispose();
        setRenderer(null);
      };
    },
    [make],
  );
  return { renderer, problem, attachCanvas, setProblem };
}
