"""The collection views' scatter-plot matrix and embedding maps: the component's WebGL panel.

Each layer's (and weight set's) chosen dimensions, per image or per cell, go to the browser
once as a store file; brushing and hovering happen there, and the selection the brush leaves
becomes the view's selection of images, which the "selection -> average" and kNN views read.
No maths here beyond choosing columns and mapping points back to images.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import streamlit as st

from classroom.app.collection_ab import weights_label
from classroom.collections.figures import PALETTE
from classroom.collections.views import CollectionData
from classroom.component.matrix import MatrixColumns, matrix_args, scatter_matrix
from classroom.component.matrix_contract import CellGrid
from classroom.lessons.collection_views import CollectionView

__all__ = ["METHOD_NAMES", "Linked", "embedding_panel", "focus_key", "matrix_panel"]

#: The embedding methods' names for people.
METHOD_NAMES: Final = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
#: At most this many points per cell: the points file stays a few MB (the browser fetches it whole).
_MOST_CELL_POINTS: Final = 100_000
#: At most this many dimensions a matrix (8 x 8 plots, as Seein' In's).
_MOST_DIMENSIONS = 8


def focus_key(collection: str, layer: str) -> str:
    """Where a channel clicked under a selection's average grid waits for the layer's
    scatter-plot matrices, which then plot it first (Seein' In: from the feature-map display
    to the dimension)."""
    return f"collection-focus/{collection}/{layer}"


@dataclass(frozen=True)
class Linked:
    """A view's plots and its one selection of images.

    Attributes:
        key: the view's key (each frame keeps its last brushed points under it).
        panels: the (layer, weights) plotted, in order.
        chosen: the view's selected images (a frame opens with its brushed points among them).
        choose: hands the images of a released brush to the view.
    """

    key: str
    panels: Sequence[tuple[str, str]]
    chosen: set[int]
    choose: Callable[[list[int]], None]


def _dimensions(
    data: CollectionData, view: CollectionView, panel: tuple[str, str], among: npt.NDArray[np.int64]
) -> tuple[list[int], str | None]:
    """The channels plotted, the tracking channel first when the view measures a property."""
    layer, weights = panel
    depth = data.vectors(weights, layer).channels
    dimensions = [d for d in (view.dimensions or range(min(4, depth))) if d < depth]
    focus = st.session_state.get(focus_key(data.collection.name, layer))
    if isinstance(focus, int) and 0 <= focus < depth:
        dimensions = [focus, *[d for d in dimensions if d != focus]]
    if view.measure is None:
        return dimensions[:_MOST_DIMENSIONS], None
    channel, r = data.tracking(weights, layer, view.measure, list(among))
    note = (
        f"{layer} · {weights_label(weights)}: channel {channel} follows the measured "
        f"{view.measure} most closely among these images (Pearson's r = {r:+.2f})."
    )
    return [channel, *[d for d in dimensions if d != channel]][:4], note


def _columns(
    data: CollectionData,
    view: CollectionView,
    panel: tuple[str, str],
    among: npt.NDArray[np.int64],
    per_cell: bool,
) -> tuple[MatrixColumns, str | None]:
    layer, weights = panel
    dimensions, note = _dimensions(data, view, panel, among)
    vectors = data.vectors(weights, layer)
    title = f"{layer} · {weights_label(weights)}"
    names = [f"{layer}[{d}]" for d in dimensions]
    if per_cell:
        cells = vectors.cells[among]
        values = cells.reshape(-1, cells.shape[-1])[:, dimensions]
        return MatrixColumns(layer, f"{title} · per cell", names, values), note
    values = vectors.pooled[among][:, dimensions]
    if view.measure is not None:
        names = [view.measure, *names]
        measured = data.measured(view.measure)[among][:, None]
        values = np.concatenate([measured, values], axis=1)
    return MatrixColumns(layer, f"{title} · per image", names, values), note


def _grid(data: CollectionData, layer: str, shape: tuple[int, int]) -> CellGrid:
    """Each cell's receptive field from the network registry."""
    from classroom.collections.patches import receptive_box
    from classroom.networks import registry

    spec = registry.architecture(data.model).layer(layer)
    rows, columns = shape
    boxes = [
        list(receptive_box(spec, row, column, data.size))
        for row in range(rows)
        for column in range(columns)
    ]
    return CellGrid(rows=rows, columns=columns, boxes=boxes)


