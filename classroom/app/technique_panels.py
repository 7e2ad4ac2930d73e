"""The techniques of a step and of the picker: their maps into the view, the rest beside it.

A technique's image-sized maps (Grad-CAM, saliency, occlusion, receptive fields, similarity)
are painted by the view itself, as the contract's ``map`` panels under the similarity panels:
WebGL over the image, the renderer's legend, the pointer shared with every panel. So the page
computes results *before* it draws the view (:func:`step_techniques` and
:func:`technique_picker` return them; :func:`view_maps` turns them into panels). Tiled maps
(a bank of filters, a page of channels) are the view's ``tiles`` panels: a WebGL grid with
the tile under the pointer (or chosen with the arrow keys) enlarged beside it. What the view
does not draw stays Streamlit's: a single picture (guided backpropagation in colour) and the
top-5 as a table. Results come from
the store (``classroom prepare`` computed a lesson's); one that is missing is computed once,
with a progress bar, and cached for every session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import streamlit as st

from classroom import networks
from classroom.app.state import plain, session_weights_file, uses_untrained
from classroom.component import result_panels
from classroom.component.contract import MapPanel, TilesPanel
from classroom.component.panels import drawn_by_view
from classroom.lessons import Lesson, Step
from classroom.preparation.techniques import TechniqueJob, compute_technique, read_technique
from classroom.session import Point
from classroom.store import FeatureStore
from classroom.techniques import TechniqueRequest, TechniqueResult, technique, techniques
from classroom.techniques.figure import figure_png, legend
from classroom.techniques.running import class_names_of

__all__ = ["FIRST_LAYER", "show_rest", "step_techniques", "technique_picker", "view_maps"]


def _result(job: TechniqueJob) -> TechniqueResult | None:
    """The cached result, else computed now with a progress bar (None on failure, shown)."""
    store = FeatureStore()
    untrained, weights_file = uses_untrained(), session_weights_file()
    try:
        cached = read_technique(job, store, untrained=untrained, weights_file=weights_file)
        if cached is not None:
            return cached
        bar = st.progress(0.0, text=f"Computing {job.request.label}")

        def advance(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Computing {job.request.label}")

        result = compute_technique(
            job, store, untrained=untrained, weights_file=weights_file, progress=advance
        )
        bar.empty()
    except (ValueError, OSError, networks.WeightsUnavailableError) as error:
        st.warning(f"{job.request.label}: {plain(str(error))}", icon=":material/error:")
        return None
    return result


def view_maps(results: Iterable[TechniqueResult | None]) -> list[MapPanel | TilesPanel]:
    """The view's map and tiles panels for the maps of ``results`` it draws, in order (None
    skipped)."""
    return [panel for result in results if result is not None for panel in result_panels(result)]


def _has_rest(result: TechniqueResult, *, top5: bool) -> bool:
    return any(not drawn_by_view(item) for item in result.maps) or (
        top5 and bool(result.predictions)
    )


def show_rest(result: TechniqueResult, *, top5: bool = True) -> None:
    """What the view does not draw: a single picture with its legend, the top-5 table."""
    for item in result.maps:
        if not drawn_by_view(item):
            st.image(figure_png(item), caption=item.title, width="stretch")
            st.caption(plain(legend(item)))
    if top5 and result.predictions:
        st.table(
            {
                "class": [p.label for p in result.predictions],
                "probability": [f"{p.probability:.1%}" for p in result.predictions],
            }
        )


def _jobs(lesson: Lesson, step: Step) -> list[TechniqueJob]:
    image = lesson.image(step.image).path
    names = tuple(lesson.class_names) if lesson.class_names else None
    return [
        TechniqueJob(
            use.request(step.reference),
            image,
            lesson.network,
            lesson.weights,
            lesson.max_side,
            names,
        )
        for use in step.techniques
    ]


def step_techniques(lesson: Lesson, step: Step) -> list[TechniqueResult | None]:
    """The step's techniques, computed (or read); what the view cannot paint is drawn here,
    two per row. Returns the results, in the step's order, for :func:`view_maps`."""
    results = [_result(job) for job in _jobs(lesson, step)]
    rest = []
    shown_top5 = False
    for index, result in enumerate(results):
        if result is not None and _has_rest(result, top5=not shown_top5):
            rest.append((index, result, not shown_top5))
            shown_top5 = shown_top5 or bool(result.predictions)
    for start in range(0, len(rest), 2):
        for column, (index, result, top5) in zip(
            st.columns(2), rest[start : start + 2], strict=False
        ):
            with column:
                name = step.techniques[index].request(step.reference).technique
                st.markdown(f"**{plain(technique(name).title)}**")
                show_rest(result, top5=top5)
    return results


