/**
 * A cross-image panel: the reference pixel of the stage's image, in one of its layers, lights
 * up other images of the step. The reference vector is the stage layer's cell under the
 * reference pixel (read from the file the stage already fetched); the other images' maps are
 * fetched once per session like the stage's, and AcrossRenderer compares them all with it on
 * one canvas, stretched over one shared range so colours compare across images.
 */
import { useCallback, useEffect, useMemo, useState } from "react";

import { cssGradient } from "./colourScale";
import type { AcrossPanel, LayerSource } from "./contract";
import { featureCache } from "./data/featureCache";
import type { FeatureFile } from "./data/featureFile";
import { loadImage } from "./data/image";
import { cellInGrid } from "./geometry";
import type { InteractionState, ViewController } from "./interaction";
import { PanelError } from "./PanelError";
import { AcrossRenderer } from "./renderer/acrossRenderer";
import { RendererError } from "./renderer/errors";
import { referenceVector } from "./renderer/layer";
import { type Metric, metricMode } from "./renderer/panelKinds";
import type { PanelStatus } from "./renderer/panels";
import { registerTechnique } from "./techniqueHook";
import { tileLayout } from "./tileRows";

export interface AcrossPanelViewProps {
  readonly panel: AcrossPanel;
  /** The panel's index in the contract's `panels` (the test hook's key). */
  readonly index: number;
  /** The stage's layer the reference vector comes from, and its file once fetched. */
  readonly source: LayerSource | undefined;
  readonly file: FeatureFile | null;
  readonly controller: ViewController;
  readonly state: InteractionState;
  readonly metric: Metric;
  readonly metricTitle: string;
  readonly colours: readonly (readonly number[])[];
  readonly width: number;
}

export function AcrossPanelView(props: AcrossPanelViewProps): React.JSX.Element {
  const { panel, index, source, file, controller, state, metric, colours, width } = props;
  const [renderer, setRenderer] = useState<AcrossRenderer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [statuses, setStatuses] = useState<Record<string, PanelStatus>>({});
  const ids = useMemo(
    () => panel.images.map((other, position) => `${position.toString()}:${other.source.entryId}`),
    [panel.images],
  );
  const layout = useMemo(
    () =>
      tileLayout(
        panel.images.map((other) => other.image),
        Math.max(1, width),
      ),
    [panel.images, width],
  );

  const attachCanvas = useCallback(
    (element: HTMLCanvasElement | null) => {
      if (element === null) {
        return;
      }
      let made: AcrossRenderer;
      try {
        made = new AcrossRenderer(element, (id, status) => {
          setStatuses((all) => ({ ...all, [id]: status }));
        });
      } catch (error) {
        setProblem(error instanceof RendererError ? error.message : String(error));
        return;
      }
      setRenderer(made);
      const unregister = registerTechnique(index, {
        kind: "across",
        across: () => ({
          ready: made.ready(),
          mode: made.modeName,
          images: made
            .values()
            .map((read) =>
              read === null
                ? null
                : { width: read.width, height: read.height, values: Array.from(read.values) },
            ),
          range: made.range(),
        }),
      });
      return () => {
        unregister();
        made.dispose();
        setRenderer(null);
      };
    },
    [index],
  );

  // The other images and their maps: fetched once per session, uploaded once per renderer.
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    renderer.setImages(
      panel.images.map((other, position) => ({
        id: ids[position] ?? "",
        size: { width: other.image.width, height: other.image.height },
        stride: other.source.stride,
      })),
    );
    let current = true;
    panel.images.forEach((other, position) => {
      const id = ids[position] ?? "";
      featureCache.load(other.source).then(
        (loaded) => {
          if (current) {
            void renderer.setFile(id, loaded);
          }
        },
        (error: unknown) => {
          if (current) {
            setProblem(error instanceof Error ? error.message : String(error));
          }
        },
      );
      loadImage(other.image.url).then(
        (bitmap) => {
          if (current) {
            renderer.setImage(id, bitmap, { width: other.image.width, height: other.image.height });
          }
        },
        (error: unknown) => {
          if (current) {
            setProblem(error instanceof Error ? error.message : String(error));
          }
        },
      );
    });
    return () => {
      current = false;
    };
  }, [renderer, panel.images, ids]);

  useEffect(() => {
    renderer?.setColourTable(colours);
  }, [renderer, colours]);

  useEffect(() => {
    renderer?.setMode(metricMode(metric));
  }, [renderer, metric]);

  useEffect(() => {
    renderer?.setLayout(
      { width: layout.width, height: layout.height },
      window.devicePixelRatio || 1,
      layout.boxes,
    );
  }, [renderer, layout]);

  useEffect(() => {
    renderer?.setAppearance(state.opacityShift, state.colourImage, [0.94, 0.95, 0.96]);
  }, [renderer, state.opacityShift, state.colourImage]);

  // The reference vector follows the pointer without a React render, as the stage's does.
  useEffect(() => {
    if (renderer === null || source === undefined) {
      return;
    }
    const apply = (next: InteractionState, previous: InteractionState | null): void => {
      if (previous !== null && next.reference === previous.reference) {
        return;
      }
      const reference = next.reference;
      if (file === null || reference === null) {
        renderer.setReference(null);
        return;
      }
      const grid = { width: file.header.width, height: file.header.height };
      const cell = cellInGrid(reference, source.stride, grid);
      renderer.setReference(referenceVector(file, cell.x, cell.y));
    };
    apply(controller.state, null);
    return controller.subscribe(apply);
  }, [renderer, controller, source, file]);

  const loading = Object.values(statuses).some((status) => status.kind !== "ready");
  return (
    <figure className="technique-panel across-panel" data-testid="across-panel" data-layer={panel.layer}>
      <figcaption className="panel-title">
        <span className="panel-name">
          {panel.layer} across images: {props.metricTitle} to the reference pixel
        </span>
      </figcaption>
      <div
        className="across-stage"
        style={{ position: "relative", width: layout.width, height: layout.height }}
      >
        <canvas
          ref={attachCanvas}
          style={{ width: layout.width, height: layout.height }}
          aria-label={`The reference pixel's ${panel.layer} vector compared with every cell of ${panel.images.length.toString()} other images`}
        />
        {panel.images.map((other, position) => {
          const box = layout.boxes[position];
          return box === undefined ? null : (
            <span
              key={ids[position]}
              className="across-caption"
              style={{ position: "absolute", left: box.x, top: box.y + box.height, width: box.width }}
            >
              {other.image.caption}
            </span>
          );
        })}
      </div>
      <PanelError problem={problem} />
      <div className="map-legend" data-testid="across-legend">
        <span
          className="map-legend-bar"
          aria-hidden="true"
          style={{ background: cssGradient(colours).replace("to top", "to right") }}
        />
        <span className="hint">
          {loading
            ? "loading the other images…"
            : "one colour scale for all images: the same colour means the same value in each"}
        </span>
      </div>
    </figure>
  );
}