def matrix_panel(data: CollectionData, view: CollectionView, linked: Linked) -> None:
    """Each panel's (layer, weights) matrix side by side in one WebGL frame, linked; one point
    per image, or per cell (``points: cells``).

    Per cell, the points of all matrices must be the same cells, so only the first layer's
    panels (its weight sets) are shown, and the caption says so.
    """
    among = data.members(view.among)
    panels = linked.panels
    per_cell = view.points == "cells"
    if per_cell:
        shown = [panel for panel in panels if panel[0] == panels[0][0]]
        if len(shown) < len(panels):
            st.caption(
                f"Per cell, the matrices show {panels[0][0]} only (its cells are the points)."
            )
        panels = shown
        cells = int(np.prod(data.vectors(panels[0][1], panels[0][0]).cells.shape[1:3]))
        if len(among) * cells > _MOST_CELL_POINTS:
            among = among[: max(1, _MOST_CELL_POINTS // cells)]
            st.caption(
                f"Per cell, the first {len(among)} images' {len(among) * cells:,} cells "
                f"({cells} an image) are the points."
            )
    built = [_columns(data, view, panel, among, per_cell) for panel in panels]
    for _, note in built:
        if note is not None:
            st.caption(note)
    grid = None
    if per_cell:
        shape = data.vectors(panels[0][1], panels[0][0]).cells.shape[1:3]
        grid = _grid(data, panels[0][0], (int(shape[0]), int(shape[1])))
    _draw(data, [columns for columns, _ in built], among, grid, linked=linked, what=view.points)


def embedding_panel(data: CollectionData, view: CollectionView, linked: Linked) -> None:
    """Each panel's 2-D map (PCA, t-SNE or UMAP) side by side in the same WebGL frame as the
    matrix (one plot each), linked, with the pointed image's thumbnail."""
    method = METHOD_NAMES[view.method]
    columns = [
        MatrixColumns(
            layer,
            f"{layer} · {weights_label(weights)} · {method}",
            [f"{method} 1", f"{method} 2"],
            data.map(weights, layer, view.method),
            pair=True,
        )
        for layer, weights in linked.panels
    ]
    among = np.arange(len(data.collection), dtype=np.int64)
    _draw(data, columns, among, None, linked=linked, what=view.method)


def _draw(
    data: CollectionData,
    columns: Sequence[MatrixColumns],
    among: npt.NDArray[np.int64],
    grid: CellGrid | None,
    *,
    linked: Linked,
    what: str,
) -> None:
    """The frame of ``columns`` (points: the images ``among``, or their cells per ``grid``);
    it opens with the last brushed points whose images are still chosen, and hands a
    released brush's images to ``linked.choose``."""
    per_image = 1 if grid is None else grid.rows * grid.columns
    labels = np.repeat(data.collection.labels[among], per_image)
    key = f"{linked.key}/{what}"
    kept = f"collection-points/{key}"
    previous = [
        p
        for p in st.session_state.get(kept, [])
        if p < len(labels) and int(among[p // per_image]) in linked.chosen
    ]
    args = matrix_args(
        f"{key}/{len(among)}",
        columns,
        labels=labels,
        class_names=data.collection.class_names,
        palette=PALETTE,
        images=data.collection.images[among],
        cells=grid,
        selection=previous,
    )
    event = scatter_matrix(args, key=f"{key}/matrix")
    if event is None:
        return
    st.session_state[kept] = event.points
    linked.choose(sorted({int(among[point // per_image]) for point in event.points}))
