"""A technique's map as a coloured picture: the PNG of ``classroom compute -o``, the app's panel.

Colours come from the shared colour tables (:func:`classroom.similarity.colour_lut`, the
tables the browser uses): a ``sequential`` map spans its value range on viridis; a
``diverging`` one spans ``[-r, r]`` on the view's blue-pale-red table
(:func:`classroom.similarity.diverging_lut`), so an exported figure shows the colours the
class saw; a ``picture`` is its own colours (0..1). Tiled maps (channels, filters) become a
grid with a one-pixel gap, small tiles enlarged (nearest neighbour) so a 3 x 3 filter stays visible.
"""

from __future__ import annotations

import io
import math
from typing import Final

import numpy as np
import numpy.typing as npt

from classroom.similarity import Colormap, colour_lut, diverging_lut
from classroom.techniques.result import TechniqueMap

__all__ = ["ENLARGED", "figure_png", "legend", "map_rgb", "tile_rgb", "tiled"]

#: The smallest side a tile is shown at (pixels).
MIN_TILE: Final = 48
#: The side one tile is enlarged to (pixels), big enough for a projector.
ENLARGED: Final = 320
_GAP: Final = 1

RGBArray = npt.NDArray[np.uint8]


def _colour(values: npt.NDArray[np.float32], item: TechniqueMap, colormap: Colormap) -> RGBArray:
    if item.scale == "picture":
        picture: RGBArray = np.round(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
        return picture
    low, high = item.value_range
    span = high - low if high > low else 1.0
    stretched = np.clip((values.astype(np.float64) - low) / span, 0.0, 1.0)
    index = np.clip(np.floor(stretched * 256), 0, 255).astype(np.intp)
    table = diverging_lut() if item.scale == "diverging" else colour_lut(colormap)
    coloured: RGBArray = table[index]
    return coloured


def tiled(item: TechniqueMap) -> bool:
    """Whether the map is a set of tiles (a layer's channels, a bank of filters), not one map."""
    values = item.values
    single_picture = values.ndim == 3 and values.shape[-1] == 3 and item.scale == "picture"
    return values.ndim > 2 and not single_picture


def map_rgb(item: TechniqueMap, colormap: Colormap = "viridis") -> RGBArray:
    """The map as an ``(H, W, 3)`` uint8 picture (tiles laid out in a near-square grid)."""
    values = item.values
    if not tiled(item):
        return _colour(values, item, colormap)
    tiles = [_colour(tile, item, colormap) for tile in values]
    height, width = tiles[0].shape[:2]
    enlarge = max(1, math.ceil(MIN_TILE / max(height, width)))
    columns = math.ceil(math.sqrt(len(tiles)))
    rows = math.ceil(len(tiles) / columns)
    tile_h, tile_w = height * enlarge, width * enlarge
    grid = np.full(
        (rows * (tile_h + _GAP) - _GAP, columns * (tile_w + _GAP) - _GAP, 3), 255, np.uint8
    )
    for index, tile in enumerate(tiles):
        row, column = divmod(index, columns)
        big = np.repeat(np.repeat(tile, enlarge, axis=0), enlarge, axis=1)
        top, left = row * (tile_h + _GAP), column * (tile_w + _GAP)
        grid[top : top + tile_h, left : left + tile_w] = big
    return grid


def tile_rgb(
    item: TechniqueMap, index: int, *, side: int = ENLARGED, colormap: Colormap = "viridis"
) -> RGBArray:
    """Tile ``index`` alone (one filter, one channel), enlarged to at most ``side`` pixels.

    Nearest neighbour, by a whole factor, so each weight of a 3 x 3 filter stays one square
    the class can count on a projector; colours are the grid's (same scale for every tile).

    Raises:
        ValueError: if the map is not tiled or has no tile ``index``, naming the technique.
    """
    if not tiled(item):
        raise ValueError(f"{item.technique}: {item.title!r} is one map, not tiles")
    if not 0 <= index < len(item.values):
        raise ValueError(
            f"{item.technique}: {item.title!r} has {len(item.values)} tiles, not tile {index}"
        )
    tile = _colour(item.values[index], item, colormap)
    enlarge = max(1, side // max(tile.shape[:2]))
    big: RGBArray = np.repeat(np.repeat(tile, enlarge, axis=0), enlarge, axis=1)
    return big


def figure_png(
    item: TechniqueMap,
    image: RGBArray | None = None,
    *,
    blend: float = 0.0,
    colormap: Colormap = "viridis",
) -> bytes:
    """The map as PNG bytes; an image-sized map optionally drawn over the (greyed) image.

    Args:
        image: the analysis image ``(H, W, 3)``, for ``blend``.
        blend: how much of the image shows through (0: none), for image-sized 2-D maps.
    """
    from PIL import Image

    picture = map_rgb(item, colormap)
    if image is not None and blend > 0 and picture.shape == image.shape:
        grey = image.astype(np.float64).mean(axis=2, keepdims=True)
        mixed = (1 - blend) * picture.astype(np.float64) + blend * grey
        picture = np.round(mixed).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    return buffer.getvalue()


def legend(item: TechniqueMap) -> str:
    """The map's colour axis and meaning, in one paragraph for people."""
    low, high = item.value_range
    if item.scale == "diverging":
        axis = f"blue {low:.3g} · white 0 · red {high:.3g}"
    elif item.scale == "picture":
        axis = "its own colours (mid-grey is 0)"
    else:
        axis = f"dark {low:.3g} → bright {high:.3g}"
    return f"{item.meaning} Colours: {axis}."
