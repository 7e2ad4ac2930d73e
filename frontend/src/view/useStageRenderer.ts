/**
 * The view's one renderer: made when the canvas mounts and kept for the life of the component
 * (it survives reruns and steps), so feature files reach the GPU once. A browser without
 * WebGL 2 gets a message instead; a lost context is reported while the renderer remakes it.
 */
import { useCallback, useState } from "react";

import type { PanelPhase } from "../Panel";
import type { RangeStore } from "../rangeStore";
import { RendererError } from "../renderer/errors";
import { type PanelStatus, Renderer } from "../renderer/renderer";
import { mark } from "../timeline";

export interface StageRenderer {
  /** Null until the canvas mounts, and when WebGL 2 is unavailable. */
  readonly renderer: Renderer | null;
  /** Why nothing can be drawn at all (no WebGL 2), or null. */
  readonly unavailable: string | null;
  /** True while the graphics context is lost and being restored. */
  readonly contextLost: boolean;
  /** The canvas's ref callback: creates the renderer, and disposes of it on unmount. */
  readonly attachCanvas: (element: HTMLCanvasElement | null) => (() => void) | undefined;
}

export function useStageRenderer(
  ranges: RangeStore,
  setPhase: (id: string, phase: PanelPhase) => void,
): StageRenderer {
  const [renderer, setRenderer] = useState<Renderer | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [contextLost, setContextLost] = useState(false);
  const attachCanvas = useCallback(
    (element: HTMLCanvasElement | null) => {
      if (element === null) {
        return;
      }
      let created: Renderer;
      try {
        created = new Renderer(element, {
          onStatus: (id, status: PanelStatus) => {
            if (status.kind !== "ready") {
              ranges.clear(id); // numbers of an earlier visit are not those of the map to come
            }
            setPhase(id, status);
          },
          onRange: (id, range) => {
            ranges.set(id, range);
          },
          onContextLost: setContextLost,
        });
      } catch (error) {
        setUnavailable(
          error instanceof RendererError ? error.message : `The view cannot start: ${String(error)}`,
        );
        return;
      }
      mark("renderer");
      setRenderer(created);
      return () => {
        created.dispose();
        setRenderer(null);
      };
    },
    [setPhase, ranges],
  );
  return { renderer, unavailable, contextLost, attachCanvas };
}
