"""A step's cross-image panel in ``classroom figure``: other images lit up by the reference.

What the view's cross-image panel shows (docs/similarity-view.md, "Cross-image panels"): each
other image's cells compared with the reference pixel's vector of one layer
(:func:`classroom.similarity.compare_across`, the numpy oracle the browser is held to), every
image stretched over one (minimum, maximum) shared by all of them, so that a colour means the
same value in every image, and looked up in the same colour table. Drawn at each image's
analysis pixels, in rows under the step's panels, each with its caption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from classroom.bundle.errors import FigureError
from classroom.lessons import Lesson, Step
from classroom.similarity import Colormap, Metric, colourise, compare_across
from classroom.store import FeatureStore, PreparedLayer

__all__ = ["ACROSS_GAP", "AcrossImage", "across_colours", "across_images", "across_rows"]

#: Room between two other images, and above each for its caption (figure pixels).
ACROSS_GAP: Final = 12


@dataclass(frozen=True)
class AcrossImage:
    """One other image of the figure's cross-image panel.

    Attributes:
        layer: its prepared map of the panel's layer.
        caption: its name (a lesson image's caption, or a collection image's class and index).
        size: its analysis image's ``(width, height)``: the pixels it is drawn at.
    """

    layer: PreparedLayer
    caption: str

    @property
    def size(self) -> tuple[int, int]:
        info = self.layer.header.info
        return (info.image_width, info.image_height)


def across_colours(
    reference: PreparedLayer,
    pixel: tuple[int, int],
    others: Sequence[AcrossImage],
    *,
    metric: Metric = "angular",
    colormap: Colormap = "viridis",
) -> tuple[list[npt.NDArray[np.uint8]], float, float]:
    """Each other image as the view paints it, and the one range they are stretched over.

    Args:
        reference: the step's own map of the layer (its cell under ``pixel`` gives the vector).
        pixel: the reference pixel in the step's analysis-image pixels.

    Returns:
        ``(height, width, 3)`` colours per image (each pixel its cell's colour; the last cell
        for pixels past a floor-rounding grid), and the shared ``(low, high)``.
    """
    encoded = reference.encoded()
    stride = reference.header.info.stride
    cell_x = min(pixel[0] // stride, reference.header.width - 1)
    cell_y = min(pixel[1] // stride, reference.header.height - 1)
    codes = encoded.code_vectors()[cell_y, cell_x]
    scale = float(encoded.scales[cell_y, cell_x])
    values = []
    for other in others:
        if other.layer.header.key.layer != reference.header.key.layer:
            raise ValueError(
                f"{other.layer.path.name} is {other.layer.header.key.layer}, not "
                f"{reference.header.key.layer}: the images compare the reference's own layer"
            )
        theirs = other.layer.encoded()
        values.append(compare_across(metric, theirs.code_vectors(), theirs.scales, codes, scale))
    low = min((float(found.min()) for found in values), default=0.0)
    high = max((float(found.max()) for found in values), default=0.0)
    span = high - low
    pictures = []
    for other, found in zip(others, values, strict=True):
        stretched = (found - low) / span if span > 0 else np.zeros_like(found)
        cells = colourise(stretched, colormap)
        width, height = other.size
        info = other.layer.header
        rows = np.minimum(np.arange(height) // info.info.stride, info.height - 1)
        columns = np.minimum(np.arange(width) // info.info.stride, info.width - 1)
        pictures.append(np.ascontiguousarray(cells[rows][:, columns]))
    return pictures, low, high


def across_images(
    lesson: Lesson, step: Step, store: FeatureStore, *, untrained: bool
) -> list[AcrossImage]:
    """The prepared maps of the other images ``step``'s ``across:`` lights up (none without).

    Raises:
        FigureError: one of them is not prepared (naming the command that prepares it).
    """
    from classroom.preparation import load_prepared
    from classroom.preparation.across_collections import step_across_requests
    from classroom.preparation.requests import requests_for_lesson

    across = step.across
    if across is None:
        return []
    if across.collection is not None:
        try:
            wanted = [
                (request, picture.caption)
                for request, picture in step_across_requests(lesson, step, store)
            ]
        except OSError as error:
            raise FigureError(f"{lesson.path}: {across.collection}'s images: {error}") from None
    else:
        by_image = {
            request.image: request
            for request in requests_for_lesson(lesson)
            if request.weights == across.weights
        }
        wanted = [
            (by_image[lesson.image(image).path], lesson.image(image).caption or image)
            for image in across.images
        ]
    found = []
    for request, caption in wanted:
        loaded = load_prepared(request, store, untrained=untrained)
        if loaded is None:
            flag = " --untrained" if untrained else ""
            raise FigureError(
                f"{lesson.path}: step {step.id!r}'s other images are not prepared; run "
                f"`classroom prepare {lesson.path}{flag}` first"
            )
        found.append(AcrossImage(loaded.layers[across.layer], caption))
    return found


def across_rows(
    sizes: Sequence[tuple[int, int]], width: int, caption: int
) -> tuple[list[tuple[int, int]], int, int]:
    """Where each image goes in rows at most ``width`` wide (one image per row at least).

    Args:
        sizes: each image's ``(width, height)``.
        caption: the room above each image for its caption.

    Returns:
        Each image's top-left ``(x, y)`` relative to the block, the block's width and height.
    """
    places: list[tuple[int, int]] = []
    x = y = row_height = block_width = 0
    for image_width, image_height in sizes:
        if x > 0 and x + image_width > width:
            x, y = 0, y + row_height + ACROSS_GAP
            row_height = 0
        places.append((x, y + caption))
        block_width = max(block_width, x + image_width)
        row_height = max(row_height, caption + image_height)
        x += image_width + ACROSS_GAP
    return places, block_width, y + row_height
