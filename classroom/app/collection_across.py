"""The Collections page's cross-image view: one image of a collection, its reference pixel
lighting up other images of the collection.

The picked image is shown in the multi-layer view (one layer), and under it the cross-image
panel: a page of the collection's other images, one per class in turn
(:func:`~classroom.preparation.across_collections.class_turns`), compared with the reference
pixel's vector on one colour scale. All of them are written as files into the store and
prepared by the app's worker like a lesson step's pictures, with the weight set the page's
Weights menu chose first: trained, untrained, or a checkpoint a lesson names (so one's own
fine-tuned network can be compared across images too). A session on untrained weights shows
the untrained network whatever was chosen, and says so, as the other collection views do.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from classroom import shared
from classroom.app.collection_ab import session_weight_sets, weights_label
from classroom.app.lesson_page import draw_view
from classroom.app.progress import STEP, preparing, show_problems, want
from classroom.app.state import plain, session_weights_file, uses_untrained
from classroom.background import Job, readiness
from classroom.component import across_panel
from classroom.lessons.across import DEFAULT_COLLECTION_COUNT, MAX_ACROSS
from classroom.lessons.collection_views import LessonCollection
from classroom.preparation import PrepareRequest
from classroom.session import Pointer
from classroom.store import FeatureStore

__all__ = ["collection_across"]


def _job(picture_path: Path, caption: str, model: str, layer: str, weights: str) -> Job:
    """One image's preparation with ``weights`` (``trained``, ``untrained`` or a checkpoint's
    path): only the shipped weights give way to ``classroom run --weights-file``."""
    untrained = uses_untrained()
    weights_file = session_weights_file() if weights == "trained" and not untrained else None
    return Job(
        PrepareRequest(picture_path, model, weights, (layer,), source=caption),
        untrained,
        FeatureStore().root,
        weights_file,
        title=caption,
    )


def collection_across(
    entry: LessonCollection, model: str, layer: str, key: str, weights: str = "trained"
) -> None:
    """Pick an image of ``entry``; its reference pixel in ``layer`` (with ``weights``) lights
    up a page of the collection's other images."""
    from classroom.preparation.across_collections import (
        class_turns,
        collection_labels,
        collection_pictures,
    )

    labels = collection_labels(entry)
    left, middle, right = st.columns(3)
    picked = int(left.number_input("Image", 0, len(labels) - 1, 0, key=f"{key}/image", step=1))
    count = int(
        middle.slider("Other images", 2, MAX_ACROSS, DEFAULT_COLLECTION_COUNT, key=f"{key}/count")
    )
    pages = max(1, -(-(len(labels) - 1) // count))
    page = int(right.number_input("Page", 1, pages, 1, key=f"{key}/page", step=1)) - 1
    order = [index for index in class_turns(labels, len(labels)) if index != picked]
    others = order[page * count : (page + 1) * count]
    [chosen], notice = session_weight_sets([weights], untrained=uses_untrained())
    if notice is not None:
        st.info(notice)
    pictures = collection_pictures(entry, [picked, *others], FeatureStore())
    jobs = [_job(picture.path, picture.caption, model, layer, chosen) for picture in pictures]
    ready = readiness(jobs, shared.prepared_cache(), shared.worker())
    want(STEP, ready.pending)
    if show_problems(ready):
        return
    if ready.pending:
        preparing(jobs, ready.pending, "Preparing the collection's images", STEP)
        return
    image = ready.prepared[jobs[0]]
    lit = [ready.prepared[job] for job in jobs[1:]]
    st.caption(
        f"Point at **{plain(pictures[0].caption)}**: its {layer} vector "
        f"({plain(weights_label(chosen))} weights) under the pointer lights up the other "
        "images, on one colour scale."
    )
    draw_view(
        f"collection-across/{entry.name}/{picked}/{layer}/{chosen}/{page}/{count}",
        [image.layers[layer]],
        image,
        Pointer(),
        presenter=False,
        caption=pictures[0].caption,
        page=f"collection-across/{key}",
        across=[
            across_panel(
                layer,
                [other.layers[layer] for other in lit],
                captions=[picture.caption for picture in pictures[1:]],
            )
        ],
    )
