/**
 * `window.__classroomView`: what the browser tests read from a live view (GPU read-backs,
 * reference cells, marker positions, bytes fetched) and the few things they do to it. It
 * only reads or uses public operations, so having it in the product costs nothing.
 */
import type { LayerSource, Pixel } from "./contract";
import { featureCache, type TransferStats } from "./data/featureCache";
import { type Point, type Size, cellRect, imageToScreen } from "./geometry";
import type { ViewController } from "./interaction";
import type { StageLayout } from "./layout";
import type { Capabilities } from "./renderer/capabilities";
import type { PanelStatus, PassCounts, Renderer } from "./renderer/renderer";
import { type AcrossReport, type TilesReport, techniqueReport } from "./techniqueHook";
import { timeline } from "./timeline";

export interface TestHookSources {
  readonly renderer: Renderer;
  readonly controller: ViewController;
  readonly layers: readonly LayerSource[];
  readonly layout: StageLayout;
  readonly image: Size;
  readonly root: HTMLElement | null;
}

export interface PanelReport {
  readonly layer: string;
  readonly entryId: string;
  readonly stride: number;
  readonly status: PanelStatus | null;
  /** The panel's heat-map box in CSS pixels of the frame's viewport. */
  readonly box: { x: number; y: number; width: number; height: number };
  /** The reference cell this panel drew in the last frame. */
  readonly cell: Point | null;
  /** The marker's centre in the frame's viewport. */
  readonly marker: Point | null;
  readonly frame: number;
  readonly computedFrame: number;
  /** The reference cell's theoretical receptive field drawn, in image coordinates. */
  readonly receptiveField: { x0: number; y0: number; x1: number; y1: number } | null;
}

export interface ClassroomViewHook {
  panels(): PanelReport[];
  state(): {
    reference: Pixel | null;
    pinned: Pixel | null;
    locked: boolean;
    view: { zoom: number; centerX: number; centerY: number };
    /** The panel (entry id) showing one channel alone, and that channel. */
    channel: { panel: string; index: number } | null;
  };
  /** Point at an image pixel, as the pointer would. */
  setReference(x: number, y: number): void;
  setOpacityShift(shift: number): void;
  /** How often each GPU pass ran, and how many frames were drawn, since the view started. */
  passCounts(): PassCounts;
  /** When the view reached each stage of opening (timeline.ts). */
  timeline(): Record<string, number>;
  /** A panel's similarity (or channel) values, one per cell, rows from the top. */
  values(index: number): { width: number; height: number; values: number[] } | null;
  /** The panel's (min, max), read synchronously. */
  range(index: number): { min: number; max: number } | null;
  /** RGB painted at the centre of every cell of a panel (markers hidden), rows from the top. */
  painted(index: number): { width: number; height: number; rgb: number[] } | null;
  /** RGB painted at the centre of image pixel (x, y) in a panel (markers hidden). */
  paintedPixel(index: number, x: number, y: number): number[] | null;
  /** RGB painted at image point (x, y) in a panel with the markers and receptive field drawn. */
  paintedWithMarkers(index: number, x: number, y: number): number[] | null;
  transfers(): TransferStats;
  /** What the contract's panel `index` (a map or activations panel) drew, or null. */
  technique(index: number): {
    kind: string;
    colours: { width: number; height: number; rgb: number[] } | null;
    activations: { order: number[]; dead: number; page: number; pages: number; firstTile: number[] } | null;
    across: AcrossReport | null;
    tiles: TilesReport | null;
  } | null;
  layerInfo(index: number): ReturnType<Renderer["layerInfo"]>;
  loseContext(): boolean;
  restoreContext(): boolean;
  setLimits(limits: Partial<Capabilities>): Promise<void>;
}

declare global {
  interface Window {
    __classroomView?: ClassroomViewHook;
  }
}

