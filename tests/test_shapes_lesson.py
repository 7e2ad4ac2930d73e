"""The bundled lesson on the shapes network: its pictures are its scene data, and every claim
its text makes holds on the features the app prepares (the browser's view of the same claims
is ``tests/browser/test_shapes_lesson.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from classroom import images
from classroom.lessons import Step
from classroom.preparation import PrepareRequest, prepare
from classroom.preparation.pipeline import entry_keys
from classroom.similarity import angular_similarity, image_to_cell
from classroom.store import FeatureStore
from tests.shapes_claims import CLAIMS, Maps, Similarity, check_step, lesson


def test_every_step_has_claims_and_a_preset_reference() -> None:
    assert len(lesson().steps) >= 5
    assert [step.id for step in lesson().steps] == list(CLAIMS)
    assert all(step.reference is not None for step in lesson().steps)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FeatureStore:
    return FeatureStore(tmp_path_factory.mktemp("shapes-lesson"))


def _prepared_maps(store: FeatureStore, step: Step, weights: str | None = None) -> Maps:
    """The step's similarity maps from the stored 8-bit codes, as the browser gets them and
    compared as the browser does; every panel with ``weights`` instead of its own if given
    (keyed by its own, so that the claims read them as the lesson's panels)."""
    image = lesson().image(step.image).path
    size = images.upright_size(image)
    assert step.reference is not None
    maps: dict[tuple[str, str], Similarity] = {}
    for panel in step.panels:
        request = PrepareRequest(
            image,
            lesson().model,
            weights or panel.weights,
            (panel.layer,),
            lesson().precision,
            lesson().max_side,
        )
        (result,) = prepare([request], store).results
        assert result.weights is not None, result.error
        keys = entry_keys(request, images.content_sha256(image), result.weights)
        entry = store.read(keys[panel.layer])
        assert entry is not None
        vectors = entry.encoded().code_vectors()
        x, y = image_to_cell(*step.reference, entry.header.info.stride, *size)
        maps[panel.layer, panel.weights] = angular_similarity(vectors, vectors[y, x]).astype(
            np.float32
        )
    return maps


@pytest.mark.parametrize("step", lesson().steps, ids=lambda step: step.id)
def test_each_claim_holds_on_the_prepared_features(store: FeatureStore, step: Step) -> None:
    check_step(step, _prepared_maps(store, step))


@pytest.mark.parametrize("step_id", ["shapes", "stars"])
def test_the_claims_fail_on_untrained_weights(store: FeatureStore, step_id: str) -> None:
    """The claims are about what training put there: with random weights they do not hold."""
    step = next(step for step in lesson().steps if step.id == step_id)
    with pytest.raises(AssertionError):
        check_step(step, _prepared_maps(store, step, weights="untrained"))
