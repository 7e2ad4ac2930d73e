"""The bundled lesson "Four ways to ask a network why": every claim its steps make holds on the
trained shapes network, computed here with torch and numpy (the browser's view of the same
claims is ``tests/browser/test_four_ways_lesson.py``)."""

from __future__ import annotations

import pytest

from classroom import images, networks
from classroom.lessons import Step
from classroom.store import FeatureStore
from classroom.techniques import TechniqueResult
from classroom.techniques.running import compute
from tests.four_ways_claims import (
    CLAIMS,
    METRIC_STEP,
    block4_oracle,
    check_metric_step,
    check_step,
    lesson,
)

#: The steps whose claims are about what training put into the network (the rest are about
#: the architecture or the method, and hold for random weights too).
LEARNED = ("the-answer", "occlusion", "gradients", "grad-cam", "compare")


@pytest.fixture(scope="module")
def shapes() -> dict[str, networks.LoadedNetwork]:
    return {
        name: networks.build_network(networks.resolve_weights("shapes", name))
        for name in ("trained", "untrained")
    }


def _results(network: networks.LoadedNetwork, step: Step) -> list[TechniqueResult]:
    analysis = images.load_analysis_image(lesson().image(step.image).path)
    return [compute(use.request(step.reference), network, analysis) for use in step.techniques]


def test_every_step_has_claims() -> None:
    """(Each picture is its scene: tests/test_trained_scenes.py.)"""
    assert [step.id for step in lesson().steps] == list(CLAIMS)


@pytest.mark.parametrize("step", lesson().steps, ids=lambda step: step.id)
def test_each_claim_holds_on_the_trained_network(
    shapes: dict[str, networks.LoadedNetwork], step: Step
) -> None:
    check_step(step, _results(shapes["trained"], step))


@pytest.mark.parametrize("step_id", LEARNED)
def test_the_learned_claims_fail_on_untrained_weights(
    shapes: dict[str, networks.LoadedNetwork], step_id: str
) -> None:
    step = next(step for step in lesson().steps if step.id == step_id)
    with pytest.raises(AssertionError):
        check_step(step, _results(shapes["untrained"], step))


def test_the_distance_step_opens_with_its_metric_and_its_claims_hold_only_when_trained(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    step = next(step for step in lesson().steps if step.id == METRIC_STEP)
    assert step.metric == "euclidean"
    assert "block4" in lesson().layers
    store = FeatureStore(tmp_path_factory.mktemp("four-ways"))
    check_metric_step(step, *block4_oracle(store, step, "trained"))
    with pytest.raises(AssertionError):
        check_metric_step(step, *block4_oracle(store, step, "untrained"))
