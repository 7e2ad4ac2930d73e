/**
 * The feature vector of the reference pixel in one layer, one bar per channel (up to a few
 * thousand, drawn on a 2D canvas), with the pinned pixel's vector as a line in a second,
 * colour-blind-safe colour. Hovering a bar (or moving along with the arrow keys when the
 * chart has focus) switches that panel (and no other showing the same layer) to the
 * single-channel view. Double-clicking a bar (or Enter on the chosen one) asks Python for that
 * channel's generated image ("what does it want to see?").
 *
 * Redrawn imperatively when the reference moves to another cell, so pointing never re-renders
 * React.
 */
import { useCallback, useEffect, useMemo, useRef } from "react";

import { channelKeyAction } from "./channelKeys";
import { chartMaximum } from "./chartScale";
import { type FeatureFile, cellValues } from "./data/featureFile";
import { type Point, cellInGrid } from "./geometry";
import type { InteractionState, ViewController } from "./interaction";
import { CURRENT_COLOUR, PINNED_COLOUR } from "./palette";

const IDLE_READOUT =
  "Point at a bar to show that channel alone in its panel; double-click it (or Enter) to see what it wants to see.";

export interface BarChartProps {
  readonly controller: ViewController;
  readonly file: FeatureFile | null;
  /** The panel (entry id) whose vector this is, and how to name it. */
  readonly panel: string;
  readonly label: string;
  /** The layer's name, for the channel event. */
  readonly layer: string;
  readonly stride: number;
  readonly width: number;
  readonly height: number;
  readonly textColour: string;
  /** The font size of the chart's numbers in CSS pixels (larger in presenter mode). */
  readonly textSize: number;
}

/** The cell of the file's grid holding `pixel`, or null. */
function cellAt(file: FeatureFile, pixel: Point | null, stride: number): Point | null {
  return pixel === null ? null : cellInGrid(pixel, stride, file.header);
}

function sameCell(a: Point | null, b: Point | null): boolean {
  return a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y);
}

/** What the chart shows: it is redrawn only when one of these changes. */
interface Drawn {
  readonly reference: Point | null;
  readonly pinned: Point | null;
  /** The channel shown alone in this chart's panel. */
  readonly selected: number | null;
  readonly pinnedVector: Float32Array | null;
}

