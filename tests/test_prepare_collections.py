"""``classroom prepare`` prepares a lesson's collections: the app then finds them in the store.

Real lesson files, the real digits network and store; the app's own entry point
(:class:`~classroom.collections.views.CollectionData`) reads the vectors afterwards, with a
forward pass that fails the test if it is ever asked for."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from click.testing import CliRunner

from classroom.cli import main
from classroom.collections.cache import ArrayCache, cache_key
from classroom.collections.embedding import EMBEDDING_SEED, embedding
from classroom.collections.vectors import Progress, layer_vectors, load_network
from classroom.collections.workers import forward_maps
from classroom.lessons import load_lesson
from classroom.preparation.collections import collection_needs, load_lesson_collection
from classroom.store import FeatureStore
from tests.lesson_tree import LessonTree

HEAD = """\
title: Digits ahead of class
model: digits
images:
  photo: {path: photo.png, attribution: test}
collections:
  digits: {source: digits, count: 70}
steps:
"""
LESSON = (
    HEAD
    + """\
  - text: the map
    view: {kind: embedding, collection: digits, layers: [block3], method: pca}
  - text: both weights
    view: {kind: neighbours, collection: digits, layers: [block2], weights: [trained, untrained]}
"""
)


def _never(
    _images: npt.NDArray[np.uint8],
    model: str,
    weights: str,
    layers: Sequence[str],
    _progress: Progress,
) -> dict[str, npt.NDArray[np.float32]]:
    raise AssertionError(f"{model} {weights} {list(layers)} computed again: not prepared")


def test_prepare_stores_the_vectors_and_maps_the_views_show(tree: LessonTree) -> None:
    path = tree.write(LESSON)
    lesson = load_lesson(path)
    needs = collection_needs(lesson)
    assert [(n.weights, n.layers, n.embeddings) for n in needs] == [
        ("trained", ("block2", "block3"), (("block3", "pca"),)),
        ("untrained", ("block2",), ()),
    ]

    result = CliRunner().invoke(main, ["prepare", str(path)])
    assert result.exit_code == 0, result.output
    assert "digits (trained): block2, block3 prepared" in result.output
    assert "digits (untrained): block2 prepared" in result.output

    # The app's way to the same store: nothing is computed, every array is found.
    cache = ArrayCache(FeatureStore())
    entry = lesson.collections["digits"]
    collection = load_lesson_collection(entry)
    found = layer_vectors(collection, "digits", "trained", ["block3"], cache=cache, forward=_never)
    layer_vectors(collection, "digits", "untrained", ["block2"], cache=cache, forward=_never)

    about = (collection.identity, "digits", "trained", "block3")
    assert cache.read(cache_key("embedding", "pca", EMBEDDING_SEED, *about)) is not None
    mapped = embedding(found["block3"].pooled, "pca", about, cache=cache)
    assert mapped.shape == (70, 2)

    # What was stored is what the network computes (not, say, another layer's maps).
    fresh = forward_maps(
        load_network("digits", "trained"), collection.images, ["block3"], lambda *_: None
    )
    np.testing.assert_allclose(found["block3"].cells, fresh["block3"], rtol=1e-4, atol=1e-5)

    again = CliRunner().invoke(main, ["prepare", str(path)])
    assert again.exit_code == 0, again.output
