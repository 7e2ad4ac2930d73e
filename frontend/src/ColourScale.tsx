/**
 * The colour scale beside a panel: the whole range the map could take, with the colour table
 * stretched over the part it takes now, and numbers (the original tool had none).
 */
import { useMemo } from "react";

import { type ScaleAxis, cssGradient, formatTick, formatValue } from "./colourScale";
import { type RangeStore, useRange } from "./rangeStore";
import { CHANNEL, DEFAULT_KINDS, type Metric, metricMode } from "./renderer/panelKinds";

export interface ColourScaleProps {
  /** Where the panel's current (min, max) arrives; only this scale re-renders for it. */
  readonly ranges: RangeStore;
  readonly entryId: string;
  /** Whether the panel shows its map (no numbers before). */
  readonly ready: boolean;
  /** Channel index for the single-channel view, or null for the metric's map. */
  readonly channel: number | null;
  /** How cells are compared with the reference, and its name for people. */
  readonly metric: Metric;
  readonly metricTitle: string;
  readonly signed: boolean;
  readonly colours: readonly (readonly number[])[];
  readonly height: number;
  readonly layer: string;
  /** The numbers' font size in CSS pixels (larger in presenter mode). */
  readonly textSize: number;
}

export function ColourScale({
  ranges,
  entryId,
  ready,
  channel,
  metric,
  metricTitle,
  signed,
  colours,
  height,
  layer,
  textSize,
}: ColourScaleProps): React.JSX.Element {
  // Pixels kept between an extreme's label and a tick's: one line of the numbers' text.
  const clearance = textSize + 1;
  const stored = useRange(ranges, entryId);
  const range = ready ? stored : null;
  const gradient = useMemo(() => cssGradient(colours), [colours]);
  // The axis is the panel kind's (renderer/panelKinds.ts), as are the passes behind the colours.
  const axis: ScaleAxis | null =
    range === null
      ? null
      : (channel === null ? DEFAULT_KINDS[metricMode(metric).kind] : CHANNEL).axis(range, { signed });
  const label =
    range === null
      ? `${layer} colour scale`
      : `${layer} colour scale: ${channel === null ? metricTitle : `channel ${channel.toString()}`} from ${formatValue(range.min)} to ${formatValue(range.max)}`;
  const at = (fraction: number): number => (1 - fraction) * height;
  return (
    <div className="scale" style={{ height }} role="img" aria-label={label} data-testid="colour-scale">
      <div className="scale-track">
        {axis !== null && (
          <div
            className="scale-band"
            style={{
              top: at(axis.bandTo),
              height: Math.max(1, at(axis.bandFrom) - at(axis.bandTo)),
              background: gradient,
            }}
          />
        )}
      </div>
      {axis?.ticks.map((tick) => {
        const top = at((tick - axis.low) / (axis.high - axis.low || 1));
        // Ticks give way to the exact minimum and maximum where they would overlap.
        const crowded = [axis.bandFrom, axis.bandTo].some((end) => Math.abs(at(end) - top) < clearance);
        return crowded ? null : (
          <span key={tick} className="scale-tick" style={{ top }}>
            {formatTick(tick, axis.step)}
          </span>
        );
      })}
      {axis !== null && range !== null && (
        <>
          <span className="scale-extreme" style={{ top: at(axis.bandTo) }} title="current maximum">
            {formatValue(range.max)}
          </span>
          {at(axis.bandFrom) - at(axis.bandTo) >= clearance && (
            <span className="scale-extreme" style={{ top: at(axis.bandFrom) }} title="current minimum">
              {formatValue(range.min)}
            </span>
          )}
        </>
      )}
    </div>
  );
}
