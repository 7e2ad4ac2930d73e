/**
 * Where the tiles of an activations panel go (CSS pixels): the pure part, shared by the
 * shader's uniforms, the pointer (which tile is under it) and the test hook.
 */
import type { Point, Size } from "../geometry";

export interface TileLayout {
  /** CSS pixels per tile side (the grid's longer side fills it). */
  readonly tile: number;
  readonly gap: number;
  readonly columns: number;
  readonly rows: number;
  /** The whole page. */
  readonly size: Size;
}

export function tileLayout(count: number, width: number, tile = 64, gap = 6): TileLayout {
  const columns = Math.max(1, Math.floor((width + gap) / (tile + gap)));
  const rows = Math.max(1, Math.ceil(count / columns));
  return {
    tile,
    gap,
    columns,
    rows,
    size: { width: columns * (tile + gap) - gap, height: rows * (tile + gap) - gap },
  };
}

/** The tile under a point (CSS pixels from the page's top-left), or null in a gap or past the last. */
export function tileAt(point: Point, layout: TileLayout, count: number, grid: Size): number | null {
  const pitch = layout.tile + layout.gap;
  const column = Math.floor(point.x / pitch);
  const row = Math.floor(point.y / pitch);
  const scale = layout.tile / Math.max(grid.width, grid.height);
  const inside = { x: point.x - column * pitch, y: point.y - row * pitch };
  const index = row * layout.columns + column;
  if (column < 0 || row < 0 || column >= layout.columns || index >= count) {
    return null;
  }
  return inside.x < grid.width * scale && inside.y < grid.height * scale ? index : null;
}

/** The centre of cell (x, y) of tile `index`, in CSS pixels from the page's top-left. */
export function cellCentre(index: number, cell: Point, layout: TileLayout, grid: Size): Point {
  const pitch = layout.tile + layout.gap;
  const scale = layout.tile / Math.max(grid.width, grid.height);
  return {
    x: (index % layout.columns) * pitch + (cell.x + 0.5) * scale,
    y: Math.floor(index / layout.columns) * pitch + (cell.y + 0.5) * scale,
  };
}
