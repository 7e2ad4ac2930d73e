/**
 * The panels and their feature files: each fetched once per session (featureCache) and
 * uploaded once per renderer. A panel's phase goes downloading → the renderer's own states,
 * or error; a layer that leaves the view is forgotten, so coming back starts afresh.
 */
import { useEffect, useRef, useState } from "react";

import type { LayerSource } from "../contract";
import { featureCache } from "../data/featureCache";
import type { FeatureFile } from "../data/featureFile";
import type { ViewController } from "../interaction";
import type { PanelPhase } from "../Panel";
import type { RangeStore } from "../rangeStore";
import type { Renderer } from "../renderer/renderer";

/** The loaded feature files by entry id (the bar chart and technique panels read them too). */
export function useFeatureFiles(
  renderer: Renderer | null,
  controller: ViewController,
  layers: readonly LayerSource[],
  setPhase: (id: string, phase: PanelPhase) => void,
  ranges: RangeStore,
): Record<string, FeatureFile> {
  const [files, setFiles] = useState<Record<string, FeatureFile>>({});
  const shownBefore = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (renderer === null) {
      return;
    }
    renderer.setPanels(
      layers.map((layer) => ({
        id: layer.entryId,
        layer: layer.layer,
        stride: layer.stride,
        receptiveField: layer.receptiveField,
      })),
    );
    renderer.setReference(controller.state.reference);
    let current = true;
    for (const source of layers) {
      featureCache
        .load(source, (progress) => {
          if (current) {
            setPhase(source.entryId, { kind: "downloading", fraction: progress.received / progress.total });
          }
        })
        .then(
          (file) => {
            if (current) {
              setFiles((all) => (all[source.entryId] === file ? all : { ...all, [source.entryId]: file }));
              void renderer.setFile(source.entryId, file);
            }
          },
          (error: unknown) => {
            if (current) {
              setPhase(source.entryId, {
                kind: "error",
                message: error instanceof Error ? error.message : String(error),
              });
            }
          },
        );
    }
    const shown = new Set(layers.map((layer) => layer.entryId));
    featureCache.trim(shown);
    // A layer that comes back later starts afresh: its old state and numbers are not its map's.
    for (const id of shownBefore.current) {
      if (!shown.has(id)) {
        ranges.clear(id);
        setPhase(id, { kind: "waiting" });
      }
    }
    shownBefore.current = shown;
    return () => {
      current = false;
    };
  }, [renderer, controller, layers, setPhase, ranges]);
  return files;
}
