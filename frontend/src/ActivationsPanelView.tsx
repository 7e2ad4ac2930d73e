/**
 * An activations panel: a layer's channels as small images, strongest first, in pages (a
 * 2048-channel layer is 32 pages of 64), with the count of dead channels. Pointing at a
 * channel shows it alone over the image in the layer's own panel and in the bar chart (the
 * single-channel view they share through the ViewController).
 */
import { useEffect, useMemo, useRef, useState } from "react";

import { type ChannelSummary, channelImage, summariseChannels } from "./activations";
import type { ActivationsPanel } from "./contract";
import type { FeatureFile } from "./data/featureFile";
import type { ChannelView, ViewController } from "./interaction";
import { registerTechnique } from "./techniqueHook";

export interface ActivationsPanelViewProps {
  readonly panel: ActivationsPanel;
  readonly index: number;
  readonly file: FeatureFile | null;
  readonly controller: ViewController;
  readonly channel: ChannelView | null;
}

const TILE = 64;

function Tile(props: {
  readonly file: FeatureFile;
  readonly channel: number;
  readonly summary: ChannelSummary;
  readonly selected: boolean;
  readonly onPoint: (channel: number | null) => void;
}): React.JSX.Element {
  const { file, channel, summary } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (context == null) {
      return;
    }
    const { width, height } = file.header;
    context.putImageData(new ImageData(channelImage(file, channel, summary.peak), width, height), 0, 0);
  }, [file, channel, summary]);
  const scale = TILE / Math.max(file.header.width, file.header.height);
  return (
    <button
      type="button"
      className={`activation-tile${props.selected ? " selected" : ""}`}
      data-testid="activation-tile"
      data-channel={channel}
      title={`channel ${channel.toString()} · mean ${(summary.strength[channel] ?? 0).toPrecision(3)}`}
      onPointerEnter={() => {
        props.onPoint(channel);
      }}
      onFocus={() => {
        props.onPoint(channel);
      }}
    >
      <canvas
        ref={canvas}
        width={file.header.width}
        height={file.header.height}
        style={{ width: file.header.width * scale, height: file.header.height * scale }}
      />
      <span>{channel}</span>
    </button>
  );
}

export function ActivationsPanelView(props: ActivationsPanelViewProps): React.JSX.Element {
  const { panel, index, file, controller } = props;
  const summary = useMemo(() => (file === null ? null : summariseChannels(file)), [file]);
  const [page, setPage] = useState(0);
  const pages = summary === null ? 1 : Math.max(1, Math.ceil(summary.order.length / panel.pageSize));
  const shown = Math.min(page, pages - 1);

  useEffect(() => {
    if (summary === null) {
      return;
    }
    return registerTechnique(index, {
      kind: "activations",
      activations: () => ({ order: [...summary.order], dead: summary.dead, page: shown, pages }),
    });
  }, [summary, index, shown, pages]);

  const point = (channel: number | null): void => {
    controller.setChannel(channel === null ? null : { layer: panel.layer, index: channel });
  };
  if (file === null || summary === null) {
    return <p className="technique-panel">Loading {panel.layer}…</p>;
  }
  const channels = summary.order.slice(shown * panel.pageSize, (shown + 1) * panel.pageSize);
  return (
    <section
      className="technique-panel"
      data-testid="activations-panel"
      aria-label={`${panel.layer} activation maps`}
    >
      <div className="panel-title">
        <span className="panel-name">{panel.layer} activations</span>
        <span className="hint" data-testid="activations-summary">
          {summary.order.length} channels, strongest first · {summary.dead} dead (zero everywhere)
        </span>
        {pages > 1 && (
          <span className="control" role="group" aria-label="Pages of channels">
            <button
              type="button"
              aria-label="Previous page"
              disabled={shown === 0}
              onClick={() => {
                setPage(shown - 1);
              }}
            >
              ‹
            </button>
            <span data-testid="activations-page">
              page {shown + 1} of {pages}
            </span>
            <button
              type="button"
              aria-label="Next page"
              disabled={shown === pages - 1}
              onClick={() => {
                setPage(shown + 1);
              }}
            >
              ›
            </button>
          </span>
        )}
      </div>
      <div
        className="activation-grid"
        onPointerLeave={() => {
          point(null);
        }}
      >
        {channels.map((channel) => (
          <Tile
            key={channel}
            file={file}
            channel={channel}
            summary={summary}
            selected={props.channel?.layer === panel.layer && props.channel.index === channel}
            onPoint={point}
          />
        ))}
      </div>
    </section>
  );
}
