"""The networks classroom trains itself, as a family of the registry: ``model: shapes``.

Their weights ship with classroom, so a lesson on them prepares offline with no download
attempt, labelled with the accuracy their recipe records, and the registry's network is the
one ``classroom.trained`` trained and evaluated.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from classroom import hashing, networks
from classroom.preparation import prepare, requests_for_lesson
from classroom.store import FeatureStore
from classroom.trained.weights import load_trained, shipped_weights_path
from tests.lesson_tree import VALID, LessonTree


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    tree = LessonTree(tmp_path)
    tree.image("photo.png", size=(97, 101))
    return tree


@pytest.mark.parametrize(
    ("model", "layers"),
    [("shapes", ["block1", "block2", "block4"]), ("digits", ["block1", "block2", "block3"])],
)
def test_a_lesson_on_a_trained_network_gets_its_weights_and_layers(
    tree: LessonTree, model: str, layers: list[str]
) -> None:
    lesson = tree.load(VALID + f"model: {model}\n")
    assert (lesson.model, lesson.weights, lesson.layers) == (model, "trained", layers)


def test_imagenet_weights_are_not_the_trained_networks(tree: LessonTree) -> None:
    line, field, message = tree.only_problem(VALID + "model: shapes\nweights: imagenet\n")
    assert (line, field) == (10, "weights")
    assert message.startswith("unknown weights 'imagenet' for shapes")
    assert "choose one of untrained, trained" in message


def test_the_shipped_weights_are_found_and_labelled_without_a_download(
    refused_hosts: list[str],
) -> None:
    weights = networks.resolve_weights("shapes")
    shipped = shipped_weights_path("shapes")
    assert weights.file == shipped
    assert weights.identity == networks.WeightsIdentity(
        f"sha256:{hashing.file_sha256(shipped)}",
        "trained by classroom (held-out accuracy 99.2 %)",
        untrained=False,
    )
    assert refused_hosts == []


@pytest.mark.parametrize("name", ["shapes", "digits"])
def test_the_registrys_network_is_the_trained_one(name: str) -> None:
    network = networks.build_network(networks.resolve_weights(name))
    trained = load_trained(name)
    batch = torch.rand(2, 3, 40, 52)
    with torch.inference_mode():
        assert torch.equal(network.model(batch), trained(batch))
    assert network.weights.mean == trained.spec.mean


def test_a_shapes_lesson_prepares_offline(
    tree: LessonTree, refused_hosts: list[str], tmp_path: Path
) -> None:
    lesson = tree.load(VALID + "model: shapes\n")
    report = prepare(requests_for_lesson(lesson), FeatureStore(tmp_path / "store"))
    (result,) = report.results
    assert result.prepared == ("block1", "block2", "block4"), result.error
    assert result.weights is not None
    assert result.weights.label == "trained by classroom (held-out accuracy 99.2 %)"
    assert refused_hosts == []


def test_only_the_weights_classroom_ships_count_as_needing_no_download() -> None:
    """What the app offers when pretrained weights are missing (``networks.ships_weights``)."""
    assert networks.ships_weights("shapes", "trained")
    assert networks.ships_weights("digits", "trained")
    assert not networks.ships_weights("shapes", networks.UNTRAINED)
    assert not networks.ships_weights("resnet101", networks.IMAGENET)
    assert not networks.ships_weights("resnet18", "/lessons/datasets/pets.pth")