export function BarChart({
  controller,
  file,
  panel,
  label,
  layer,
  stride,
  width,
  height,
  textColour,
  textSize,
}: BarChartProps): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const maximum = useMemo(() => (file === null ? 1 : chartMaximum(file) || 1), [file]);
  const channels = file?.header.channels ?? 0;
  const signed = file?.header.signed ?? false;

  const show = (text: string): void => {
    if (readout.current !== null) {
      readout.current.textContent = text;
    }
  };
  const draw = useCallback(
    (current: Float32Array | null, pinned: Float32Array | null, selected: number | null) => {
      const context = canvas.current?.getContext("2d");
      if (!context) {
        return;
      }
      const ratio = window.devicePixelRatio || 1;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      const base = signed ? height / 2 : height - 1;
      const scale = (signed ? height / 2 - 2 : height - 4) / maximum;
      const barWidth = width / channels;
      context.fillStyle = textColour;
      context.globalAlpha = 0.35;
      context.fillRect(0, base, width, 1);
      context.globalAlpha = 1;
      // Bars taller than the chart are cut at its edge and marked with a cap.
      const clip = (value: number): number => Math.min(Math.max(value, -maximum), maximum);
      if (current !== null) {
        const w = Math.max(barWidth - 0.25, 0.5);
        context.fillStyle = CURRENT_COLOUR;
        current.forEach((value, channel) => {
          const top = base - clip(value) * scale;
          context.fillRect(channel * barWidth, Math.min(top, base), w, Math.abs(base - top));
        });
        context.fillStyle = textColour;
        current.forEach((value, channel) => {
          if (Math.abs(value) > maximum) {
            context.fillRect(channel * barWidth, value > 0 ? 0 : height - 2, w, 2);
          }
        });
      }
      if (pinned !== null) {
        context.strokeStyle = PINNED_COLOUR;
        context.lineWidth = 1.5;
        context.beginPath();
        pinned.forEach((value, channel) => {
          const y = base - clip(value) * scale;
          if (channel === 0) {
            context.moveTo(0, y);
          } else {
            context.lineTo(channel * barWidth, y);
          }
          context.lineTo((channel + 1) * barWidth, y);
        });
        context.stroke();
      }
      context.fillStyle = textColour;
      context.font = `${textSize.toString()}px sans-serif`;
      context.textBaseline = "top";
      context.fillText(maximum.toPrecision(3), 4, 2);
      context.textAlign = "right";
      context.fillText(`${channels.toString()} channels`, width - 4, 2);
      context.textAlign = "left";
      if (selected !== null) {
        context.fillStyle = textColour;
        context.globalAlpha = 0.25;
        context.fillRect(selected * barWidth, 0, Math.max(barWidth, 2), height);
        context.globalAlpha = 1;
        const parts = [`channel ${selected.toString()}`];
        if (current !== null) {
          parts.push(`here ${(current[selected] ?? 0).toPrecision(3)}`);
        }
        if (pinned !== null) {
          parts.push(`pinned ${(pinned[selected] ?? 0).toPrecision(3)}`);
        }
        show(parts.join(" · "));
      } else {
        show(IDLE_READOUT);
      }
    },
    [width, height, maximum, channels, signed, textColour, textSize],
  );

  // Redrawn when the reference or pinned cell or the selected channel changes, not on every
  // pixel the pointer crosses; the pinned vector is kept until the pinned cell changes.
  useEffect(() => {
    if (file === null) {
      return;
    }
    let drawn: Drawn | null = null;
    const update = (state: InteractionState): void => {
      const reference = cellAt(file, state.reference, stride);
      const pinned = cellAt(file, state.pinned, stride);
      const selected = state.channel?.panel === panel ? state.channel.index : null;
      if (
        drawn !== null &&
        sameCell(reference, drawn.reference) &&
        sameCell(pinned, drawn.pinned) &&
        selected === drawn.selected
      ) {
        return;
      }
      const pinnedVector =
        drawn !== null && sameCell(pinned, drawn.pinned)
          ? drawn.pinnedVector
          : pinned === null
            ? null
            : cellValues(file, pinned.x, pinned.y);
      drawn = { reference, pinned, selected, pinnedVector };
      draw(reference === null ? null : cellValues(file, reference.x, reference.y), pinnedVector, selected);
    };
    update(controller.state);
    return controller.subscribe(update);
  }, [controller, draw, file, panel, stride]);

  const channelAt = (clientX: number): number | null => {
    const box = canvas.current?.getBoundingClientRect();
    if (box === undefined || channels === 0) {
      return null;
    }
    return Math.min(channels - 1, Math.max(0, Math.floor(((clientX - box.left) / box.width) * channels)));
  };
  const select = (index: number | null): void => {
    controller.setChannel(index === null ? null : { panel, index });
  };
  const onKeyDown = (event: React.KeyboardEvent): void => {
    const now = controller.state.channel?.panel === panel ? controller.state.channel.index : -1;
    const action = channelKeyAction(event.key, event.shiftKey, now, channels);
    if (action === null) {
      return;
    }
    if (action.kind === "ask") {
      controller.askChannel(layer, action.position);
    } else {
      select(action.kind === "select" ? action.position : null);
    }
    event.preventDefault();
    event.stopPropagation();
  };

  const selected = controller.state.channel?.panel === panel ? controller.state.channel.index : null;
  return (
    <div className="chart">
      <canvas
        ref={canvas}
        className="chart-canvas"
        width={Math.round(width * (window.devicePixelRatio || 1))}
        height={Math.round(height * (window.devicePixelRatio || 1))}
        style={{ width, height }}
        tabIndex={0}
        role="slider"
        aria-label={`Feature vector of the reference pixel in ${label}: choose a channel to show it alone`}
        aria-valuemin={0}
        aria-valuemax={Math.max(0, channels - 1)}
        aria-valuenow={selected ?? undefined}
        aria-valuetext={selected === null ? "similarity view" : `channel ${selected.toString()}`}
        data-testid="bar-chart"
        onPointerMove={(event) => {
          select(channelAt(event.clientX));
        }}
        onPointerLeave={() => {
          select(null);
        }}
        onDoubleClick={(event) => {
          const index = channelAt(event.clientX);
          if (index !== null) {
            controller.askChannel(layer, index);
          }
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (controller.state.channel?.panel === panel) {
            select(null);
          }
        }}
      />
      <div ref={readout} className="chart-readout" aria-live="polite">
        {IDLE_READOUT}
      </div>
    </div>
  );
}
