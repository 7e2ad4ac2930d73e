"""Collection views (issue 14): a lesson step's ``view:`` and the Collections page.

Composes :class:`~classroom.collections.views.CollectionData`'s answers into widgets: the
component's WebGL maps and matrices (``collection_matrix.py``), whose brushes are linked
through one selection of images per view, image strips, a progress bar with an ETA while
vectors are computed. No maths here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from classroom.app.channel_images import channel_generation
from classroom.app.collection_ab import (
    ACROSS_KIND,
    ab_rows,
    lesson_checkpoints,
    session_weight_sets,
    weights_label,
)
from classroom.app.collection_matrix import (
    METHOD_NAMES,
    Linked,
    embedding_panel,
    focus_key,
    matrix_panel,
)
from classroom.app.state import plain, uses_untrained
from classroom.collections.figures import mosaic_figure, with_box
from classroom.collections.views import CollectionData, Neighbours
from classroom.lessons import Lesson
from classroom.lessons.collection_views import CollectionView, LessonCollection

__all__ = ["collection_data", "collection_view", "collections_page"]

_STRIP = 12


@st.cache_resource(show_spinner=False, max_entries=8)
def collection_data(entry: LessonCollection, model: str, store_root: str) -> CollectionData:
    """One collection per process (the images made once, vectors cached as they are asked)."""
    from classroom.collections.cache import ArrayCache
    from classroom.preparation.collections import load_lesson_collection
    from classroom.store import FeatureStore

    collection = load_lesson_collection(entry)
    return CollectionData(collection, model, ArrayCache(FeatureStore(Path(store_root))))


def _prepare(data: CollectionData, weights: str, layers: Sequence[str]) -> None:
    """Vectors for ``layers``; a progress bar with an ETA only while some are computed."""
    slot = st.empty()
    started = time.monotonic()

    def report(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0.0
        text = (
            f"Vectors ({weights_label(weights)}): {done} of {total} images, about {left:.0f} s left"
        )
        slot.progress(done / total, text=text)

    data.prepare(weights, layers, report)
    slot.empty()


def _selection_key(view_key: str) -> str:
    return f"collection-selection/{view_key}"


def _chosen(view_key: str) -> set[int]:
    return set(st.session_state.get(_selection_key(view_key), []))


def _strip(data: CollectionData, images: Sequence[int], captions: Sequence[str]) -> None:
    pictures = [with_box(data.collection.images[i], None, scale=2) for i in images]
    if pictures:
        st.image(pictures, caption=list(captions), width=72)


def _selection_summary(data: CollectionData, view_key: str) -> None:
    chosen = sorted(_chosen(view_key))
    if not chosen:
        st.caption(
            "Drag a box in any plot (Alt-drag: a lasso) to select images; they light up in "
            "every plot."
        )
        return
    names = data.collection.class_names
    counts: dict[str, int] = {}
    for index in chosen:
        counts[names[data.collection.labels[index]]] = (
            counts.get(names[data.collection.labels[index]], 0) + 1
        )
    shown = ", ".join(f"{count} of {name}" for name, count in sorted(counts.items()))
    st.markdown(f"**Selected {len(chosen)} images:** {shown}")
    left, right = st.columns([1, 5])
    left.image(with_box(data.average_input(chosen), None, scale=3), caption="their average")
    with right:
        _strip(data, chosen[: _STRIP * 2], [names[data.collection.labels[i]] for i in chosen])
    if st.button("Clear the selection", key=f"{view_key}/clear"):
        st.session_state[_selection_key(view_key)] = []
        st.rerun()


def _panels(view: CollectionView) -> list[tuple[str, str]]:
    return [panel for row in ab_rows(view.layers or [], view.weights) for panel in row]


def _side_by_side(view: CollectionView) -> list[tuple[DeltaGenerator, str, str]]:
    """Each layer's weight sets in one row of columns (A/B), as (column, layer, weights)."""
    return [
        (column, layer, weights)
        for row in ab_rows(view.layers or [], view.weights)
        for column, (layer, weights) in zip(st.columns(len(row)), row, strict=True)
    ]


def _choose(view_key: str) -> Callable[[list[int]], None]:
    """A released brush's images become the view's selection (one rerun, when they differ)."""

    def choose(images: list[int]) -> None:
        if images != sorted(_chosen(view_key)):
            st.session_state[_selection_key(view_key)] = images
            st.rerun()

    return choose


def _plots(data: CollectionData, view: CollectionView, view_key: str) -> None:
    """The embedding maps or the scatter-plot matrices, brushed and linked, and the summary."""
    linked = Linked(view_key, _panels(view), _chosen(view_key), _choose(view_key))
    (embedding_panel if view.kind == "embedding" else matrix_panel)(data, view, linked)
    _selection_summary(data, view_key)


