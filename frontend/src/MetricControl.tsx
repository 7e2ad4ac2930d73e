/**
 * The metric of the similarity view: how every cell is compared with the reference cell, and
 * what the colour scale then means (the legend; the text comes from Python's numpy reference).
 */
import type { MetricLegend } from "./contract";
import type { Metric } from "./renderer/panelKinds";

export interface MetricControlProps {
  readonly metrics: readonly MetricLegend[];
  readonly metric: Metric;
  readonly onMetric: (metric: Metric) => void;
}

export function MetricControl({ metrics, metric, onMetric }: MetricControlProps): React.JSX.Element {
  const chosen = metrics.find((candidate) => candidate.name === metric);
  return (
    <div className="control-row metric-row">
      <label className="control">
        <span>Compare by</span>
        <select
          value={metric}
          data-testid="metric"
          onChange={(event) => {
            const next = metrics.find((candidate) => candidate.name === event.currentTarget.value);
            if (next !== undefined) {
              onMetric(next.name);
            }
          }}
        >
          {metrics.map((candidate) => (
            <option key={candidate.name} value={candidate.name}>
              {candidate.title}
            </option>
          ))}
        </select>
      </label>
      {chosen !== undefined && (
        <span className="hint metric-meaning" data-testid="metric-meaning">
          Colour scale: {chosen.meaning}
        </span>
      )}
    </div>
  );
}
