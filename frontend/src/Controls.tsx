/**
 * The controls under the panels: heat-map opacity, greyscale or colour image, lock and
 * release, zoom, and which layer the bar chart shows. Every control works from the keyboard.
 */
import { useEffect, useRef } from "react";

import type { Pixel } from "./contract";
import type { Size } from "./geometry";
import type { InteractionState, ViewController } from "./interaction";

export interface ControlsProps {
  readonly controller: ViewController;
  readonly state: InteractionState;
  readonly layers: readonly string[];
  readonly chartLayer: string;
  readonly onChartLayer: (layer: string) => void;
  readonly caption: string;
  readonly panel: Size;
}

function describe(pixel: Pixel | null): string {
  return pixel === null ? "–" : `(${pixel.x.toString()}, ${pixel.y.toString()})`;
}

export function Controls({
  controller,
  state,
  layers,
  chartLayer,
  onChartLayer,
  caption,
  panel,
}: ControlsProps): React.JSX.Element {
  const readout = useRef<HTMLSpanElement>(null);

  // The reference moves with the pointer: update its text without a React render.
  useEffect(() => {
    const show = (reference: Pixel | null): void => {
      if (readout.current !== null) {
        readout.current.textContent = describe(reference);
      }
    };
    show(controller.state.reference);
    return controller.subscribe((now) => {
      show(now.reference);
    });
  }, [controller]);

  return (
    <div className="controls">
      <div className="readout">
        {caption && <span className="caption">{caption}</span>}
        <span>
          pixel <span ref={readout} data-testid="reference-readout" />
        </span>
        {state.pinned !== null && (
          <span className="pinned-readout">
            <span className="swatch" aria-hidden="true" /> pinned {describe(state.pinned)}
            {state.locked && " · locked"}
          </span>
        )}
      </div>
      <div className="control-row">
        <label className="control">
          <span>Heat-map opacity</span>
          <input
            type="range"
            min={-1}
            max={1}
            step={0.05}
            value={state.opacityShift}
            aria-valuetext={
              state.opacityShift === 0
                ? "follows similarity"
                : `${state.opacityShift > 0 ? "+" : ""}${state.opacityShift.toFixed(2)}`
            }
            data-testid="opacity"
            onChange={(event) => {
              controller.setOpacityShift(Number(event.currentTarget.value));
            }}
          />
        </label>
        <button
          type="button"
          aria-pressed={state.colourImage}
          onClick={() => {
            controller.setColourImage(!state.colourImage);
          }}
        >
          {state.colourImage ? "Colour image" : "Greyscale image"}
        </button>
        <button
          type="button"
          aria-pressed={state.locked}
          aria-keyshortcuts="L"
          data-testid="lock"
          onClick={() => {
            controller.toggleLock();
          }}
        >
          {state.locked ? "Unlock (L)" : "Lock (L)"}
        </button>
        <button
          type="button"
          disabled={state.pinned === null && !state.locked}
          aria-keyshortcuts="Escape"
          onClick={() => {
            controller.release();
          }}
        >
          Release (Esc)
        </button>
        <span className="control zoom" role="group" aria-label="Zoom, shared by all panels">
          <button
            type="button"
            aria-label="Zoom out"
            onClick={() => {
              controller.zoomStep(-1, panel);
            }}
          >
            −
          </button>
          <span className="zoom-level">{Math.round(state.view.zoom * 100)} %</span>
          <button
            type="button"
            aria-label="Zoom in"
            onClick={() => {
              controller.zoomStep(1, panel);
            }}
          >
            +
          </button>
          <button
            type="button"
            disabled={state.view.zoom === 1}
            onClick={() => {
              controller.resetView();
            }}
          >
            Fit
          </button>
        </span>
        <label className="control">
          <span>Bar chart</span>
          <select
            value={chartLayer}
            onChange={(event) => {
              onChartLayer(event.currentTarget.value);
            }}
          >
            {layers.map((layer) => (
              <option key={layer} value={layer}>
                {layer}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint">
        Point to compare · click to pin · <kbd>L</kbd> lock · <kbd>Esc</kbd> release · arrows move one cell ·{" "}
        <kbd>PgUp</kbd>/<kbd>PgDn</kbd> step · <kbd>Ctrl</kbd>+scroll or <kbd>+</kbd>/<kbd>−</kbd> zoom, drag
        to pan
      </p>
    </div>
  );
}
