/**
 * Where the panels sit: equal size, side by side (wrapping to more rows when the frame is
 * narrow), each with its label above and its colour scale to the right.
 *
 * The layout is computed, not measured, so the WebGL viewports and the HTML overlays agree
 * to the pixel and the browser tests can predict where a panel is.
 */
import type { Size } from "./geometry";

export interface PanelBox {
  /** The heat-map area in stage CSS pixels. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface StageLayout {
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  readonly panels: readonly PanelBox[];
  readonly labelHeight: number;
  readonly scaleWidth: number;
}

export interface LayoutOptions {
  readonly presenter: boolean;
  /** The tallest a panel may be (keeps portrait images from pushing everything off screen). */
  readonly maxPanelHeight?: number;
  /**
   * The height of the browser window showing the view, and of what the view puts below the
   * panels (its controls). Given both, a row of panels with its labels and controls fits in
   * the window: one or two panels on a wide screen would otherwise be taller than it.
   */
  readonly fit?: Fit;
}

export interface Fit {
  readonly windowHeight: number;
  readonly belowHeight: number;
  /**
   * What the window shows above the view, in CSS pixels: Streamlit's header by default; in
   * presenter mode the page above the view (step row, title, text), which must stay on
   * screen with it.
   */
  readonly above?: number;
}

const GAP = 16;
const MIN_PANEL_WIDTH = 160;
/** Never shrink a panel below this height to fit a window: a tiny heat map shows nothing. */
export const MIN_FIT_HEIGHT = 160;
/** Kept free above the view: Streamlit's header (3.75 rem) and a margin. */
export const HEADER_ALLOWANCE = 76;

/** The tallest panel with which labels, panels and controls fit in the window. */
export function fittingPanelHeight(fit: Fit, labelHeight: number): number {
  const above = fit.above ?? HEADER_ALLOWANCE;
  return Math.max(MIN_FIT_HEIGHT, Math.floor(fit.windowHeight - above - labelHeight - fit.belowHeight));
}

export function layoutStage(
  containerWidth: number,
  count: number,
  image: Size,
  options: LayoutOptions,
): StageLayout {
  const labelHeight = options.presenter ? 64 : 44;
  // Room for the colour scale's numbers: "0.449" at 18 px in presenter mode, 11 px otherwise.
  const scaleWidth = options.presenter ? 92 : 60;
  const slot = (columns: number): number => (containerWidth - GAP * (columns - 1)) / columns - scaleWidth;
  let columns = Math.max(1, count);
  while (columns > 1 && slot(columns) < MIN_PANEL_WIDTH) {
    columns -= 1;
  }
  const aspect = image.height / image.width;
  const cap = options.maxPanelHeight ?? (options.presenter ? 900 : 640);
  const maxHeight =
    options.fit === undefined ? cap : Math.min(cap, fittingPanelHeight(options.fit, labelHeight));
  let width = Math.max(1, Math.floor(slot(columns)));
  let height = Math.max(1, Math.round(width * aspect));
  if (height > maxHeight) {
    height = maxHeight;
    width = Math.max(1, Math.round(height / aspect));
  }
  const rows = Math.ceil(count / columns);
  const cellWidth = width + scaleWidth;
  const panels: PanelBox[] = [];
  for (let index = 0; index < count; index++) {
    const column = index % columns;
    const row = Math.floor(index / columns);
    panels.push({
      x: column * (cellWidth + GAP),
      y: row * (labelHeight + height + GAP) + labelHeight,
      width,
      height,
    });
  }
  return {
    width: Math.max(1, Math.min(containerWidth, columns * cellWidth + (columns - 1) * GAP)),
    height: rows * (labelHeight + height) + (rows - 1) * GAP,
    columns,
    panels,
    labelHeight,
    scaleWidth,
  };
}
