"""The Collections page's cross-image view: one image of a collection, its reference pixel
lighting up other images of the collection.

The picked image is shown in the multi-layer view (one layer), and under it the cross-image
panel: a page of the collection's other images, one per class in turn
(:func:`~classroom.preparation.across_collections.class_turns`), compared with the reference
pixel's vector on one colour scale. All of them are written as files into the store and
prepared by the app's worker like a lesson step's pictures, with this session's weights.
"""

from __future__ import annotations

import streamlit as st

from classroom import shared
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


def collection_across(entry: LessonCollection, model: str, layer: str, key: str) -> None:
    """Pick an image of ``entry``; its reference pixel in ``layer`` lights up a page of the
    collection's other images."""
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
    store = FeatureStore()
    pictures = collection_pictures(entry, [picked, *others], store)
    jobs = [
        Job(
            PrepareRequest(picture.path, model, "trained", (layer,), source=picture.caption),
            uses_untrained(),
            store.root,
            None if uses_untrained() else session_weights_file(),
            title=picture.caption,
        )
        for picture in pictures
    ]
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
        f"Point at **{plain(pictures[0].caption)}**: its {layer} vector under the pointer "
        "lights up the other images, on one colour scale."
    )
    draw_view(
        f"collection-across/{entry.name}/{picked}/{layer}/{page}/{count}",
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