export function installTestHook(sources: TestHookSources): () => void {
  const { renderer, controller, layers, layout, image, root } = sources;
  const stage = (): DOMRect | undefined => root?.querySelector(".stage")?.getBoundingClientRect();
  const idOf = (index: number): string => layers[index]?.entryId ?? "";
  /** The canvas read once (markers hidden); returns the RGB at an image point of a panel. */
  const canvasReader = (box: { x: number; y: number; width: number; height: number }, markers = false) => {
    renderer.setMarkersVisible(markers);
    const canvas = renderer.readBack.canvasPixels();
    renderer.setMarkersVisible(true);
    const ratio = canvas.width / Math.max(1, layout.width);
    return (point: Point): number[] => {
      const local = imageToScreen(point, box, image, controller.state.view);
      const at =
        (Math.floor((box.y + local.y) * ratio) * canvas.width + Math.floor((box.x + local.x) * ratio)) * 4;
      return [canvas.pixels[at] ?? 0, canvas.pixels[at + 1] ?? 0, canvas.pixels[at + 2] ?? 0];
    };
  };

  const hook: ClassroomViewHook = {
    panels() {
      const origin = stage() ?? { left: 0, top: 0 };
      const drawn = renderer.drawnPanels();
      return layers.map((layer, index) => {
        const box = layout.panels[index] ?? { x: 0, y: 0, width: 0, height: 0 };
        const last = drawn.find((panel) => panel.id === layer.entryId);
        return {
          layer: layer.layer,
          entryId: layer.entryId,
          stride: layer.stride,
          status: renderer.status(layer.entryId),
          box: { x: origin.left + box.x, y: origin.top + box.y, width: box.width, height: box.height },
          cell: last?.cell ?? null,
          marker:
            last?.marker == null ? null : { x: origin.left + last.marker.x, y: origin.top + last.marker.y },
          frame: last?.frame ?? -1,
          computedFrame: last?.computedFrame ?? -1,
          receptiveField: last?.receptiveField ?? null,
        };
      });
    },
    state() {
      const { reference, pinned, locked, view, channel } = controller.state;
      return { reference, pinned, locked, view: { ...view }, channel };
    },
    setReference(x, y) {
      controller.hover({ x, y });
    },
    setOpacityShift(shift) {
      controller.setOpacityShift(shift);
    },
    passCounts() {
      return renderer.passCounts();
    },
    timeline,
    values(index) {
      const read = renderer.readBack.values(idOf(index));
      return read === null
        ? null
        : { width: read.width, height: read.height, values: Array.from(read.values) };
    },
    range(index) {
      return renderer.readBack.range(idOf(index));
    },
    painted(index) {
      const layer = layers[index];
      const box = layout.panels[index];
      if (layer === undefined || box === undefined || renderer.status(layer.entryId)?.kind !== "ready") {
        return null;
      }
      const colourAt = canvasReader(box);
      const rgb: number[] = [];
      for (let y = 0; y < layer.height; y++) {
        for (let x = 0; x < layer.width; x++) {
          const rect = cellRect({ x, y }, layer.stride, image);
          rgb.push(...colourAt({ x: (rect.x0 + rect.x1) / 2, y: (rect.y0 + rect.y1) / 2 }));
        }
      }
      return { width: layer.width, height: layer.height, rgb };
    },
    paintedPixel(index, x, y) {
      const layer = layers[index];
      const box = layout.panels[index];
      if (layer === undefined || box === undefined || renderer.status(layer.entryId)?.kind !== "ready") {
        return null;
      }
      return canvasReader(box)({ x: x + 0.5, y: y + 0.5 });
    },
    paintedWithMarkers(index, x, y) {
      const box = layout.panels[index];
      return box === undefined ? null : canvasReader(box, true)({ x, y });
    },
    transfers() {
      return featureCache.stats();
    },
    technique(index) {
      const report = techniqueReport(index);
      return report === null
        ? null
        : {
            kind: report.kind,
            colours: report.colours?.() ?? null,
            activations: report.activations?.() ?? null,
            across: report.across?.() ?? null,
            tiles: report.tiles?.() ?? null,
          };
    },
    layerInfo(index) {
      return renderer.layerInfo(idOf(index));
    },
    loseContext() {
      const extension = renderer.loseContextExtension();
      extension?.loseContext();
      return extension !== null;
    },
    restoreContext() {
      const extension = renderer.loseContextExtension();
      extension?.restoreContext();
      return extension !== null;
    },
    setLimits(limits) {
      return renderer.setLimits(limits);
    },
  };
  window.__classroomView = hook;
  return () => {
    if (window.__classroomView === hook) {
      delete window.__classroomView;
    }
  };
}
