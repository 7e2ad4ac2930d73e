"""The bundled lesson "A whole set of digits, layer by layer" claims only what its views show.

Each step's text and answer say what the step's view shows on the lesson's own collection (300
held-out digits, seed 0): islands of one colour in block3's t-SNE map and mixed colours in
block1's, block3 separating what block2 mixes, block1 channels bright along the average 8's
ink and others along its edges, a random network's channel that also follows slant, no
negative value after block3's ReLU, the random network's map with regions but no islands, and
the neighbours of the step's query. Each claim is computed here the way the app computes the
view (:class:`~classroom.collections.views.CollectionData`), so a retrained network or an
edited step fails here until text and view agree again; on untrained weights the claims fail.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from classroom.collections.views import CollectionData
from classroom.lessons import load_lesson
from tests.collection_claims import collection_data, islands_apart, same_class, step_view
from tests.conftest import REPO_ROOT

LESSON = load_lesson(REPO_ROOT / "lessons" / "seein-in-digits.yaml")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> CollectionData:
    return collection_data(LESSON, tmp_path_factory.mktemp("store"))


def test_block3_has_islands_of_one_colour_and_block1_mixes_the_colours(
    data: CollectionData,
) -> None:
    assert step_view(LESSON, "clusters").method == "tsne"
    assert same_class(data, "trained", "block3").mean() > 0.95
    assert islands_apart(data, "trained", "block3") > 0.7
    assert np.mean(same_class(data, "trained", "block1") <= 0.5) > 0.5  # most dots: mixed


def test_block3_separates_what_block2_still_mixes(data: CollectionData) -> None:
    view = step_view(LESSON, "mixed-cluster")
    assert view.layers == ["block2", "block3"]
    mixed = same_class(data, "trained", "block2") <= 0.5
    assert mixed.mean() > 0.05, "no place in block2's map where colours mix"
    # In block3 those digits sit in the islands of their own digits, several of them.
    assert same_class(data, "trained", "block3")[mixed].mean() > 0.9
    assert len(set(data.collection.labels[mixed].tolist())) >= 2


def _correlation(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    return float(np.corrcoef(np.ravel(a), np.ravel(b))[0, 1])


def test_some_block1_channels_follow_the_average_8s_ink_and_others_its_edges(
    data: CollectionData,
) -> None:
    view = step_view(LESSON, "average")
    assert view.select == ["8"]
    eights = data.members(view.select).tolist()
    ink = data.average_input(eights).astype(np.float64).mean(axis=-1)
    grid = data.average("trained", "block1", eights).grid
    assert grid.shape[:2] == ink.shape  # block1: one cell per pixel
    across, down = np.gradient(ink)[1], np.gradient(ink)[0]
    on_ink = [c for c in range(grid.shape[-1]) if _correlation(grid[..., c], ink) > 0.9]
    on_edges = [
        c
        for c in range(grid.shape[-1])
        if abs(_correlation(grid[..., c], ink)) < 0.5
        and max(abs(_correlation(grid[..., c], d)) for d in (across, down)) > 0.5
    ]
    assert on_ink, "no block1 channel is bright along the strokes"
    assert on_edges, "no block1 channel is bright along an edge of the strokes"


def test_a_random_networks_channel_follows_slant_too(data: CollectionData) -> None:
    view = step_view(LESSON, "slant")
    assert view.measure == "slant"
    assert view.weights == ["trained", "untrained"]
    ones = data.members(view.among).tolist()
    for weights in view.weights:
        _, r = data.tracking(weights, "block2", "slant", ones)
        assert abs(r) > 0.5, (weights, r)


def test_after_block3s_relu_every_range_starts_at_zero_or_above(data: CollectionData) -> None:
    view = step_view(LESSON, "relu-quadrant")
    pooled = data.vectors("trained", "block3").pooled
    chosen = pooled[:, view.dimensions]
    assert chosen.min() >= 0
    # The points along a plot's left or bottom edge: each channel's lowest value is reached.
    assert (chosen.min(axis=0) < np.median(chosen, axis=0)).all()


def test_training_sorts_the_digits_into_islands_random_weights_only_into_regions(
    data: CollectionData,
) -> None:
    assert step_view(LESSON, "trained-vs-untrained").weights == ["trained", "untrained"]
    assert islands_apart(data, "trained", "block3") > 0.7
    assert islands_apart(data, "untrained", "block3") < 0.2  # no islands
    same = same_class(data, "untrained", "block3")
    labels, names = data.collection.labels, data.collection.class_names
    per_digit = {names[digit]: same[labels == digit].mean() for digit in np.unique(labels)}
    assert sum(share > 0.6 for share in per_digit.values()) >= 7  # most gather in a region
    assert max(per_digit.values()) < 0.9  # ... among other digits
    assert min(per_digit, key=per_digit.__getitem__) == "9"  # the 9s spread the most
    assert per_digit["9"] < 0.4


def test_the_query_is_a_9_the_other_spaces_miss_and_block3_is_hardly_ever_beaten(
    data: CollectionData,
) -> None:
    view = step_view(LESSON, "neighbours")
    k, labels = view.k, data.collection.labels
    assert data.collection.class_names[labels[view.query]] == "9"
    assert data.neighbours("trained", "block3", view.query, k).same_label == k
    assert data.pixel_neighbours(view.query, k).same_label == 1
    assert data.neighbours("untrained", "block3", view.query, k).same_label == 0

    queries = range(len(labels))
    trained = np.array([data.neighbours("trained", "block3", q, k).same_label for q in queries])
    random = np.array([data.neighbours("untrained", "block3", q, k).same_label for q in queries])
    pixels = np.array([data.pixel_neighbours(q, k).same_label for q in queries])
    assert trained.mean() / k > 0.95  # nearly always the same digit
    assert pixels.mean() / k > 0.75  # mostly right
    assert random.mean() < pixels.mean()  # less often
    assert np.mean((trained < pixels) | (trained < random)) < 0.02  # hardly ever fewer
