/**
 * What reaches the renderer without a React render of the panels: the controller's state
 * (pointer, pin, lock, zoom, channel) on every change, and the look of the stage (colour
 * table, marker size, background, layout) when those arguments change.
 */
import { useEffect } from "react";

import type { LayerSource } from "../contract";
import type { InteractionState, ViewController } from "../interaction";
import type { StageLayout } from "../layout";
import { hexToRgb } from "../palette";
import { type Metric, metricMode } from "../renderer/panelKinds";
import type { Renderer } from "../renderer/renderer";

/** Pointer, pin, lock, zoom... reach the renderer straight from the controller. */
export function useControllerOnRenderer(
  renderer: Renderer | null,
  controller: ViewController,
  layers: readonly LayerSource[],
  metric: Metric,
): void {
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    const apply = (state: InteractionState, previous: InteractionState | null): void => {
      if (state.reference !== previous?.reference) {
        renderer.setReference(state.reference);
      }
      renderer.setPinned(state.pinned);
      renderer.setView(state.view);
      renderer.setOpacityShift(state.opacityShift);
      renderer.setColourImage(state.colourImage);
      for (const layer of layers) {
        const channel = state.channel?.panel === layer.entryId ? state.channel.index : null;
        renderer.setMode(layer.entryId, channel === null ? metricMode(metric) : { kind: "channel", channel });
      }
    };
    apply(controller.state, null);
    return controller.subscribe(apply);
  }, [renderer, controller, layers, metric]);
}

export interface StageLook {
  readonly colours: readonly (readonly number[])[];
  /** Presenter mode draws larger markers. */
  readonly presenter: boolean;
  /** The theme's secondary background colour (hex), behind the panels. */
  readonly background: string | undefined;
  readonly layout: StageLayout;
}

/** Each setting goes to the renderer on its own, so changing one redraws nothing else. */
export function useStageLook(renderer: Renderer | null, look: StageLook): void {
  const { colours, presenter, background, layout } = look;
  useEffect(() => {
    renderer?.setColourTable(colours);
  }, [renderer, colours]);

  useEffect(() => {
    renderer?.setMarkerScale(presenter ? 1.6 : 1);
  }, [renderer, presenter]);

  useEffect(() => {
    renderer?.setBackground(hexToRgb(background) ?? [0.94, 0.95, 0.96]);
  }, [renderer, background]);

  useEffect(() => {
    renderer?.setLayout(
      { width: layout.width, height: layout.height },
      window.devicePixelRatio || 1,
      layout.panels,
    );
  }, [renderer, layout]);
}