def _neighbour_row(data: CollectionData, found: Neighbours, k: int) -> None:
    names = data.collection.class_names
    st.markdown(f"**{found.space}:** {found.same_label} of {k} share the query's label")
    _strip(data, list(found.images), [names[data.collection.labels[i]] for i in found.images])


def _neighbours(data: CollectionData, view: CollectionView, view_key: str) -> None:
    count = len(data.collection)
    query = st.number_input(
        "Query image", 0, count - 1, min(view.query, count - 1), key=f"{view_key}/query"
    )
    names = data.collection.class_names
    st.image(
        with_box(data.collection.images[query], None, scale=3),
        caption=f"query: {names[data.collection.labels[query]]}",
        width=144,
    )
    for column, layer, weights in _side_by_side(view):
        with column:
            _neighbour_row(data, data.neighbours(weights, layer, query, view.k), view.k)
    _neighbour_row(data, data.pixel_neighbours(query, view.k), view.k)
    _similar_cells(data, view, view_key, int(query))


def _similar_cells(data: CollectionData, view: CollectionView, view_key: str, query: int) -> None:
    """One cell of the query against every cell of the collection (the similarity view's
    maths): the other images' most similar cells, with their receptive fields."""
    layer, weights = _panels(view)[0]
    grid = data.vectors(weights, layer).cells.shape[1:3]
    left, right = st.columns(2)
    row = left.number_input("Cell row", 0, grid[0] - 1, grid[0] // 2, key=f"{view_key}/row")
    column = right.number_input(
        "Cell column", 0, grid[1] - 1, grid[1] // 2, key=f"{view_key}/column"
    )
    found = data.similar_cells(weights, layer, query, (int(row), int(column)), view.k)
    names = data.collection.class_names
    st.markdown(
        f"**Cells like cell ({row}, {column}) of the query in {layer} · {weights_label(weights)}:**"
    )
    st.image(
        [with_box(data.collection.images[p.image], p.box, scale=3) for p in found],
        caption=[f"{names[data.collection.labels[p.image]]} · {p.value:.2f}" for p in found],
        width=96,
    )


def _average(data: CollectionData, view: CollectionView, view_key: str) -> None:
    chosen = sorted(_chosen(view_key)) or list(data.members(view.select))
    names = data.collection.class_names
    st.image(
        with_box(data.average_input(chosen), None, scale=4),
        caption=f"average input of {len(chosen)} images",
    )
    columns = st.columns(len(_panels(view)))
    for column, (layer, weights) in zip(columns, _panels(view), strict=True):
        tiled, tiles, depth = data.average_mosaic(weights, layer, chosen)
        title = f"{layer} · {weights_label(weights)}: average map of each channel"
        column.plotly_chart(
            mosaic_figure(tiled, tiles, depth, title), key=f"{view_key}/{layer}/{weights}/avg"
        )
        with column:
            _jump_buttons(data, layer, weights, chosen, f"{view_key}/{layer}/{weights}/jump")
    classes = sorted({names[data.collection.labels[i]] for i in chosen})
    st.caption(f"Classes in the selection: {', '.join(classes)}")


#: How many of the average grid's strongest channels get a button.
_JUMPS = 5


def _jump_buttons(
    data: CollectionData, layer: str, weights: str, chosen: Sequence[int], key: str
) -> None:
    """A button per strongest channel of the average grid: clicking one plots that channel
    first in the layer's scatter-plot matrices (and, on the Collections page, shows them)."""
    strongest = data.strongest_channels(weights, layer, chosen, _JUMPS)
    st.caption("Strongest channels on average; click one to plot it in the scatter-plot matrix:")
    for column, channel in zip(st.columns(len(strongest)), strongest, strict=True):
        column.button(
            f"channel {channel}",
            key=f"{key}/{channel}",
            on_click=_focus,
            args=(data.collection.name, layer, channel),
        )
    focus = st.session_state.get(focus_key(data.collection.name, layer))
    if focus is not None:
        st.caption(f"Channel {focus} is plotted first in {layer}'s scatter-plot matrices.")


def _focus(collection: str, layer: str, channel: int) -> None:
    """The button's callback (before the rerun, so that it may set the page's View menu)."""
    st.session_state[focus_key(collection, layer)] = channel
    if "collections/kind" in st.session_state:  # the Collections page: show the matrix
        st.session_state["collections/kind"] = "matrix"


def _patches(data: CollectionData, view: CollectionView, view_key: str) -> None:
    among = data.members(view.among)
    channel = st.number_input(
        "Channel", 0, None, view.channel or 0, key=f"{view_key}/channel", step=1
    )
    names = data.collection.class_names
    for column, layer, weights in _side_by_side(view):
        depth = data.vectors(weights, layer).channels
        if channel >= depth:
            column.warning(f"{layer} has channels 0 to {depth - 1}.")
            continue
        found = data.patches(weights, layer, int(channel), list(among))
        column.markdown(
            f"**{layer} · {weights_label(weights)}, channel {channel}:** the strongest cell "
            "of each image"
        )
        column.image(
            [with_box(data.collection.images[p.image], p.box, scale=3) for p in found],
            caption=[f"{names[data.collection.labels[p.image]]} · {p.value:.2f}" for p in found],
            width=128,
        )
        with column:
            channel_generation(
                data.model, weights, layer, int(channel), f"{view_key}/{layer}/{weights}/generate"
            )


_VIEWS = {
    "embedding": _plots,
    "matrix": _plots,
    "neighbours": _neighbours,
    "average": _average,
    "patches": _patches,
}


def collection_view(
    entry: LessonCollection, model: str, view: CollectionView, view_key: str, store_root: Path
) -> None:
    """Show ``view`` of collection ``entry`` on network ``model``, with the weight sets this
    session shows (an untrained session shows the untrained network, and says so)."""
    shown, notice = session_weight_sets(view.weights, untrained=uses_untrained())
    if notice is not None:
        st.info(notice, icon=":material/casino:")
    view = view.model_copy(update={"weights": shown})
    with st.spinner("Making the collection's images...", show_time=True):
        data = collection_data(entry, model, str(store_root))
    selection = _selection_key(view_key)
    if selection not in st.session_state and view.select:
        st.session_state[selection] = [int(i) for i in data.members(view.select)]
    from classroom.trained.weights import TrainedWeightsError

    for weights in view.weights:
        try:
            _prepare(data, weights, view.layers or [])
        except TrainedWeightsError as error:  # a checkpoint that does not load or fit
            st.error(f"These weights cannot be shown: {plain(str(error))}", icon=":material/error:")
            return
    st.caption(
        f"Collection **{plain(entry.name)}**: {len(data.collection)} images, classes "
        f"{', '.join(data.collection.class_names)} · network {model}"
    )
    _VIEWS[view.kind](data, view, view_key)


def collections_page(
    store_root: Path,
    checkpoints: Sequence[Lesson] = (),
    across: Callable[[LessonCollection, str, str, str, str], None] | None = None,
) -> None:
    """Any collection of the trained networks, any view: the app's Collections page.

    Args:
        checkpoints: the lessons whose collection views name checkpoints of their own; the
            Weights menu lists those of the chosen network beside trained and untrained.
        across: draws the cross-image view with the first chosen weight set
            (:func:`classroom.app.collection_across.collection_across`; handed in, since it
            draws the lesson page's similarity view, which imports this module).
    """
    from classroom.networks import registry

    st.header("Collections", anchor=False)
    st.markdown("A whole set of labelled images seen by a network, layer by layer.")
    left, middle, right = st.columns(3)
    model = left.selectbox("Network", ["digits", "shapes"], key="collections/model")
    count = middle.slider("Images", 50, 1000, 300, 50, key="collections/count")
    kind = right.selectbox(
        "View",
        ["embedding", "matrix", "neighbours", "average", "patches", ACROSS_KIND],
        key="collections/kind",
        help="across: one image's reference pixel lights up other images of the collection",
    )
    architecture = registry.architecture(model)
    layers = st.multiselect(
        "Layers",
        architecture.layer_names,
        list(architecture.default_layers)[-2:],
        max_selections=3,
        key=f"collections/{model}/layers",
    )
    weights = st.multiselect(
        "Weights",
        ["trained", "untrained", *lesson_checkpoints(checkpoints, model)],
        ["trained"],
        max_selections=2,
        format_func=weights_label,
        key=f"collections/{model}/weights",
    )
    method = st.radio(
        "Map",
        ["pca", "tsne", "umap"],
        index=1,
        horizontal=True,
        format_func=METHOD_NAMES.__getitem__,
        key="collections/method",
    )
    points = "images"
    if kind == "matrix":
        points = st.radio(
            "Points",
            ["images", "cells"],
            horizontal=True,
            format_func={"images": "one per image", "cells": "one per cell"}.__getitem__,
            key="collections/points",
        )
    if not layers or not weights:
        st.info("Choose at least one layer and one weight set.")
        return
    entry = LessonCollection.model_validate({"name": model, "source": model, "count": count})
    if kind == ACROSS_KIND:  # the similarity view's cross-image panel, the first weight set
        if across is not None:
            across(entry, model, layers[-1], f"page/{model}/{count}/across", weights[0])
        return
    view = CollectionView.model_validate(
        {
            "kind": kind,
            "collection": model,
            "layers": layers,
            "weights": weights,
            "method": method,
            "points": points,
        }
    )
    collection_view(entry, model, view, f"page/{model}/{count}/{kind}", store_root)
