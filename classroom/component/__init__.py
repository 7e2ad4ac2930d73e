"""The similarity-view Streamlit component: one typed function and the helpers that feed it.

(The step navigator, Back and Next, is :mod:`classroom.component.navigator`: the same bundle.)

The app builds :class:`~classroom.component.contract.ViewArgs` from prepared store entries with
:func:`view_args` and draws the view with :func:`similarity_view`. The browser fetches the
feature files itself (once per session, by URL), so a rerun sends only small JSON.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.component.across import across_panel
from classroom.component.contract import (
    AcrossPanel,
    ActivationsPanel,
    Colormap,
    MapPanel,
    MetricLegend,
    SimilarityPanel,
    TilesPanel,
    ViewArgs,
    ViewEvent,
    ViewState,
    parse_event,
)
from classroom.component.once import first_time
from classroom.component.panels import activations_panel, map_panel, result_panels, tiles_panel
from classroom.component.sources import layer_source, receptive_field, view_image
from classroom.networks.labels import model_title

if TYPE_CHECKING:
    from streamlit.components.v1.custom_component import CustomComponent

    from classroom.similarity import Colormap as ColormapName
    from classroom.similarity import Metric
    from classroom.store import FeatureStore, PreparedLayer

__all__ = [
    "BUILD_DIR",
    "DEV_URL_ENV",
    "BundleMissingError",
    "across_panel",
    "activations_panel",
    "colormap",
    "declare",
    "layer_source",
    "map_panel",
    "metric_legends",
    "receptive_field",
    "result_panels",
    "similarity_view",
    "tiles_panel",
    "view_args",
]

#: The built bundle (``npm run build`` writes it; wheels carry it).
BUILD_DIR: Final = Path(__file__).resolve().parent / "frontend_build"
#: Set to a Vite dev server URL (``npm run dev``) to develop the frontend with hot reload.
DEV_URL_ENV: Final = "CLASSROOM_COMPONENT_DEV_URL"
_HANDLED_PREFIX: Final = "_classroom_similarity_view_handled:"


class BundleMissingError(RuntimeError):
    """The component's built frontend is not where the package expects it."""


@cache
def declare(name: str = "similarity_view") -> CustomComponent:
    """The Streamlit component ``name`` served from the bundle (or the Vite dev server).

    Declared here, so that Streamlit names it ``classroom.component.<name>``: the view and
    the step navigator are one bundle, one download per browser; each frame draws what its
    arguments ask for.
    """
    import streamlit.components.v1 as components

    dev_url = os.environ.get(DEV_URL_ENV)
    if dev_url:
        return components.declare_component(name, url=dev_url)
    if not (BUILD_DIR / "index.html").is_file():
        raise BundleMissingError(
            f"the similarity view's frontend bundle is missing ({BUILD_DIR / 'index.html'}); "
            "run `python3 dev.py setup` to build it"
        )
    return components.declare_component(name, path=BUILD_DIR)


def _file_urls(args: ViewArgs) -> list[str]:
    across = [
        url
        for panel in args.panels
        if isinstance(panel, AcrossPanel)
        for other in panel.images
        for url in (other.image.url, other.source.url)
    ]
    return [args.image.url, *(layer.url for layer in args.layers), *across]


def similarity_view(args: ViewArgs, *, key: str) -> ViewEvent | None:
    """Draw the synchronized multi-layer similarity view.

    Args:
        args: what to show (see :func:`view_args`).
        key: the Streamlit element key; keep it stable so the browser keeps its state and
            its fetched feature data across reruns.

    Returns:
        The user's latest deliberate action (pin, lock, release, step) the first time this
        function sees it, else ``None``. Pointer movement never triggers a rerun.
    """
    from classroom.file_cache import FileCache
    from classroom.store import FeatureStore

    # The browser asks for these files next: check and compress them meanwhile.
    FileCache.shared().warm(
        FeatureStore(), [url.split("?")[0].rsplit("/", 1)[-1] for url in _file_urls(args)]
    )
    # As a JSON string: Streamlit checks a dict argument for being a data frame, which imports
    # pandas (over a second in a fresh process); a string it passes as it is.
    raw = declare()(args=args.model_dump_json(by_alias=True), key=key, default=None)
    event = parse_event(raw)
    if event is None:
        return None
    return event if first_time(_HANDLED_PREFIX, key, event.id) else None


def colormap(name: ColormapName = "viridis") -> Colormap:
    """The colour table the browser uses, taken from the numpy reference."""
    from classroom.similarity import colour_lut

    return Colormap(name=name, colours=colour_lut(name).tolist())


def metric_legends() -> list[MetricLegend]:
    """Every metric the view offers, with its legend, from the numpy reference."""
    from classroom.similarity import METRIC_LEGENDS

    return [
        MetricLegend(name=name, title=title, meaning=meaning)
        for name, (title, meaning) in METRIC_LEGENDS.items()
    ]


def view_args(
    view_id: str,
    layers: Sequence[PreparedLayer],
    *,
    store: FeatureStore | None = None,
    preset: ViewState | None = None,
    chart_layer: str | None = None,
    colormap_name: ColormapName = "viridis",
    presenter: bool = False,
    caption: str = "",
    metric: Metric = "angular",
    extra_panels: Sequence[MapPanel | ActivationsPanel | AcrossPanel | TilesPanel] = (),
) -> ViewArgs:
    """Arguments for one view of prepared layers of a single image and model.

    Args:
        view_id: changes whenever the app moves to another view (lesson step, image); the
            browser then applies ``preset`` instead of keeping the user's state.
        layers: the prepared entries, one panel each, in display order.
        store: where the analysis image lives (default: the configured store).
        preset: reference / pinned pixel and lock to apply when ``view_id`` changes.
        chart_layer: the layer whose feature vector the bar chart shows (default: the first).
        metric: how the view compares cells with the reference when it opens.
        extra_panels: shown after the layers' similarity panels (:func:`map_panel`,
            :func:`tiles_panel`, :func:`activations_panel`, :func:`across_panel`).

    Raises:
        ValueError: if ``layers`` is empty or mixes images or models, naming the offender.
    """
    from classroom.store import FeatureStore

    if not layers:
        raise ValueError("a view needs at least one prepared layer")
    first = layers[0].header
    for prepared in layers[1:]:
        key = prepared.header.key
        if (key.image_sha256, key.max_side) != (first.key.image_sha256, first.key.max_side):
            raise ValueError(
                f"{prepared.path.name} ({key.layer}) was computed on another image than "
                f"{layers[0].path.name}; one view shows one image"
            )
        if key.model != first.key.model:
            raise ValueError(
                f"{prepared.path.name} is from {key.model}, not {first.key.model}; "
                "one view shows one model"
            )
    names = [prepared.header.key.layer for prepared in layers]
    if chart_layer is not None and chart_layer not in names:
        raise ValueError(f"chart layer {chart_layer!r} is not among the view's layers {names}")
    return ViewArgs(
        view_id=view_id,
        image=view_image(layers[0], store or FeatureStore(), caption),
        layers=[layer_source(prepared) for prepared in layers],
        panels=[SimilarityPanel(kind="similarity", layer=name) for name in names]
        + list(extra_panels),
        preset=preset or ViewState(),
        chart_layer=chart_layer,
        colormap=colormap(colormap_name),
        model=model_title(first.key.model),
        presenter=presenter,
        metric=metric,
        metrics=metric_legends(),
    )
