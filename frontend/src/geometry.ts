/**
 * Image <-> cell <-> screen coordinates, and the zoom and pan shared by all panels.
 *
 * Image coordinates are pixels of the analysis image (origin top-left, x right, y down).
 * A layer with stride s has the grid its feature file's header gives (no formula of the image
 * size holds for every network), and image pixel (x, y) lies in cell (floor(x/s), floor(y/s)),
 * clamped to that grid, exactly as classroom/similarity.py says. The last row and column of
 * cells may be cut by the image edge (ceil-rounding networks such as ResNet): the view clips
 * them, never stretches. Pixels past the last cell (floor-rounding networks such as VGG) show
 * no heat and take the last cell when pointed at.
 *
 * Screen coordinates are CSS pixels inside one panel (origin top-left). All panels have the
 * same size and share one ViewTransform, so a point maps to the same image pixel in each.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** An axis-aligned rectangle, end exclusive. */
export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Zoom (1 = the whole image fits the panel) and the image point at the panel's centre. */
export interface ViewTransform {
  readonly zoom: number;
  readonly centerX: number;
  readonly centerY: number;
}

export const MAX_ZOOM = 32;

export function fullView(image: Size): ViewTransform {
  return { zoom: 1, centerX: image.width / 2, centerY: image.height / 2 };
}

/** Screen pixels per image pixel. */
export function screenScale(panel: Size, image: Size, view: ViewTransform): number {
  return Math.min(panel.width / image.width, panel.height / image.height) * view.zoom;
}

export function screenToImage(point: Point, panel: Size, image: Size, view: ViewTransform): Point {
  const scale = screenScale(panel, image, view);
  return {
    x: view.centerX + (point.x - panel.width / 2) / scale,
    y: view.centerY + (point.y - panel.height / 2) / scale,
  };
}

export function imageToScreen(point: Point, panel: Size, image: Size, view: ViewTransform): Point {
  const scale = screenScale(panel, image, view);
  return {
    x: panel.width / 2 + (point.x - view.centerX) * scale,
    y: panel.height / 2 + (point.y - view.centerY) * scale,
  };
}

/** The image pixel containing a (fractional) image point, or null outside the image. */
export function pixelAt(point: Point, image: Size): Point | null {
  const x = Math.floor(point.x);
  const y = Math.floor(point.y);
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
    return null;
  }
  return { x, y };
}

/** The cell of a layer with `stride` that holds image pixel `pixel`. */
export function cellOf(pixel: Point, stride: number): Point {
  return { x: Math.floor(pixel.x / stride), y: Math.floor(pixel.y / stride) };
}

/** The cell of a layer with `stride` that holds `pixel`, clamped to the layer's `grid` (cells). */
export function cellInGrid(pixel: Point, stride: number, grid: Size): Point {
  const cell = cellOf(pixel, stride);
  return { x: Math.min(cell.x, grid.width - 1), y: Math.min(cell.y, grid.height - 1) };
}

/** Image pixels a cell covers, cut at the image edge. */
export function cellRect(cell: Point, stride: number, image: Size): Rect {
  const x0 = cell.x * stride;
  const y0 = cell.y * stride;
  return { x0, y0, x1: Math.min(x0 + stride, image.width), y1: Math.min(y0 + stride, image.height) };
}

/** The centre of an image pixel, where markers are drawn. */
export function pixelCentre(pixel: Point): Point {
  return { x: pixel.x + 0.5, y: pixel.y + 0.5 };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Keep the zoom in [1, MAX_ZOOM] and the image covering as much of the panel as it can. */
export function clampView(view: ViewTransform, panel: Size, image: Size): ViewTransform {
  const zoom = clamp(view.zoom, 1, MAX_ZOOM);
  const scale = screenScale(panel, image, { ...view, zoom });
  const halfWidth = panel.width / scale / 2;
  const halfHeight = panel.height / scale / 2;
  const centre = (value: number, half: number, size: number): number =>
    half * 2 >= size ? size / 2 : clamp(value, half, size - half);
  return {
    zoom,
    centerX: centre(view.centerX, halfWidth, image.width),
    centerY: centre(view.centerY, halfHeight, image.height),
  };
}

/** Zoom by `factor`, keeping the image point under `anchor` (panel pixels) where it is. */
export function zoomAt(
  view: ViewTransform,
  anchor: Point,
  factor: number,
  panel: Size,
  image: Size,
): ViewTransform {
  const before = screenToImage(anchor, panel, image, view);
  const zoom = clamp(view.zoom * factor, 1, MAX_ZOOM);
  const scale = screenScale(panel, image, { ...view, zoom });
  const moved = {
    zoom,
    centerX: before.x - (anchor.x - panel.width / 2) / scale,
    centerY: before.y - (anchor.y - panel.height / 2) / scale,
  };
  return clampView(moved, panel, image);
}

/** Pan by a drag of (dx, dy) panel pixels: the image follows the pointer. */
export function panBy(view: ViewTransform, dx: number, dy: number, panel: Size, image: Size): ViewTransform {
  const scale = screenScale(panel, image, view);
  return clampView(
    { ...view, centerX: view.centerX - dx / scale, centerY: view.centerY - dy / scale },
    panel,
    image,
  );
}

/** The nearest pixel inside the image. */
export function clampPixel(pixel: Point, image: Size): Point {
  return { x: clamp(pixel.x, 0, image.width - 1), y: clamp(pixel.y, 0, image.height - 1) };
}

/** Move a pixel by whole cells of `stride` (arrow keys), staying inside the image. */
export function stepPixel(pixel: Point, cellsX: number, cellsY: number, stride: number, image: Size): Point {
  return clampPixel({ x: pixel.x + cellsX * stride, y: pixel.y + cellsY * stride }, image);
}
