/**
 * A map panel: a technique's map (Grad-CAM, saliency, occlusion...) over the image, with its
 * own colour axis over the range the technique states and a legend saying what high means.
 * The values are fetched once by URL (float32, rows from the top) and drawn by MapRenderer.
 */
import { useCallback, useEffect, useMemo, useState } from "react";

import type { MapPanel } from "./contract";
import { fetchFloats } from "./data/floats";
import { type Size, fullView, pixelAt, screenToImage } from "./geometry";
import type { ViewController } from "./interaction";
import { PanelError } from "./PanelError";
import { RendererError } from "./renderer/errors";
import { MapRenderer } from "./renderer/mapRenderer";
import { RangeLegend } from "./RangeLegend";
import { registerTechnique } from "./techniqueHook";

export interface MapPanelViewProps {
  readonly panel: MapPanel;
  /** The panel's index in the contract's `panels` (the test hook's key). */
  readonly index: number;
  readonly image: ImageBitmap | null;
  readonly width: number;
  readonly opacityShift: number;
  readonly colourImage: boolean;
  /** The view's reference and pinned pixels, marked here too; pointing at the map moves them. */
  readonly controller: ViewController;
}

export function MapPanelView(props: MapPanelViewProps): React.JSX.Element {
  const { panel, index, image, width } = props;
  const [renderer, setRenderer] = useState<MapRenderer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const size: Size = useMemo(
    () => ({ width: panel.width, height: panel.height }),
    [panel.width, panel.height],
  );
  const box = { width, height: Math.round((width * panel.height) / panel.width) };

  // One renderer per canvas, made when it mounts (as the stage's, View.tsx).
  const attachCanvas = useCallback(
    (element: HTMLCanvasElement | null) => {
      if (element === null) {
        return;
      }
      let made: MapRenderer;
      try {
        made = new MapRenderer(element, size);
      } catch (error) {
        setProblem(error instanceof RendererError ? error.message : String(error));
        return;
      }
      setRenderer(made);
      const unregister = registerTechnique(index, {
        kind: "map",
        colours: () => ({ ...size, rgb: Array.from(made.readColours()) }),
      });
      return () => {
        unregister();
        made.dispose();
        setRenderer(null);
      };
    },
    [size, index],
  );

  useEffect(() => {
    if (renderer === null) {
      return;
    }
    let current = true;
    fetchFloats(panel.url, panel.width * panel.height, `the ${panel.title} map`).then(
      (values) => {
        if (current) {
          renderer.setValues(values);
        }
      },
      (error: unknown) => {
        if (current) {
          setProblem(error instanceof Error ? error.message : String(error));
        }
      },
    );
    return () => {
      current = false;
    };
  }, [renderer, panel]);

  useEffect(() => {
    const [low = 0, high = 1] = panel.valueRange;
    renderer?.setScale(panel.colormap.colours, [low, high], panel.scale === "diverging");
  }, [renderer, panel.colormap, panel.valueRange, panel.scale]);

  useEffect(() => {
    if (renderer !== null && image !== null) {
      renderer.setImage(image, size);
    }
  }, [renderer, image, size]);

  useEffect(() => {
    renderer?.setLayout(box, window.devicePixelRatio || 1);
  }, [renderer, box.width, box.height]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    renderer?.setAppearance(props.opacityShift, props.colourImage);
  }, [renderer, props.opacityShift, props.colourImage]);

  // The markers follow the pointer without a React render, as on the stage.
  const { controller } = props;
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    renderer.setMarkers(controller.state.reference, controller.state.pinned);
    return controller.subscribe((state) => {
      renderer.setMarkers(state.reference, state.pinned);
    });
  }, [renderer, controller]);

  return (
    <figure
      className="technique-panel"
      data-testid="map-panel"
      data-technique={panel.technique}
      style={{ width: box.width }} // the legend's meaning wraps under the map: panels sit side by side
    >
      <figcaption className="panel-title">
        <span className="panel-name">{panel.title}</span>
      </figcaption>
      <canvas
        ref={attachCanvas}
        style={{ width: box.width, height: box.height }}
        aria-label={`${panel.title}: ${panel.meaning}`}
        onPointerMove={(event) => {
          const bounds = event.currentTarget.getBoundingClientRect();
          const local = { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
          const pixel = pixelAt(screenToImage(local, box, size, fullView(size)), size);
          if (pixel !== null) {
            controller.hover(pixel);
          }
        }}
      />
      <PanelError problem={problem} />
      <RangeLegend
        testId="map-legend"
        range={panel.valueRange}
        colours={panel.colormap.colours}
        meaning={panel.meaning}
      />
    </figure>
  );
}
