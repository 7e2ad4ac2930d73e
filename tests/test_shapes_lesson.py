"""The bundled lesson on the shapes network: its pictures are its scene data, and every claim
its text makes holds on the features the app prepares (the browser's view of the same claims
is ``tests/browser/test_shapes_lesson.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from classroom import images
from classroom.encoding import EncodedLayer
from classroom.lessons import Step
from classroom.preparation import PrepareRequest, prepare
from classroom.preparation.pipeline import entry_keys
from classroom.similarity import angular_similarity, compare_across, image_to_cell
from classroom.store import FeatureStore
from classroom.trained.specs import SHAPES
from tests.shapes_claims import (
    ACROSS_CLAIMS,
    CLAIMS,
    Maps,
    Similarity,
    check_across,
    check_step,
    lesson,
)


def test_every_step_has_claims_and_a_preset_reference() -> None:
    assert len(lesson().steps) >= 5
    assert [step.id for step in lesson().steps] == list(CLAIMS)
    assert all(step.reference is not None for step in lesson().steps)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FeatureStore:
    return FeatureStore(tmp_path_factory.mktemp("shapes-lesson"))


def _entry(store: FeatureStore, image_id: str, weights: str, layer: str) -> EncodedLayer:
    """One image's map of one layer, prepared into the store and read back as stored."""
    image = lesson().image(image_id).path
    request = PrepareRequest(
        image, lesson().model, weights, (layer,), lesson().precision, lesson().max_side
    )
    (result,) = prepare([request], store).results
    assert result.weights is not None, result.error
    keys = entry_keys(request, images.content_sha256(image), result.weights)
    entry = store.read(keys[layer])
    assert entry is not None
    return entry.encoded()


def _reference_cell(step: Step, layer: str) -> tuple[int, int]:
    assert step.reference is not None
    size = images.upright_size(lesson().image(step.image).path)
    x, y = image_to_cell(*step.reference, SHAPES.layer(layer).stride, *size)
    return x, y


def _prepared_maps(store: FeatureStore, step: Step, weights: str | None = None) -> Maps:
    """The step's similarity maps from the stored 8-bit codes, as the browser gets them and
    compared as the browser does; every panel with ``weights`` instead of its own if given
    (keyed by its own, so that the claims read them as the lesson's panels)."""
    maps: dict[tuple[str, str], Similarity] = {}
    for panel in step.panels:
        vectors = _entry(store, step.image, weights or panel.weights, panel.layer).code_vectors()
        x, y = _reference_cell(step, panel.layer)
        maps[panel.layer, panel.weights] = angular_similarity(vectors, vectors[y, x]).astype(
            np.float32
        )
    return maps


def _across_maps(
    store: FeatureStore, step: Step, weights: str | None = None
) -> dict[str, Similarity]:
    """The step's other images (``across:``) compared with its reference pixel's vector, as
    the browser's cross-image panel does, by image id."""
    assert step.across is not None
    layer, chosen = step.across.layer, weights or step.across.weights
    reference = _entry(store, step.image, chosen, layer)
    x, y = _reference_cell(step, layer)
    codes, scale = reference.code_vectors()[y, x], float(reference.scales[y, x])
    maps: dict[str, Similarity] = {}
    for image_id in step.across.images:
        other = _entry(store, image_id, chosen, layer)
        similarity = compare_across("angular", other.code_vectors(), other.scales, codes, scale)
        maps[image_id] = similarity.astype(np.float32)
    return maps


@pytest.mark.parametrize("step", lesson().steps, ids=lambda step: step.id)
def test_each_claim_holds_on_the_prepared_features(store: FeatureStore, step: Step) -> None:
    check_step(step, _prepared_maps(store, step))
    if step.across is not None and step.across.collection is None:
        check_across(step, _across_maps(store, step))


def test_a_step_lights_up_other_images() -> None:
    listed = [step.id for step in lesson().steps if step.across and not step.across.collection]
    assert listed == list(ACROSS_CLAIMS)


def test_the_claims_across_images_fail_on_untrained_weights(store: FeatureStore) -> None:
    """Random weights light up the red square, the reference's colour, not the circles."""
    for step in lesson().steps:
        if step.across is not None and step.across.collection is None:
            with pytest.raises(AssertionError):
                check_across(step, _across_maps(store, step, weights="untrained"))


@pytest.mark.parametrize("step_id", ["shapes", "stars"])
def test_the_claims_fail_on_untrained_weights(store: FeatureStore, step_id: str) -> None:
    """The claims are about what training put there: with random weights they do not hold."""
    step = next(step for step in lesson().steps if step.id == step_id)
    with pytest.raises(AssertionError):
        check_step(step, _prepared_maps(store, step, weights="untrained"))
