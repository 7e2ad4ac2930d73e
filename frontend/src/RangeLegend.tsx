/**
 * The legend of a panel coloured over a range the technique states: the low end, the colour
 * bar, the high end, and what the colours mean (map panels, tiles panels). Pictures are their
 * own colours: no bar, only the meaning.
 */
import { cssGradient, formatValue } from "./colourScale";

export interface RangeLegendProps {
  readonly testId: string;
  readonly range: readonly number[];
  readonly colours: readonly (readonly number[])[];
  readonly meaning: string;
  /** Said instead of the bar, for tiles that are their own colours. */
  readonly picture?: string | undefined;
}

export function RangeLegend({
  testId,
  range,
  colours,
  meaning,
  picture,
}: RangeLegendProps): React.JSX.Element {
  const [low = 0, high = 1] = range;
  return (
    <div className="map-legend" data-testid={testId}>
      {picture === undefined ? (
        <>
          <span>{formatValue(low)}</span>
          <span
            className="map-legend-bar"
            aria-hidden="true"
            style={{ background: cssGradient(colours).replace("to top", "to right") }}
          />
          <span>{formatValue(high)}</span>
        </>
      ) : (
        <span>{picture}</span>
      )}
      <span className="hint">{meaning}</span>
    </div>
  );
}
