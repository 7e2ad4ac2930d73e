/**
 * Images of different sizes as tiles in rows (the cross-image panel's layout): each tile as
 * wide as the room allows up to a maximum, its height from its image's aspect ratio, rows
 * wrapping, with room for a caption under each row. Pure, so it is tested without a browser.
 */
import type { Size } from "./geometry";
import type { PanelBox } from "./layout";

/** Each image at most this wide, side by side, wrapping onto more rows. */
export const TILE_WIDTH = 200;
export const GAP = 8;
export const CAPTION_HEIGHT = 18;

/** Boxes (CSS pixels) for images of these sizes in rows of tiles: wrap, keep the aspect ratio. */
export function tileLayout(
  sizes: readonly Size[],
  width: number,
): { boxes: PanelBox[]; width: number; height: number } {
  const tile = Math.max(40, Math.min(TILE_WIDTH, width));
  const perRow = Math.max(1, Math.floor((width + GAP) / (tile + GAP)));
  const boxes: PanelBox[] = [];
  let y = 0;
  for (let first = 0; first < sizes.length; first += perRow) {
    const row = sizes.slice(first, first + perRow);
    const rowHeight = Math.max(...row.map((size) => Math.round((tile * size.height) / size.width)));
    row.forEach((size, column) => {
      boxes.push({
        x: column * (tile + GAP),
        y,
        width: tile,
        height: Math.round((tile * size.height) / size.width),
      });
    });
    y += rowHeight + CAPTION_HEIGHT + GAP;
  }
  const columns = Math.min(perRow, Math.max(1, sizes.length));
  return { boxes, width: Math.min(width, columns * (tile + GAP) - GAP), height: Math.max(1, y - GAP) };
}
