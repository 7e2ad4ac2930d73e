/**
 * An activations panel: a layer's channels as small images, strongest first, in pages (a
 * 2048-channel layer is 32 pages of 64), with the count of dead channels. Each page is one
 * draw of TilesRenderer. Pointing at a channel shows it alone over the image in the layer's
 * own panel and in the bar chart (the single-channel view they share through the
 * ViewController), and that channel's tile is framed however it was chosen. Double-clicking a
 * tile (or, with the grid focused, choosing one with the arrow keys and pressing Enter) asks
 * Python for that channel's generated image: "what does it want to see?". A single click is left
 * free, so pointing and clicking about never starts a generation by accident.
 */
import { useEffect, useMemo, useState } from "react";

import { pageValues, summariseChannels } from "./activations";
import { useCanvasRenderer } from "./canvasRenderer";
import { channelKeyAction } from "./channelKeys";
import type { ActivationsPanel } from "./contract";
import type { FeatureFile } from "./data/featureFile";
import type { ChannelView, ViewController } from "./interaction";
import { PanelError } from "./PanelError";
import { cellCentre, tileAt, tileLayout } from "./renderer/tileLayout";
import { TilesRenderer } from "./renderer/tilesRenderer";
import { registerTechnique } from "./techniqueHook";

export interface ActivationsPanelViewProps {
  readonly panel: ActivationsPanel;
  /** The layer's entry id: the stage's panel that shows a channel alone. */
  readonly panelId: string;
  readonly index: number;
  readonly file: FeatureFile | null;
  readonly controller: ViewController;
  readonly channel: ChannelView | null;
  readonly width: number;
}

const makeRenderer = (canvas: HTMLCanvasElement): TilesRenderer => new TilesRenderer(canvas);

export function ActivationsPanelView(props: ActivationsPanelViewProps): React.JSX.Element {
  const { panel, index, file, controller, width } = props;
  const summary = useMemo(() => (file === null ? null : summariseChannels(file)), [file]);
  const [page, setPage] = useState(0);
  const { renderer, problem, attachCanvas } = useCanvasRenderer(makeRenderer);
  const pages = summary === null ? 1 : Math.max(1, Math.ceil(summary.order.length / panel.pageSize));
  const shown = Math.min(page, pages - 1);
  const channels = useMemo(
    () => summary?.order.slice(shown * panel.pageSize, (shown + 1) * panel.pageSize) ?? [],
    [summary, shown, panel.pageSize],
  );
  const layout = useMemo(() => tileLayout(channels.length, width), [channels.length, width]);
  const grid = useMemo(() => ({ width: file?.header.width ?? 1, height: file?.header.height ?? 1 }), [file]);

  useEffect(() => {
    if (renderer !== null && file !== null && summary !== null) {
      renderer.setColours({ colouring: "magnitude", range: [0, summary.peak] });
      renderer.setTiles({ values: pageValues(file, channels), count: channels.length, grid, channels: 1 });
    }
  }, [renderer, file, summary, channels, grid]);

  useEffect(() => {
    renderer?.setLayout({ grid: layout, enlarged: null, size: layout.size }, window.devicePixelRatio || 1);
  }, [renderer, layout]);

  const selected = props.channel?.panel === props.panelId ? channels.indexOf(props.channel.index) : -1;
  useEffect(() => {
    renderer?.setSelected(selected);
  }, [renderer, selected]);

  useEffect(() => {
    if (summary === null || renderer === null) {
      return;
    }
    return registerTechnique(index, {
      kind: "activations",
      activations: () => {
        // The grey painted at every cell centre of the page's first tile (the strongest).
        const drawn = renderer.pixels();
        const ratio = drawn.width / Math.max(1, layout.size.width);
        const firstTile: number[] = [];
        for (let y = 0; y < grid.height; y++) {
          for (let x = 0; x < grid.width; x++) {
            const centre = cellCentre(0, { x, y }, layout, grid);
            const at = (Math.floor(centre.y * ratio) * drawn.width + Math.floor(centre.x * ratio)) * 4;
            firstTile.push(drawn.pixels[at] ?? -1);
          }
        }
        return { order: [...summary.order], dead: summary.dead, page: shown, pages, firstTile };
      },
    });
  }, [summary, renderer, index, shown, pages, layout, grid]);

  const point = (channel: number | null): void => {
    controller.setChannel(channel === null ? null : { panel: props.panelId, index: channel });
  };
  const tileUnder = (event: React.PointerEvent | React.MouseEvent): number | null => {
    const bounds = event.currentTarget.getBoundingClientRect();
    const tile = tileAt(
      { x: event.clientX - bounds.left, y: event.clientY - bounds.top },
      layout,
      channels.length,
      grid,
    );
    return tile === null ? null : (channels[tile] ?? null);
  };
  const onKeyDown = (event: React.KeyboardEvent): void => {
    const action = channelKeyAction(event.key, event.shiftKey, selected, channels.length);
    if (action === null) {
      return;
    }
    if (action.kind === "ask") {
      controller.askChannel(panel.layer, channels[action.position] ?? 0);
    } else {
      point(action.kind === "select" ? (channels[action.position] ?? null) : null);
    }
    event.preventDefault();
    event.stopPropagation();
  };
  if (file === null || summary === null) {
    return <p className="technique-panel">Loading {panel.layer}…</p>;
  }
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
      <PanelError problem={problem} />
      <canvas
        ref={attachCanvas}
        className="activation-grid"
        data-testid="activation-tiles"
        data-channels={channels.join(" ")}
        style={{ width: layout.size.width, height: layout.size.height }}
        aria-label={`channels ${channels.slice(0, 8).join(", ")}… of ${panel.layer}, strongest first`}
        tabIndex={0}
        title="Double-click a channel (or choose it with the arrow keys and press Enter) to see what it wants to see"
        onPointerMove={(event) => {
          point(tileUnder(event));
        }}
        onDoubleClick={(event) => {
          const channel = tileUnder(event);
          if (channel !== null) {
            controller.askChannel(panel.layer, channel);
          }
        }}
        onKeyDown={onKeyDown}
        onPointerLeave={() => {
          point(null);
        }}
      />
    </section>
  );
}