def _class_choices(lesson: Lesson | None) -> tuple[str, ...]:
    if lesson is None:
        return ()
    if lesson.class_names:
        return tuple(lesson.class_names)
    weights = networks.resolve_weights(lesson.network, lesson.weights, download=False)
    return class_names_of(weights)


#: The filters technique without a layer: the first convolution, whose filters read colours.
FIRST_LAYER: Final = "the first layer (colour filters)"


def _layer_and_options(lesson: Lesson, name: str, key: str) -> tuple[str | None, dict[str, int]]:
    """The picker's layer (None: the technique's default) and the technique's own options.

    Filters offer the first layer, whose filters are colour pictures, and for a deeper layer
    which of its filters to show channel by channel.
    """
    if not technique(name).uses_layer:
        return None, {}
    layers = list(lesson.layer_order)
    if name != "filters":
        return st.selectbox("Layer", layers, index=len(layers) - 1, key=f"{key}/layer"), {}
    layer = st.selectbox("Layer", [FIRST_LAYER, *layers], key=f"{key}/layer")
    if layer == FIRST_LAYER:
        return None, {}
    chosen = st.number_input("Filter", min_value=0, value=0, step=1, key=f"{key}/filter")
    return layer, {"filter": int(chosen)}


def technique_picker(
    lesson: Lesson, image: Path, reference: Point | None, key: str
) -> TechniqueResult | None:
    """Any technique on this image (a lesson image or an upload): "ask the network why".

    The reference pixel is the view's (original-image pixels), so receptive fields, occlusion's
    channels and similarity follow where the class points. Returns the result, whose maps the
    caller hands to the view (:func:`view_maps`); the rest is drawn in the picker.
    """
    with st.expander("Ask the network why: techniques", icon=":material/science:"):
        choices: Sequence[str] = [entry.name for entry in techniques()]
        name = st.selectbox(
            "Technique",
            choices,
            format_func=lambda n: f"{technique(n).title} ({technique(n).family})",
            key=f"{key}/technique",
        )
        entry = technique(name)
        st.caption(entry.summary)
        layer, options = _layer_and_options(lesson, name, key)
        target = None
        if entry.uses_target:
            try:
                classes = _class_choices(lesson)
            except (ValueError, networks.WeightsUnavailableError):
                classes = ()
            chosen = st.selectbox("Class", ["the predicted class", *classes], key=f"{key}/target")
            target = None if chosen == "the predicted class" else chosen
        if not st.toggle("Compute", key=f"{key}/run"):
            return None
        try:
            at = (reference.x, reference.y) if reference is not None else None
            request = TechniqueRequest(name, layer, target, at, options)
        except ValueError as error:
            st.warning(plain(str(error)))
            return None
        names = tuple(lesson.class_names) if lesson.class_names else None
        job = TechniqueJob(request, image, lesson.network, lesson.weights, lesson.max_side, names)
        result = _result(job)
        if result is not None:
            if any(drawn_by_view(item) for item in result.maps):
                st.caption("Its maps are in the view, under the layers.")
            show_rest(result)
        return result
