"""``classroom prepare`` for a lesson's collections: the vectors its views show, ahead of class.

A collection view (docs/collections.md) computes each layer's vectors on first view unless they
are in the store. Preparing them here goes through the very functions the app calls
(:func:`~classroom.collections.sources.load_collection`,
:func:`~classroom.collections.vectors.layer_vectors` with the store's
:class:`~classroom.collections.cache.ArrayCache`), so the keys and the bytes are the app's and a
prepared lesson's views open without computing. Embedding views' 2-D maps are prepared too
(the same :func:`~classroom.collections.embedding.embedding` cache).

The views name their own weights (``trained``, ``untrained``, or a checkpoint file of the
network's weights), so ``--untrained`` and ``--weights-file``, which replace a lesson's
pretrained weights, do not apply here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from classroom.collections.sources import Collection
    from classroom.collections.vectors import ForwardPass, Progress
    from classroom.lessons import Lesson
    from classroom.lessons.collection_views import LessonCollection
    from classroom.store import FeatureStore

__all__ = ["CollectionNeed", "collection_needs", "load_lesson_collection", "prepare_collection"]


@dataclass(frozen=True)
class CollectionNeed:
    """What a lesson's views show of one collection with one set of weights.

    Attributes:
        collection: the lesson's collection.
        model: the lesson's network (``digits`` or ``shapes``).
        weights: ``trained`` or ``untrained``.
        layers: every layer some view shows, in network order.
        embeddings: the ``(layer, method)`` 2-D maps the embedding views show.
    """

    collection: LessonCollection
    model: str
    weights: str
    layers: tuple[str, ...]
    embeddings: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        """How the progress output names it: ``seein-in-digits: digits (trained)``, or the
        checkpoint's file name: ``digits (tuned.pth)``."""
        return f"{self.collection.name} ({Path(self.weights).name})"


def collection_needs(lesson: Lesson) -> list[CollectionNeed]:
    """Every (collection, weights) some step's view shows, in order of first use."""
    layers: dict[tuple[str, str], set[str]] = {}
    maps: dict[tuple[str, str], dict[tuple[str, str], None]] = {}
    for step in lesson.steps:
        view = step.view
        if view is None:
            continue
        for weights in view.weights:
            key = (view.collection, weights)
            layers.setdefault(key, set()).update(view.layers or [])
            shown = maps.setdefault(key, {})
            if view.kind == "embedding":
                shown.update(((layer, view.method), None) for layer in view.layers or [])
    return [
        CollectionNeed(
            collection=lesson.collections[name],
            model=lesson.model,
            weights=weights,
            layers=tuple(layer for layer in lesson.layer_order if layer in wanted),
            embeddings=tuple(maps[(name, weights)]),
        )
        for (name, weights), wanted in layers.items()
    ]


def load_lesson_collection(entry: LessonCollection) -> Collection:
    """A lesson's collection's images and labels: the app and ``classroom prepare`` make the
    same images (and so the same cache keys) through this one function."""
    from classroom.collections.sources import load_collection

    return load_collection(
        entry.source,
        name=entry.name,
        count=entry.count,
        seed=entry.seed,
        folder=entry.path,
        side=entry.side,
    )


def prepare_collection(
    need: CollectionNeed,
    store: FeatureStore,
    progress: Progress,
    *,
    forward: ForwardPass | None = None,
    announce: Callable[[str], None] = lambda _message: None,
) -> None:
    """Make sure ``need``'s vectors (and embeddings) are in ``store``, as the app would.

    ``forward`` computes the missing layers' maps (default: in this process; ``--ray``: on a
    Ray cluster). ``announce`` hears each stage, for the progress output.
    """
    from typing import cast

    from classroom.collections.cache import ArrayCache
    from classroom.collections.embedding import Method, embedding
    from classroom.collections.vectors import layer_vectors

    announce(f"{need.name}: making the images")
    collection = load_lesson_collection(need.collection)
    cache = ArrayCache(store)
    announce(f"{need.name}: vectors of {', '.join(need.layers)}")
    vectors = layer_vectors(
        collection,
        need.model,
        need.weights,
        need.layers,
        cache=cache,
        progress=progress,
        forward=forward,
    )
    for layer, method in need.embeddings:
        announce(f"{need.name}: {method} map of {layer}")
        about = (collection.identity, need.model, need.weights, layer)
        embedding(vectors[layer].pooled, cast("Method", method), about, cache=cache)
