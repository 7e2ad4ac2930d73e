/**
 * Where one panel goes on the canvas and where its markers go inside it: the pure part of
 * compositing (CSS pixels in, device pixels out), shared by the draw and the test hook.
 */
import {
  type Point,
  type Rect,
  type Size,
  type ViewTransform,
  cellInGrid,
  cellOf,
  cellRect,
  imageToScreen,
  pixelCentre,
  screenScale,
  screenToImage,
} from "../geometry";
import type { PanelBox } from "../layout";

export type { PanelBox } from "../layout";

export interface Placement {
  /** Viewport in device pixels, origin bottom-left (GL convention). */
  readonly viewport: { x: number; y: number; width: number; height: number };
  /** Image coordinates of the viewport's top-left corner, and image pixels per device pixel. */
  readonly toImage: { x: number; y: number; perPixel: number };
  /** Markers in device pixels from the viewport's top-left corner (null: not drawn). */
  readonly reference: Point | null;
  readonly referenceCell: Rect | null;
  readonly pinned: Point | null;
  /** The reference marker's centre on the stage, in CSS pixels. */
  readonly marker: Point | null;
}

export interface PlacementInput {
  readonly box: PanelBox;
  readonly canvasHeight: number;
  readonly pixelRatio: number;
  readonly image: Size;
  readonly view: ViewTransform;
  readonly stride: number;
  /** The layer's grid (cells), once its file is loaded: a pixel past it takes its last cell. */
  readonly grid: Size | null;
  readonly reference: Point | null;
  readonly pinned: Point | null;
}

export function placePanel(input: PlacementInput): Placement {
  const { box, pixelRatio: ratio, image, view, stride, grid, reference, pinned } = input;
  const panel = { width: box.width, height: box.height };
  const origin = screenToImage({ x: 0, y: 0 }, panel, image, view);
  const toDevice = (point: Point): Point => {
    const screen = imageToScreen(point, panel, image, view);
    return { x: screen.x * ratio, y: screen.y * ratio };
  };
  // Whole device pixels, rounded from both edges so that neighbouring panels never overlap.
  const x0 = Math.round(box.x * ratio);
  const y0 = Math.round(box.y * ratio);
  const width = Math.round((box.x + box.width) * ratio) - x0;
  const height = Math.round((box.y + box.height) * ratio) - y0;
  let referenceCell: Rect | null = null;
  let marker: Point | null = null;
  if (reference !== null) {
    const cell = grid === null ? cellOf(reference, stride) : cellInGrid(reference, stride, grid);
    const rect = cellRect(cell, stride, image);
    const a = toDevice({ x: rect.x0, y: rect.y0 });
    const b = toDevice({ x: rect.x1, y: rect.y1 });
    referenceCell = { x0: a.x, y0: a.y, x1: b.x, y1: b.y };
    const centre = imageToScreen(pixelCentre(reference), panel, image, view);
    marker = { x: box.x + centre.x, y: box.y + centre.y };
  }
  return {
    viewport: { x: x0, y: input.canvasHeight - y0 - height, width, height },
    toImage: { x: origin.x, y: origin.y, perPixel: 1 / (screenScale(panel, image, view) * ratio) },
    reference: reference === null ? null : toDevice(pixelCentre(reference)),
    referenceCell,
    pinned: pinned === null ? null : toDevice(pixelCentre(pinned)),
    marker,
  };
}
