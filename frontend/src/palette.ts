/**
 * The view's own colours (Okabe-Ito, readable by colour-blind users): the bar chart's bars and
 * the pinned pixel's colour, shared by the chart, the renderer's marker and the CSS (as the
 * custom property --pinned, set in SimilarityView.tsx).
 */

/** Okabe-Ito blue: the reference pixel's bars. */
export const CURRENT_COLOUR = "#0072B2";
/** Okabe-Ito orange: the pinned pixel, as marker, chart line and swatch. */
export const PINNED_COLOUR = "#E69F00";

/** An "#rrggbb" colour as RGB in [0, 1], or null for anything else. */
export function hexToRgb(colour: string | undefined): [number, number, number] | null {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour ?? "");
  if (match === null) {
    return null;
  }
  return [1, 2, 3].map((index) => parseInt(match[index] ?? "0", 16) / 255) as [number, number, number];
}

/** The pinned colour for the renderer's marker. */
export const PINNED_RGB: readonly [number, number, number] = hexToRgb(PINNED_COLOUR) ?? [0, 0, 0];
