/**
 * The view's panels beyond the similarity stage, each drawn by its kind (the contract's
 * discriminated union): a technique's map over the image, its tiles (filters) with one
 * enlarged, a layer's activation maps. The
 * similarity panels themselves are the stage above (View.tsx).
 */
import { useEffect, useState } from "react";

import { AcrossPanelView } from "./AcrossPanelView";
import { ActivationsPanelView } from "./ActivationsPanelView";
import type { ViewArgs } from "./contract";
import { loadImage } from "./data/image";
import type { FeatureFile } from "./data/featureFile";
import type { InteractionState, ViewController } from "./interaction";
import { MapPanelView } from "./MapPanelView";
import type { Metric } from "./renderer/panelKinds";
import { TilesPanelView } from "./TilesPanelView";

export interface TechniquePanelsProps {
  readonly args: ViewArgs;
  /** The layers' feature files by entry id (the activation grids reuse them). */
  readonly files: Readonly<Record<string, FeatureFile>>;
  readonly controller: ViewController;
  readonly state: InteractionState;
  readonly width: number;
  /** The view's metric (cross-image panels compare by it too) and its title. */
  readonly metric: Metric;
  readonly metricTitle: string;
}

/** Map panels side by side up to this width each. */
const MAP_WIDTH = 420;

export function TechniquePanels({
  args,
  files,
  controller,
  state,
  width,
  metric,
  metricTitle,
}: TechniquePanelsProps): React.JSX.Element | null {
  const [image, setImage] = useState<ImageBitmap | null>(null);
  const wantsImage = args.panels.some((panel) => panel.kind === "map");
  useEffect(() => {
    if (!wantsImage) {
      return;
    }
    let current = true;
    loadImage(args.image.url).then(
      (bitmap) => {
        if (current) {
          setImage(bitmap);
        }
      },
      () => undefined, // the stage above reports an image that cannot be loaded
    );
    return () => {
      current = false;
    };
  }, [args.image.url, wantsImage]);

  const panels = args.panels.flatMap((panel, index) => {
    switch (panel.kind) {
      case "similarity":
        return [];
      case "map":
        return [
          <MapPanelView
            key={`map-${index.toString()}-${panel.mapId}`}
            panel={panel}
            index={index}
            image={image}
            width={Math.min(MAP_WIDTH, width)}
            opacityShift={state.opacityShift}
            colourImage={state.colourImage}
            controller={controller}
          />,
        ];
      case "tiles":
        return [
          <TilesPanelView
            key={`tiles-${index.toString()}-${panel.mapId}`}
            panel={panel}
            index={index}
            width={width}
          />,
        ];
      case "activations": {
        const source = args.layers.find((layer) => layer.layer === panel.layer);
        return [
          <ActivationsPanelView
            key={`activations-${panel.layer}`}
            panel={panel}
            panelId={source?.entryId ?? ""}
            index={index}
            file={source === undefined ? null : (files[source.entryId] ?? null)}
            controller={controller}
            channel={state.channel}
            width={width}
          />,
        ];
      }
      case "across": {
        const source = args.layers.find((layer) => layer.layer === panel.layer);
        return [
          <AcrossPanelView
            key={`across-${panel.layer}-${index.toString()}`}
            panel={panel}
            index={index}
            source={source}
            file={source === undefined ? null : (files[source.entryId] ?? null)}
            controller={controller}
            state={state}
            metric={metric}
            metricTitle={metricTitle}
            colours={args.colormap.colours}
            width={width}
          />,
        ];
      }
    }
  });
  return panels.length === 0 ? null : <div className="technique-panels">{panels}</div>;
}
