"""What a selection of images has in common: its average input and average activation grid.

Seein' In's figure 4: select every "8" and the feature-map display shows the average "8" and,
per channel, the average of its maps, so a channel that fires for all of them stands out. The
average grid is laid out as a mosaic (one tile per channel) for one heatmap, and its strongest
channels are named beside it: both read one :class:`AverageGrid`, computed once per layer and
selection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "AverageGrid",
    "average_grid",
    "average_input",
    "channel_means",
    "mosaic",
    "selected",
]

Float32Array = npt.NDArray[np.float32]


def selected(count: int, indices: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """``indices`` as a checked, de-duplicated, sorted index array into ``count`` items.

    Raises:
        ValueError: if it is empty or names an item that does not exist.
    """
    chosen = np.unique(np.asarray(indices, dtype=np.int64).reshape(-1))
    if chosen.size == 0:
        raise ValueError("the selection is empty: select some points first")
    if chosen[0] < 0 or chosen[-1] >= count:
        raise ValueError(f"the selection names item {int(chosen[-1])} of only {count}")
    return chosen


def average_input(images: npt.NDArray[np.uint8], indices: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """The pixel-wise mean of the selected ``(N, H, W, 3)`` images, as an ``(H, W, 3)`` image."""
    chosen = selected(len(images), indices)
    mean = images[chosen].mean(axis=0, dtype=np.float64)
    averaged: npt.NDArray[np.uint8] = np.clip(np.rint(mean), 0, 255).astype(np.uint8)
    return averaged


def average_grid(cells: npt.ArrayLike, indices: npt.ArrayLike) -> Float32Array:
    """The mean ``(h, w, D)`` activation grid of the selected images' ``(N, h, w, D)`` maps."""
    maps = np.asarray(cells, dtype=np.float32)
    chosen = selected(len(maps), indices)
    grid: Float32Array = maps[chosen].mean(axis=0, dtype=np.float32)
    return grid


def channel_means(grid: npt.ArrayLike) -> Float32Array:
    """Each channel's mean over an ``(h, w, D)`` grid: how strongly it fires, on average."""
    means: Float32Array = np.asarray(grid, dtype=np.float32).mean(axis=(0, 1))
    return means


def mosaic(grid: npt.ArrayLike, columns: int | None = None) -> tuple[Float32Array, int]:
    """The ``(h, w, D)`` grid's channels as tiles of one 2-D array, a NaN gap between tiles.

    Returns the array and the number of columns of tiles; channel ``c`` is the tile in row
    ``c // columns``, column ``c % columns``.
    """
    maps = np.asarray(grid, dtype=np.float32)
    height, width, depth = maps.shape
    columns = columns or max(1, math.ceil(math.sqrt(depth)))
    rows = math.ceil(depth / columns)
    tiled = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan, np.float32)
    for channel in range(depth):
        row, column = divmod(channel, columns)
        top, left = row * (height + 1), column * (width + 1)
        tiled[top : top + height, left : left + width] = maps[:, :, channel]
    return tiled, columns


@dataclass(frozen=True)
class AverageGrid:
    """A selection's mean ``(h, w, D)`` activation grid of one layer.

    The average view draws it as a mosaic and names its strongest channels under it; both
    read this one grid, so the mean over the selection (the costly part: every selected
    image's cells) is taken once per layer and selection, not once per use.
    """

    grid: Float32Array

    @property
    def channels(self) -> int:
        return int(self.grid.shape[-1])

    def mosaic(self) -> tuple[Float32Array, int, int]:
        """The grid's channels as tiles (:func:`mosaic`): the array, columns, channels."""
        tiled, columns = mosaic(self.grid)
        return tiled, columns, self.channels

    def strongest(self, count: int) -> list[int]:
        """The ``count`` channels whose average map is strongest, strongest first: the tiles
        that stand out in :meth:`mosaic` (ties in channel order)."""
        means = channel_means(self.grid)
        return [int(c) for c in np.argsort(-means, kind="stable")[:count]]
