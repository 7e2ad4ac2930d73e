"""Cross-image similarity over a collection: which of its images a step lights up, as files.

A step's ``across: {collection: NAME, count: N}`` lights up N images of one of the lesson's
collections with its reference pixel. The browser's cross-image panel compares prepared
feature files (the same pipeline, network and weights as the step's own panels, so that the
reference vector and the other images' vectors are of one kind), and the pipeline prepares
image *files*: so the chosen images, which a collection holds as arrays, are written once as
PNG files into the store (``collections/v<n>/images/<collection>/<index>.png``, atomically,
the same bytes for the same collection) and prepared like any lesson picture.

Which images: one per class in turn (the first of each class, then the second of each, ...),
so that a handful of images already shows every class, and a page is the next handful.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from classroom.preparation.requests import PrepareRequest

if TYPE_CHECKING:
    from classroom.collections.sources import Collection
    from classroom.lessons import Lesson, Step
    from classroom.lessons.collection_views import LessonCollection
    from classroom.store import FeatureStore

__all__ = [
    "CollectionPicture",
    "across_requests",
    "chosen_images",
    "class_turns",
    "collection_labels",
    "collection_pictures",
    "step_across_requests",
]


@dataclass(frozen=True)
class CollectionPicture:
    """One image of a collection written as a file, for the feature pipeline.

    Attributes:
        index: its index in the collection.
        label: its class name.
        path: the PNG file in the store.
    """

    index: int
    label: str
    path: Path

    @property
    def caption(self) -> str:
        """How the view names it: ``circle (image 12)``."""
        return f"{self.label} (image {self.index})"


def class_turns(labels: npt.NDArray[np.int64], count: int, page: int = 0) -> list[int]:
    """``count`` image indices, one per class in turn: page ``page`` of that order.

    The order takes the first image of every class (in label order), then the second of each,
    and so on; classes with fewer images drop out when they run out.
    """
    members = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    rounds = max((len(indices) for indices in members), default=0)
    order = [
        int(indices[turn]) for turn in range(rounds) for indices in members if turn < len(indices)
    ]
    return order[page * count : (page + 1) * count]


@functools.lru_cache(maxsize=8)
def _collection(entry: LessonCollection) -> Collection:
    """The lesson's collection, made once per process (a page's rerun must not redraw it)."""
    from classroom.preparation.collections import load_lesson_collection

    return load_lesson_collection(entry)


def collection_labels(entry: LessonCollection) -> npt.NDArray[np.int64]:
    """Each image's label index in the collection (the collection made once per process)."""
    return _collection(entry).labels


def _png(pixels: npt.NDArray[np.uint8]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels), "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def collection_pictures(
    entry: LessonCollection, indices: Sequence[int], store: FeatureStore
) -> list[CollectionPicture]:
    """The collection's images ``indices`` as PNG files in ``store`` (written when missing)."""
    from classroom.collections.cache import cache_key

    collection = _collection(entry)
    folder = store.collections_dir / "images" / cache_key(collection.identity)
    pictures = []
    for index in indices:
        path = folder / f"{index}.png"
        if not path.is_file():
            store.publish(path, [_png(collection.images[index])])
        label = collection.class_names[int(collection.labels[index])]
        pictures.append(CollectionPicture(int(index), label, path))
    return pictures


def chosen_images(lesson: Lesson, step: Step, page: int = 0) -> list[tuple[int, str]]:
    """The collection images ``(index, class name)`` a step lights up (none for a step whose
    ``across:`` lists lesson images, or has none), without writing them."""
    across = step.across
    if across is None or across.collection is None:
        return []
    collection = _collection(lesson.collections[across.collection])
    return [
        (index, collection.class_names[int(collection.labels[index])])
        for index in class_turns(collection.labels, across.count, page)
    ]


def step_across_requests(
    lesson: Lesson, step: Step, store: FeatureStore, *, page: int = 0
) -> list[tuple[PrepareRequest, CollectionPicture]]:
    """The requests behind a step's ``across: {collection: ...}``, each with its picture
    (none when the step's ``across:`` lists lesson images, or has none)."""
    across = step.across
    if across is None or across.collection is None:
        return []
    entry = lesson.collections[across.collection]
    indices = [index for index, _ in chosen_images(lesson, step, page)]
    pictures = collection_pictures(entry, indices, store)
    return [
        (
            PrepareRequest(
                image=picture.path,
                architecture=lesson.model,
                weights=across.weights,
                layers=(across.layer,),
                precision=lesson.precision,
                max_side=lesson.max_side,
                source=f"{lesson.id}: {picture.caption} of {across.collection}",
                num_classes=lesson.num_classes,
                model_file=lesson.model_file,
            ),
            picture,
        )
        for picture in pictures
    ]


def across_requests(lesson: Lesson, store: FeatureStore) -> list[PrepareRequest]:
    """Every step's collection images lit up by its reference pixel, as requests (one per
    image and weights, the layers of all steps together): what ``classroom prepare`` adds."""
    merged: dict[tuple[Path, str], PrepareRequest] = {}
    for step in lesson.steps:
        for request, _ in step_across_requests(lesson, step, store):
            key = (request.image, request.weights)
            known = merged.get(key)
            if known is None:
                merged[key] = request
            elif request.layers[0] not in known.layers:
                both = {*known.layers, *request.layers}
                layers = tuple(name for name in lesson.layer_order if name in both)
                merged[key] = replace(known, layers=layers)
    return list(merged.values())
