/**
 * Where a tiles panel draws (CSS pixels): the grid of a technique's tiles (tileLayout, the
 * activations panel's) and, beside it, the chosen tile enlarged so that each value is a whole
 * number of pixels square (a 3 x 3 filter's nine weights stay countable on a projector); below
 * the grid when the panel is too narrow for both. And what the arrow keys do to the choice.
 * Pure: shared by the renderer's uniforms, the pointer and the test hook.
 */
import type { Point, Size } from "../geometry";
import { type TileLayout, tileLayout } from "./tileLayout";

export interface EnlargedTile {
  /** Top-left, CSS pixels from the panel's top-left. */
  readonly x: number;
  readonly y: number;
  /** CSS pixels per value (a whole number). */
  readonly scale: number;
  /** CSS pixels of the tile's longer side. */
  readonly side: number;
}

export interface TilesPanelLayout {
  readonly grid: TileLayout;
  readonly enlarged: EnlargedTile;
  readonly size: Size;
}

export interface TilesPanelSizes {
  /** CSS pixels per tile side in the grid. */
  readonly tile: number;
  readonly gap: number;
  /** The largest side of the enlarged tile. */
  readonly enlarged: number;
}

const SIZES: TilesPanelSizes = { tile: 48, gap: 4, enlarged: 320 };

/**
 * @param count tiles in the grid
 * @param tile values per tile (width, height)
 * @param width CSS pixels the panel may take
 */
export function tilesPanelLayout(
  count: number,
  tile: Size,
  width: number,
  sizes: TilesPanelSizes = SIZES,
): TilesPanelLayout {
  const longer = Math.max(1, tile.width, tile.height);
  const wanted = Math.min(sizes.enlarged, Math.max(longer, Math.floor(width * 0.4)));
  const scale = Math.max(1, Math.floor(wanted / longer));
  const side = scale * longer;
  const margin = 3 * sizes.gap;
  const besideWidth = width - side - margin;
  if (besideWidth >= 4 * (sizes.tile + sizes.gap)) {
    const grid = tileLayout(count, besideWidth, sizes.tile, sizes.gap);
    const x = grid.size.width + margin;
    return {
      grid,
      enlarged: { x, y: 0, scale, side },
      size: { width: x + side, height: Math.max(grid.size.height, side) },
    };
  }
  const grid = tileLayout(count, width, sizes.tile, sizes.gap);
  const y = grid.size.height + margin;
  return {
    grid,
    enlarged: { x: 0, y, scale, side },
    size: { width: Math.max(grid.size.width, side), height: y + side },
  };
}

/** The centre of value (x, y) of the enlarged tile, CSS pixels from the panel's top-left. */
export function enlargedCentre(enlarged: EnlargedTile, cell: Point): Point {
  return { x: enlarged.x + (cell.x + 0.5) * enlarged.scale, y: enlarged.y + (cell.y + 0.5) * enlarged.scale };
}

/**
 * The tile an arrow key moves the choice to: left and right by one, up and down by a row of
 * the grid, Home and End to the ends; null for a key that means nothing here.
 */
export function movedTile(key: string, now: number, count: number, columns: number): number | null {
  const moves: Record<string, number> = {
    ArrowRight: now + 1,
    ArrowLeft: now - 1,
    ArrowDown: now + columns,
    ArrowUp: now - columns,
    Home: 0,
    End: count - 1,
  };
  const next = moves[key];
  return next === undefined || count === 0 ? null : Math.min(count - 1, Math.max(0, next));
}
