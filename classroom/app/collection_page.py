"""Collection views (issue 14): a lesson step's ``view:`` and the Collections page.

Composes :class:`~classroom.collections.views.CollectionData`'s answers into widgets: Plotly
charts (WebGL points) whose box or lasso selections are linked through one selection per
view, image strips, a progress bar with an ETA while vectors are computed. No maths here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
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
from classroom.app.state import plain, uses_untrained
from classroom.collections.figures import (
    embedding_figure,
    matrix_figure,
    mosaic_figure,
    selected_images,
    with_box,
)
from classroom.collections.views import CollectionData, Neighbours
from classroom.lessons import Lesson
from classroom.lessons.collection_views import CollectionView, LessonCollection

__all__ = ["collection_data", "collection_view", "collections_page"]

_METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
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


def _linked_chart(figure: object, view_key: str, chart: str) -> None:
    """Draw ``figure``; a new box or lasso selection in it becomes the view's selection, which
    every other chart of the view then highlights (after the rerun it triggers).

    Streamlit derives a chart's identity from its figure as well as its key, so a figure that
    highlights a new selection is a new chart with an empty selection of its own. An empty
    selection therefore never clears the view's (that looped: cleared, redrawn, selected
    again, forever); "Clear the selection" does.
    """
    event = st.plotly_chart(
        figure,
        key=f"{view_key}/{chart}",
        on_select="rerun",
        selection_mode=("box", "lasso", "points"),
        config={"displaylogo": False},
        width="stretch",
    )
    picked = selected_images(event)
    if picked and picked != sorted(_chosen(view_key)):
        st.session_state[_selection_key(view_key)] = picked
        st.rerun()


def _strip(data: CollectionData, images: Sequence[int], captions: Sequence[str]) -> None:
    pictures = [with_box(data.collection.images[i], None, scale=2) for i in images]
    if pictures:
        st.image(pictures, caption=list(captions), width=72)


def _selection_summary(data: CollectionData, view_key: str) -> None:
    chosen = sorted(_chosen(view_key))
    if not chosen:
        st.caption("Brush (box or lasso) in any plot to select images; they light up in all.")
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


def _embedding(data: CollectionData, view: CollectionView, view_key: str) -> None:
    for column, layer, weights in _side_by_side(view):
        with column:
            coordinates = data.map(weights, layer, view.method)
            title = f"{layer} · {weights_label(weights)} · {_METHOD_NAMES[view.method]}"
            figure = embedding_figure(
                coordinates,
                data.collection.labels,
                data.collection.class_names,
                _chosen(view_key),
                title,
            )
            _linked_chart(figure, view_key, f"{weights}/{layer}/{view.method}")
    _selection_summary(data, view_key)


def _matrix(data: CollectionData, view: CollectionView, view_key: str) -> None:
    among = data.members(view.among)
    for column, layer, weights in _side_by_side(view):
        with column:
            _matrix_plot(data, view, view_key, (layer, weights), among)
    _selection_summary(data, view_key)


def _matrix_plot(
    data: CollectionData,
    view: CollectionView,
    view_key: str,
    panel: tuple[str, str],
    among: npt.NDArray[np.int64],
) -> None:
    """One layer's scatter-plot matrix with one weight set."""
    layer, weights = panel
    vectors = data.vectors(weights, layer).pooled[among]
    dimensions = list(view.dimensions or range(min(4, vectors.shape[1])))
    columns: dict[str, npt.NDArray[np.floating]] = {}
    if view.measure is not None:
        channel, r = data.tracking(weights, layer, view.measure, list(among))
        columns[view.measure] = data.measured(view.measure)[among]
        dimensions = [channel, *[d for d in dimensions if d != channel]][:4]
        st.caption(
            f"{layer} · {weights_label(weights)}: channel {channel} follows the measured "
            f"{view.measure} most closely among these images (Pearson's r = {r:+.2f})."
        )
    for dimension in dimensions:
        columns[f"{layer}[{dimension}]"] = vectors[:, dimension]
    figure = matrix_figure(
        columns,
        data.collection.labels[among],
        data.collection.class_names,
        _chosen(view_key),
        f"{layer} · {weights_label(weights)}: per-image dimensions",
        images=among,
    )
    _linked_chart(figure, view_key, f"{weights}/{layer}/matrix")


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
    classes = sorted({names[data.collection.labels[i]] for i in chosen})
    st.caption(f"Classes in the selection: {', '.join(classes)}")


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
    "embedding": _embedding,
    "matrix": _matrix,
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
    across: Callable[[LessonCollection, str, str, str], None] | None = None,
) -> None:
    """Any collection of the trained networks, any view: the app's Collections page.

    Args:
        checkpoints: the lessons whose collection views name checkpoints of their own; the
            Weights menu lists those of the chosen network beside trained and untrained.
        across: draws the cross-image view (:func:`classroom.app.collection_across.
            collection_across`; handed in, since it draws the lesson page's similarity view,
            which imports this module).
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
        format_func=_METHOD_NAMES.__getitem__,
        key="collections/method",
    )
    if not layers or not weights:
        st.info("Choose at least one layer and one weight set.")
        return
    entry = LessonCollection.model_validate({"name": model, "source": model, "count": count})
    if kind == ACROSS_KIND:  # the similarity view's cross-image panel, this session's weights
        if across is not None:
            across(entry, model, layers[-1], f"page/{model}/{count}/across")
        return
    view = CollectionView.model_validate(
        {"kind": kind, "collection": model, "layers": layers, "weights": weights, "method": method}
    )
    collection_view(entry, model, view, f"page/{model}/{count}/{kind}", store_root)
