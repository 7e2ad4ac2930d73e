/**
 * One panel's HTML over the shared canvas: its label, the surface that takes the pointer,
 * its loading or error state, and its colour scale. The heat map itself is drawn by the
 * renderer into the canvas beneath, at exactly this box.
 */
import { useEffect, useLayoutEffect, useRef } from "react";

import { ColourScale } from "./ColourScale";
import type { LayerSource } from "./contract";
import type { Point, Size } from "./geometry";
import type { PanelBox } from "./layout";
import type { RangeStore } from "./rangeStore";
import type { Metric } from "./renderer/panelKinds";
import type { PanelStatus } from "./renderer/renderer";

/** Downloading comes before the renderer's own states. */
export type PanelPhase = { readonly kind: "downloading"; readonly fraction: number } | PanelStatus;

export interface PanelProps {
  readonly source: LayerSource;
  readonly box: PanelBox;
  readonly labelHeight: number;
  readonly phase: PanelPhase;
  /** Why nothing can be drawn at all (no WebGL 2), shown instead of the heat map. */
  readonly unavailable: string | null;
  /** The panels' current (min, max), read by the colour scale alone. */
  readonly ranges: RangeStore;
  readonly channel: number | null;
  readonly metric: Metric;
  readonly metricTitle: string;
  readonly signed: boolean;
  readonly colours: readonly (readonly number[])[];
  readonly model: string;
  /** Presenter mode: larger numbers, and the label's second line only the map's shape. */
  readonly presenter: boolean;
  /** Pointer at a panel-local point (CSS pixels), or a drag by (dx, dy). */
  readonly onPoint: (local: Point, panel: Size) => void;
  readonly onPin: (local: Point, panel: Size) => void;
  readonly onDrag: (dx: number, dy: number, panel: Size) => void;
  readonly onZoom: (factor: number, local: Point, panel: Size) => void;
}

/** The colour scale's numbers in CSS pixels (styles.css: .scale, .presenter .scale). */
const SCALE_TEXT = 11;
const PRESENTER_SCALE_TEXT = 18;

/** Pointer travel (CSS pixels) that turns a click into a drag. */
const DRAG_THRESHOLD = 4;

function statusText(phase: PanelPhase, layer: string): string | null {
  switch (phase.kind) {
    case "waiting":
      return `Waiting for ${layer}…`;
    case "downloading":
      return `Loading ${layer}… ${Math.floor(phase.fraction * 100).toString()} %`;
    case "uploading":
      return `Preparing ${layer} for display… ${Math.floor(phase.fraction * 100).toString()} %`;
    case "error":
      return phase.message;
    case "ready":
      return null;
  }
}

export function Panel(props: PanelProps): React.JSX.Element {
  const { source, box, labelHeight, phase, unavailable, ranges, channel, signed, colours } = props;
  const surface = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const panel = { width: box.width, height: box.height };
  const handlers = useRef(props);
  useLayoutEffect(() => {
    handlers.current = props;
  });

  // Wheel zoom needs a non-passive listener (React's are passive): Ctrl/⌘ + wheel or a pinch,
  // so that plain scrolling still scrolls the page.
  useEffect(() => {
    const element = surface.current;
    if (element === null) {
      return;
    }
    const onWheel = (event: WheelEvent): void => {
      if (!event.ctrlKey && !event.metaKey) {
        return;
      }
      event.preventDefault();
      const bounds = element.getBoundingClientRect();
      const local = { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
      handlers.current.onZoom(Math.exp(-event.deltaY * 0.002), local, {
        width: bounds.width,
        height: bounds.height,
      });
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      element.removeEventListener("wheel", onWheel);
    };
  }, []);

  const local = (event: React.PointerEvent): Point => {
    const bounds = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
  };
  const message = unavailable ?? statusText(phase, source.layer);
  const progress = phase.kind === "downloading" || phase.kind === "uploading" ? phase.fraction : null;
  const failed = unavailable !== null || phase.kind === "error";
  const details = `${source.width.toString()}×${source.height.toString()}×${source.channels.toString()} · ${source.precision.toString()} bit`;
  const title = `${source.layer} (${source.about}) · ${details}`;

  return (
    <>
      <div
        className="panel-label"
        style={{ left: box.x, top: box.y - labelHeight, width: box.width, height: labelHeight }}
      >
        <div className="panel-title">
          <span className="panel-name" title={source.about}>
            {source.layer}
          </span>
          {source.untrained && (
            <span className="badge" title="Random weights: what the network sees before any training">
              untrained
            </span>
          )}
          {channel !== null && <span className="badge badge-channel">channel {channel}</span>}
        </div>
        <div className="panel-details" title={`${details} · ${props.model} · ${source.weightsLabel}`}>
          <span className="panel-shape">{details}</span>
          {/* On a projector the line must fit a third of the width at 18 px: the network is the
              lesson's, and the badge says "untrained" where it matters. */}
          {!props.presenter && ` · ${props.model} · ${source.weightsLabel}`}
        </div>
      </div>
      <div
        ref={surface}
        className={`panel-surface${failed ? " panel-failed" : ""}`}
        style={{ left: box.x, top: box.y, width: box.width, height: box.height }}
        data-testid="panel"
        data-layer={source.layer}
        aria-label={title}
        onPointerMove={(event) => {
          const at = local(event);
          const start = drag.current;
          if (start !== null) {
            const dx = at.x - start.x;
            const dy = at.y - start.y;
            if (start.moved || Math.hypot(dx, dy) > DRAG_THRESHOLD) {
              props.onDrag(dx, dy, panel);
              drag.current = { ...at, moved: true };
            }
            return;
          }
          props.onPoint(at, panel);
        }}
        onPointerDown={(event) => {
          if (event.button !== 0) {
            return;
          }
          event.currentTarget.setPointerCapture(event.pointerId);
          drag.current = { ...local(event), moved: false };
        }}
        onPointerUp={(event) => {
          const start = drag.current;
          drag.current = null;
          if (start !== null && !start.moved) {
            props.onPin(local(event), panel);
          }
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
      >
        {message !== null && (
          <div className={`panel-message${failed ? " panel-error" : ""}`} role={failed ? "alert" : "status"}>
            <p>{message}</p>
            {progress !== null && (
              <div className="progress" aria-hidden="true">
                <div className="progress-bar" style={{ width: `${(progress * 100).toFixed(1)}%` }} />
              </div>
            )}
          </div>
        )}
      </div>
      <div className="panel-scale" style={{ left: box.x + box.width + 6, top: box.y }}>
        <ColourScale
          ranges={ranges}
          entryId={source.entryId}
          ready={phase.kind === "ready"}
          channel={channel}
          metric={props.metric}
          metricTitle={props.metricTitle}
          signed={signed}
          colours={colours}
          height={box.height}
          layer={source.layer}
          textSize={props.presenter ? PRESENTER_SCALE_TEXT : SCALE_TEXT}
        />
      </div>
    </>
  );
}
