"""The techniques beside the view: each step's results, and a picker for any image.

Everything the app shows of the toolbox is drawn here, with Streamlit's own means (a PNG of
each map, its legend, the top-5 table), so the component's WebGL "map" panel can replace it
in one place. Results come from the store (``classroom prepare`` computed a lesson's); one
that is missing is computed once, with a progress bar, and cached for every session.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

from classroom import networks
from classroom.app.state import plain, session_weights_file, uses_untrained
from classroom.lessons import Lesson, Step
from classroom.preparation.techniques import TechniqueJob, compute_technique, read_technique
from classroom.session import Point
from classroom.store import FeatureStore
from classroom.techniques import TechniqueRequest, TechniqueResult, technique, techniques
from classroom.techniques.figure import figure_png, legend
from classroom.techniques.running import class_names_of

__all__ = ["show_result", "step_techniques", "technique_picker"]

#: How much of the (greyed) image shows through an image-sized map.
BLEND = 0.35


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


def show_result(result: TechniqueResult, image_path: Path, *, top5: bool = True) -> None:
    """Each map as a picture with its legend; the top-5 as a table."""
    with Image.open(image_path) as opened:
        picture = np.asarray(opened.convert("RGB"))
    for item in result.maps:
        st.image(
            figure_png(item, picture, blend=BLEND if item.values.ndim == 2 else 0.0),
            caption=item.title,
            width="stretch",
        )
        st.caption(plain(legend(item)))
    if top5 and result.predictions:
        st.table(
            {
                "class": [p.label for p in result.predictions],
                "probability": [f"{p.probability:.1%}" for p in result.predictions],
            }
        )


def step_techniques(lesson: Lesson, step: Step) -> None:
    """The step's techniques, side by side under the view (two per row)."""
    if not step.techniques:
        return
    image = lesson.image(step.image).path
    names = tuple(lesson.class_names) if lesson.class_names else None
    jobs = [
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
    shown_top5 = False
    for start in range(0, len(jobs), 2):
        for column, job in zip(st.columns(2), jobs[start : start + 2], strict=False):
            with column:
                st.markdown(f"**{plain(technique(job.request.technique).title)}**")
                result = _result(job)
                if result is not None:
                    show_result(result, image, top5=not shown_top5)
                    shown_top5 = shown_top5 or bool(result.predictions)


def _class_choices(lesson: Lesson | None) -> tuple[str, ...]:
    if lesson is None:
        return ()
    if lesson.class_names:
        return tuple(lesson.class_names)
    weights = networks.resolve_weights(lesson.network, lesson.weights, download=False)
    return class_names_of(weights)


def technique_picker(lesson: Lesson, image: Path, reference: Point | None, key: str) -> None:
    """Any technique on this image (a lesson image or an upload): "ask the network why".

    The reference pixel is the view's (original-image pixels), so receptive fields, occlusion's
    channels and similarity follow where the class points.
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
        layer = None
        if entry.uses_layer:
            layers = list(lesson.layer_order)
            layer = st.selectbox("Layer", layers, index=len(layers) - 1, key=f"{key}/layer")
        target = None
        if entry.uses_target:
            try:
                classes = _class_choices(lesson)
            except (ValueError, networks.WeightsUnavailableError):
                classes = ()
            chosen = st.selectbox("Class", ["the predicted class", *classes], key=f"{key}/target")
            target = None if chosen == "the predicted class" else chosen
        if not st.toggle("Compute", key=f"{key}/run"):
            return
        try:
            at = (reference.x, reference.y) if reference is not None else None
            request = TechniqueRequest(name, layer, target, at)
        except ValueError as error:
            st.warning(plain(str(error)))
            return
        names = tuple(lesson.class_names) if lesson.class_names else None
        job = TechniqueJob(request, image, lesson.network, lesson.weights, lesson.max_side, names)
        result = _result(job)
        if result is not None:
            show_result(result, image)
