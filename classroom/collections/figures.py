"""The Plotly figures and pictures the collection views show (plain functions, no Streamlit).

Every point carries its image's index as ``customdata``, so a selection made in any plot (a box
or lasso brush, which Streamlit reports with the points' ``customdata``) names images, and every
other plot, of any layer or weights, highlights the same images: Seein' In's brushing and
linking. Points are drawn with WebGL (``scattergl``), which stays fluid with thousands.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "PALETTE",
    "embedding_figure",
    "matrix_figure",
    "mosaic_figure",
    "selected_images",
    "with_box",
]

#: Ten colours told apart in print and by most colour-blind viewers (Plotly's D3 / Tableau 10).
PALETTE: Final = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
_UNSELECTED_OPACITY: Final = 0.15


def _colour(label: int) -> str:
    return PALETTE[label % len(PALETTE)]


def _selected_positions(
    members: npt.NDArray[np.int64], chosen: Collection[int]
) -> list[int] | None:
    """Positions in a trace (whose points are images ``members``) of the chosen images; None
    when nothing is chosen (plotly then draws every point normally)."""
    if not chosen:
        return None
    return [position for position, image in enumerate(members) if int(image) in chosen]


def _layout(figure: go.Figure, title: str, height: int) -> None:
    figure.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        dragmode="lasso",
        clickmode="event+select",
        legend={"itemsizing": "constant"},
        uirevision=title,  # keep zoom and pan across reruns
    )


def embedding_figure(
    coordinates: npt.ArrayLike,
    labels: npt.ArrayLike,
    class_names: Sequence[str],
    chosen: Collection[int],
    title: str,
    *,
    height: int = 420,
) -> go.Figure:
    """A 2-D map, one trace (colour, legend entry) per class; chosen images highlighted."""
    import plotly.graph_objects as go

    points = np.asarray(coordinates, dtype=np.float32)
    classes = np.asarray(labels, dtype=np.int64)
    figure = go.Figure()
    for label, name in enumerate(class_names):
        members = np.flatnonzero(classes == label)
        if members.size == 0:
            continue
        figure.add_trace(
            go.Scattergl(
                x=points[members, 0],
                y=points[members, 1],
                mode="markers",
                name=name,
                # Plain ints, not a typed array: what the browser and the events hand back.
                customdata=members.tolist(),
                marker={"color": _colour(label), "size": 6},
                selectedpoints=_selected_positions(members, chosen),
                unselected={"marker": {"opacity": _UNSELECTED_OPACITY}},
                hovertemplate=f"{name} · image %{{customdata}}<extra></extra>",
            )
        )
    figure.update_xaxes(showticklabels=False)
    figure.update_yaxes(showticklabels=False, scaleanchor="x")
    _layout(figure, title, height)
    return figure


def matrix_figure(
    columns: Mapping[str, npt.ArrayLike],
    labels: npt.ArrayLike,
    class_names: Sequence[str],
    chosen: Collection[int],
    title: str,
    *,
    images: npt.ArrayLike | None = None,
) -> go.Figure:
    """A scatter-plot matrix: the entry in row ``i``, column ``j`` plots dimension ``j`` (x)
    against dimension ``i`` (y), so rows share a y axis and columns an x axis, and the
    diagonal plots each dimension against itself (Seein' In, section 3.1).

    ``images`` are the images the rows of ``columns`` are (default ``0..N-1``): a matrix of
    some classes only still names images of the whole collection.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = list(columns)
    values = [np.asarray(columns[name], dtype=np.float32) for name in names]
    classes = np.asarray(labels, dtype=np.int64)
    members = (
        np.arange(len(classes), dtype=np.int64)
        if images is None
        else np.asarray(images, dtype=np.int64)
    )
    colours = [_colour(int(label)) for label in classes]
    size = len(names)
    figure = make_subplots(
        rows=size,
        cols=size,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.02,
        vertical_spacing=0.02,
    )
    selected = _selected_positions(members, chosen)
    for row in range(size):
        for column in range(size):
            figure.add_trace(
                go.Scattergl(
                    x=values[column],
                    y=values[row],
                    mode="markers",
                    customdata=members.tolist(),
                    marker={"color": colours, "size": 4},
                    selectedpoints=selected,
                    unselected={"marker": {"opacity": _UNSELECTED_OPACITY}},
                    showlegend=False,
                    hovertemplate=f"{names[column]} %{{x:.2f}}<br>{names[row]} %{{y:.2f}}"
                    "<br>image %{customdata}<extra></extra>",
                ),
                row=row + 1,
                col=column + 1,
            )
        figure.update_yaxes(title_text=names[row], row=row + 1, col=1)
        figure.update_xaxes(title_text=names[row], row=size, col=row + 1)
    for label in sorted(set(classes.tolist())):  # a legend for the colours
        figure.add_trace(
            go.Scattergl(
                x=[None],
                y=[None],
                mode="markers",
                name=class_names[label],
                marker={"color": _colour(label), "size": 8},
                hoverinfo="skip",
            )
        )
    _layout(figure, title, 150 * size + 60)
    return figure


def mosaic_figure(tiled: npt.ArrayLike, columns: int, depth: int, title: str) -> go.Figure:
    """An average activation grid's channels as tiles of one heatmap (see
    :func:`classroom.collections.selection.mosaic`); hovering names the channel."""
    import plotly.graph_objects as go

    array = np.asarray(tiled, dtype=np.float32)
    height = (array.shape[0] + 1) // max(1, -(-depth // columns))
    width = (array.shape[1] + 1) // columns
    rows_index = np.arange(array.shape[0])[:, None] // height
    columns_index = np.arange(array.shape[1])[None, :] // width
    channel = rows_index * columns + columns_index
    figure = go.Figure(
        go.Heatmap(
            z=array,
            customdata=channel,
            colorscale="Viridis",
            hovertemplate="channel %{customdata}: %{z:.3f}<extra></extra>",
            hoverongaps=False,
        )
    )
    figure.update_yaxes(autorange="reversed", showticklabels=False, scaleanchor="x")
    figure.update_xaxes(showticklabels=False)
    figure.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return figure


def selected_images(event: Any) -> list[int] | None:
    """The image indices a Plotly selection event names (``customdata``); None if no event."""
    if event is None:
        return None
    selection = event.get("selection") if isinstance(event, Mapping) else None
    if selection is None:
        return None
    chosen: set[int] = set()
    for point in selection.get("points", []):
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, int | float) and not isinstance(data, bool):
            chosen.add(int(data))
    return sorted(chosen)


def with_box(
    image: npt.NDArray[np.uint8], box: tuple[int, int, int, int] | None, scale: int = 4
) -> npt.NDArray[np.uint8]:
    """``image`` enlarged ``scale`` times (nearest pixels, so cells stay sharp) with ``box``
    (``left, top, right, bottom``, image pixels) outlined in yellow."""
    from PIL import Image, ImageDraw

    picture = Image.fromarray(np.asarray(image, dtype=np.uint8)).resize(
        (image.shape[1] * scale, image.shape[0] * scale), Image.Resampling.NEAREST
    )
    if box is not None:
        left, top, right, bottom = box
        ImageDraw.Draw(picture).rectangle(
            (left * scale, top * scale, right * scale - 1, bottom * scale - 1),
            outline=(255, 221, 0),
            width=max(2, scale),
        )
    return np.asarray(picture)
