"""Maximally activating patches: where in the collection a channel fires most, with the
receptive field of each cell drawn as a box (the lecture's "maximally activating images",
Seein' In's details on demand for per-cell points).

A cell's receptive field comes from the network registry's :class:`~classroom.networks.Layer`:
cell ``i`` is centred on ``centre + i * stride`` pixels and sees ``receptive_field`` pixels
around it, clipped to the image (padding lies outside it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from classroom.networks.layers import Layer

__all__ = ["Patch", "receptive_box", "top_patches"]


@dataclass(frozen=True)
class Patch:
    """One cell of one image.

    Attributes:
        image: the image's index in the collection.
        row, column: the cell in the layer's grid.
        value: the channel's activation there.
        box: ``(left, top, right, bottom)`` in image pixels (right and bottom exclusive).
    """

    image: int
    row: int
    column: int
    value: float
    box: tuple[int, int, int, int]


def receptive_box(
    layer: Layer, row: int, column: int, image_size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """The cell's receptive field ``(left, top, right, bottom)``, clipped to the
    ``(width, height)`` image; the cell's own ``stride`` pixels when the field is unknown."""
    width, height = image_size
    centre = layer.centre if layer.centre is not None else layer.stride / 2
    side = layer.receptive_field if layer.receptive_field is not None else layer.stride
    x, y = centre + column * layer.stride, centre + row * layer.stride
    left, top = max(0, round(x - side / 2)), max(0, round(y - side / 2))
    right, bottom = min(width, round(x + side / 2)), min(height, round(y + side / 2))
    return (left, top, right, bottom)


def top_patches(
    cells: npt.ArrayLike,
    layer: Layer,
    channel: int,
    image_size: tuple[int, int],
    count: int = 12,
) -> list[Patch]:
    """The ``count`` images whose strongest cell fires most for ``channel``, one patch each.

    One patch per image, so that the top patches are not twelve neighbouring cells of one
    picture.

    Raises:
        ValueError: if ``channel`` is not one of the layer's.
    """
    maps = np.asarray(cells, dtype=np.float32)
    images, _rows, columns, depth = maps.shape
    if not 0 <= channel < depth:
        raise ValueError(f"layer {layer.name} has channels 0..{depth - 1}, not {channel}")
    values = maps[..., channel].reshape(images, -1)
    best_cell = values.argmax(axis=1)
    best_value = values[np.arange(images), best_cell]
    order = np.argsort(-best_value, kind="stable")[:count]
    patches = []
    for index in order:
        row, column = divmod(int(best_cell[index]), columns)
        patches.append(
            Patch(
                image=int(index),
                row=row,
                column=column,
                value=float(best_value[index]),
                box=receptive_box(layer, row, column, image_size),
            )
        )
    return patches
