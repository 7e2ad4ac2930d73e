"""What the tests of the bundled collection lessons' claims share: a step's view, the lesson's
collection as the app sees it, and how a t-SNE map sorts its classes (per dot, the share of
its nearest dots of its own class; and how far apart the classes' groups lie)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from classroom.collections.cache import ArrayCache
from classroom.collections.embedding import class_separation
from classroom.collections.neighbours import neighbour_table
from classroom.collections.sources import load_collection
from classroom.collections.views import CollectionData
from classroom.lessons import Lesson
from classroom.lessons.collection_views import CollectionView
from classroom.store import FeatureStore

__all__ = ["MAP_NEIGHBOURS", "collection_data", "islands_apart", "same_class", "step_view"]

#: A dot's neighbours in a map: what "an island of one colour" is made of.
MAP_NEIGHBOURS = 8


def step_view(lesson: Lesson, step_id: str) -> CollectionView:
    """The collection view of the lesson's step ``step_id``."""
    (step,) = [step for step in lesson.steps if step.id == step_id]
    assert isinstance(step.view, CollectionView)
    return step.view


def collection_data(lesson: Lesson, store: Path) -> CollectionData:
    """The lesson's one collection as the app sees it, its vectors in the store at ``store``."""
    ((name, declared),) = lesson.collections.items()
    collection = load_collection(declared.source, name=name, count=declared.count)
    return CollectionData(collection, lesson.model, ArrayCache(FeatureStore(store)))


def same_class(data: CollectionData, weights: str, layer: str) -> npt.NDArray[np.float64]:
    """Per dot of the t-SNE map of ``layer``: the share of its nearest dots of its own class
    (1 inside an island of one colour; about one over the classes where colours lie at
    random)."""
    coordinates = data.map(weights, layer, "tsne")
    table, _ = neighbour_table(coordinates, MAP_NEIGHBOURS, metric="euclidean")
    labels = data.collection.labels
    same: npt.NDArray[np.float64] = (labels[table] == labels[:, None]).mean(axis=1)
    return same


def islands_apart(data: CollectionData, weights: str, layer: str) -> float:
    """How far apart the classes' groups lie in the map (silhouette, -1..1)."""
    return class_separation(data.map(weights, layer, "tsne"), data.collection.labels)
