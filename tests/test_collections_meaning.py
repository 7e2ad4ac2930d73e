"""What the collection views claim, asserted on the networks classroom trains itself.

The lecture's kNN and t-SNE slides and Seein' In's case study make two claims a lesson repeats:
the last layer's nearest neighbours are semantic (same digit) where pixel neighbours are not,
and a trained network's last layer separates the classes that random weights do not. Both are
measured on a small seeded set of held-out digits (the network never trained on them), so the
tests are deterministic and take seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classroom.collections.cache import ArrayCache
from classroom.collections.embedding import class_separation, embed
from classroom.collections.neighbours import label_agreement, neighbour_table
from classroom.collections.properties import slant, tracking_channel
from classroom.collections.sources import Collection, digits_collection
from classroom.collections.vectors import LayerVectors, layer_vectors, pixel_vectors
from classroom.store import FeatureStore

COUNT = 200
K = 5


@pytest.fixture(scope="module")
def digits() -> Collection:
    return digits_collection(COUNT, seed=0)


@pytest.fixture(scope="module")
def last_layer(
    digits: Collection, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, LayerVectors]:
    cache = ArrayCache(FeatureStore(tmp_path_factory.mktemp("store")))
    return {
        weights: layer_vectors(digits, "digits", weights, ["block3"], cache=cache)["block3"]
        for weights in ("trained", "untrained")
    }


def test_last_layer_neighbours_share_the_label_far_more_often_than_pixel_neighbours(
    digits: Collection, last_layer: dict[str, LayerVectors]
) -> None:
    network_table, _ = neighbour_table(last_layer["trained"].pooled, K)
    pixel_table, _ = neighbour_table(pixel_vectors(digits), K)
    network = label_agreement(network_table, digits.labels)
    pixels = label_agreement(pixel_table, digits.labels)
    assert network > 0.95
    # "Far more often": a pixel neighbour has the wrong label at least 4 times as often.
    assert 1 - pixels > 4 * (1 - network), (network, pixels)


def test_tsne_separates_digits_better_with_trained_than_untrained_weights(
    digits: Collection, last_layer: dict[str, LayerVectors]
) -> None:
    trained = class_separation(embed(last_layer["trained"].pooled, "tsne"), digits.labels)
    untrained = class_separation(embed(last_layer["untrained"].pooled, "tsne"), digits.labels)
    assert trained > 0.5
    assert trained > untrained + 0.3, (trained, untrained)


def test_tsne_is_deterministic(last_layer: dict[str, LayerVectors]) -> None:
    vectors = last_layer["trained"].pooled[:60]
    np.testing.assert_array_equal(embed(vectors, "tsne"), embed(vectors, "tsne"))


def test_a_dimension_tracks_the_slant_of_ones(tmp_path: Path) -> None:
    """Seein' In 4.3: among the "1"s, a feature follows how the stroke leans. Among all held-out
    ones, some block2 dimension follows the measured slant closely. (Random weights also have
    dimensions that follow slant, a little less closely, so this claims no more than that.)"""
    every = digits_collection(400, seed=0)  # the whole held-out split
    ones = np.flatnonzero(every.labels == 1)
    collection = Collection(
        "ones", "held-out-ones", every.images[ones], every.labels[ones], every.class_names
    )
    cache = ArrayCache(FeatureStore(tmp_path))
    vectors = layer_vectors(collection, "digits", "trained", ["block2"], cache=cache)["block2"]
    _, r = tracking_channel(vectors.pooled, slant(collection.images))
    assert len(ones) >= 30
    assert abs(r) > 0.75, r


def test_vectors_are_cached_and_read_back_identically(
    digits: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = Collection(
        "few", "few-digits", digits.images[:8], digits.labels[:8], digits.class_names
    )
    cache = ArrayCache(FeatureStore(tmp_path))
    first = layer_vectors(small, "digits", "trained", ["block1", "block3"], cache=cache)
    import classroom.collections.vectors as vectors_module

    def no_forward(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("computed again instead of read from the store")

    monkeypatch.setattr(vectors_module, "_forward", no_forward)
    again = layer_vectors(small, "digits", "trained", ["block3", "block1"], cache=cache)
    np.testing.assert_array_equal(first["block3"].cells, again["block3"].cells)
    assert first["block1"].cells.shape == (8, 32, 32, 16)
    assert first["block3"].pooled.shape == (8, 64)


def test_unknown_layer_and_weights_are_named(digits: Collection, tmp_path: Path) -> None:
    cache = ArrayCache(FeatureStore(tmp_path))
    with pytest.raises(ValueError, match="no layer 'block9'; its layers are block1"):
        layer_vectors(digits, "digits", "trained", ["block9"], cache=cache)
    with pytest.raises(ValueError, match="weights must be one of trained, untrained"):
        layer_vectors(digits, "digits", "imagenet", ["block1"], cache=cache)
