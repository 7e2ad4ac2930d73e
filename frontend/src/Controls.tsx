/**
 * The controls under the panels: heat-map opacity, greyscale or colour image, lock and
 * release, zoom, and which layer the bar chart shows. Every control works from the keyboard.
 */
import { useEffect, useRef } from "react";

import type { Pixel } from "./contract";
import type { Size } from "./geometry";
import type { InteractionState, ViewController } from "./interaction";

/** A panel the bar chart can show: its entry id and its name in the menu. */
export interface ChartChoice {
  readonly id: string;
  readonly name: string;
}

export interface ControlsProps {
  readonly controller: ViewController;
  readonly state: InteractionState;
  readonly charts: readonly ChartChoice[];
  /** The entry id of the panel the bar chart shows. */
  readonly chart: string;
  readonly onChart: (id: string) => void;
  readonly caption: string;
  readonly panel: Size;
  /**
   * Give the keyboard back to the view: a button that disables itself (Fit, Release) would
   * otherwise leave the focus nowhere.
   */
  readonly refocus: () => void;
  /** Whether the bar chart is shown (it can be hidden, e.g. on a projector). */
  readonly chartShown: boolean;
  readonly onChartShown: (shown: boolean) => void;
}

function describe(pixel: Pixel | null): string {
  return pixel === null ? "–" : `(${pixel.x.toString()}, ${pixel.y.toString()})`;
}

export function Controls({
  controller,
  state,
  charts,
  chart,
  onChart,
  caption,
  panel,
  refocus,
  chartShown,
  onChartShown,
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
            refocus();
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
              refocus();
            }}
          >
            Fit
          </button>
        </span>
        <button
          type="button"
          aria-pressed={chartShown}
          data-testid="chart-toggle"
          onClick={() => {
            onChartShown(!chartShown);
          }}
        >
          Bar chart
        </button>
        <label className="control" hidden={!chartShown}>
          <span className="visually-hidden">Bar chart of</span>
          <select
            value={chart}
            onChange={(event) => {
              onChart(event.currentTarget.value);
            }}
          >
            {charts.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.name}
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
