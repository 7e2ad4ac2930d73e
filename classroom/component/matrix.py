"""The scatter-plot matrix frame: points and thumbnails into the store, one typed function.

Brushing used to go through a Streamlit rerun per selection (Plotly in the page): seconds a
frame on software WebGL. Here the browser gets the points once, as a store file (float32, one
row per dimension) like a feature map, and the images as one PNG atlas; it brushes, highlights
in every cell and layer, and picks the hovered point by itself, and Python hears only the
final selection (:class:`~classroom.component.matrix_contract.SelectionEvent`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from classroom.component.matrix_contract import (
    CellGrid,
    MatrixArgs,
    MatrixLayer,
    SelectionEvent,
    Thumbnails,
    parse_selection,
)
from classroom.urls import file_url

if TYPE_CHECKING:
    from classroom.store import FeatureStore

__all__ = ["MatrixColumns", "matrix_args", "scatter_matrix", "thumbnail_atlas"]

_HANDLED_PREFIX: Final = "_classroom_scatter_matrix_handled:"
#: Tiles per row of the thumbnail atlas (a PNG stays well inside every texture limit).
_ATLAS_COLUMNS: Final = 64


@dataclass(frozen=True)
class MatrixColumns:
    """One layer's matrix: ``values`` is ``(points, dimensions)``, named by ``dimensions``."""

    layer: str
    title: str
    dimensions: Sequence[str]
    values: npt.NDArray[np.floating]
    #: One plot of the two dimensions (a 2-D map), not their matrix.
    pair: bool = False


def thumbnail_atlas(images: npt.NDArray[np.uint8], columns: int = _ATLAS_COLUMNS) -> bytes:
    """All ``(N, H, W, 3)`` images as one PNG, ``columns`` a row in order (the rest black)."""
    from PIL import Image

    count, height, width, _ = images.shape
    rows = -(-count // columns)
    atlas = np.zeros((rows * height, min(count, columns) * width, 3), dtype=np.uint8)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        atlas[row * height : (row + 1) * height, column * width : (column + 1) * width] = image
    buffer = io.BytesIO()
    Image.fromarray(atlas).save(buffer, format="PNG")
    return buffer.getvalue()


def _hex_rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def matrix_args(
    matrix_id: str,
    layers: Sequence[MatrixColumns],
    *,
    labels: npt.NDArray[np.integer],
    class_names: Sequence[str],
    palette: Sequence[str],
    images: npt.NDArray[np.uint8],
    cells: CellGrid | None = None,
    selection: Sequence[int] = (),
    store: FeatureStore | None = None,
) -> MatrixArgs:
    """Write the points and the atlas into the store; the frame's arguments that name them.

    Args:
        layers: each layer's columns, all with the same points in the same order.
        labels: each point's class (an index into ``class_names``).
        palette: one ``#rrggbb`` colour per class (cycled).
        images: the collection's images (per-cell points: ``cells`` says which of them).

    Raises:
        ValueError: when the layers' points differ in number from ``labels``.
    """
    from classroom.store import FeatureStore

    target = store or FeatureStore()
    count = len(labels)
    for columns in layers:
        if columns.values.shape != (count, len(columns.dimensions)):
            raise ValueError(
                f"{columns.title}: values are {columns.values.shape}, not "
                f"({count}, {len(columns.dimensions)}) (one row per point, one column per name)"
            )
    rows = [np.asarray(labels, dtype=np.float32)[None]]
    matrix_layers = []
    for columns in layers:
        first = sum(len(row) for row in rows)
        rows.append(np.asarray(columns.values, dtype=np.float32).T)
        matrix_layers.append(
            MatrixLayer(
                layer=columns.layer,
                title=columns.title,
                dimensions=list(columns.dimensions),
                first_row=first,
                pair=columns.pair,
            )
        )
    points = np.ascontiguousarray(np.concatenate(rows), dtype=np.float32)
    path = target.write_map(points)
    atlas = thumbnail_atlas(images)
    atlas_path = target.write_image(hashlib.sha256(atlas).hexdigest(), _ATLAS_COLUMNS, atlas)
    return MatrixArgs(
        matrix_id=matrix_id,
        url=file_url(path, path.name[:32]),
        count=count,
        rows=len(points),
        layers=matrix_layers,
        class_names=list(class_names),
        palette=[_hex_rgb(palette[i % len(palette)]) for i in range(len(class_names))],
        cells=cells,
        thumbnails=Thumbnails(
            url=file_url(atlas_path, atlas_path.name[:64]),
            tile_width=int(images.shape[2]),
            tile_height=int(images.shape[1]),
            columns=_ATLAS_COLUMNS,
            images=len(images),
        ),
        selection=[int(i) for i in selection],
    )


def scatter_matrix(args: MatrixArgs, *, key: str) -> SelectionEvent | None:
    """Draw the matrices; the selection of a brush just released, once, else ``None``.

    Brushing, highlighting and hovering never rerun the script; releasing a brush does once.
    """
    from classroom.component import declare
    from classroom.component.once import first_time

    raw = declare("scatter_matrix")(
        matrix=args.model_dump_json(by_alias=True), key=key, default=None
    )
    event = parse_selection(raw)
    if event is None:
        return None
    return event if first_time(_HANDLED_PREFIX, key, event.id) else None
