"""A/B of two checkpoints of one's own on the collection views: a view's ``weights:`` names
state dict files of the network (a fine-tuned checkpoint beside the shipped weights), each
side shows its own weights' vectors, and a checkpoint that does not load or does not fit is
refused with the file's name, in ``classroom check``, in the vectors and on the page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from classroom.app.collection_ab import lesson_checkpoints, weights_label
from classroom.app.state import plain
from classroom.cli import main
from classroom.collections.cache import ArrayCache
from classroom.collections.views import CollectionData
from classroom.collections.workers import forward_maps
from classroom.preparation.collections import load_lesson_collection
from classroom.store import FeatureStore
from classroom.trained.weights import TrainedWeightsError, load_trained, shipped_weights_path
from tests.conftest import REPO_ROOT
from tests.lesson_tree import LessonTree

APP = REPO_ROOT / "classroom" / "app" / "main.py"

LESSON = """\
title: Two checkpoints
model: shapes
weights: trained
images:
  photo: {{path: photo.png, attribution: "made by the tests, CC0"}}
collections:
  few: {{source: shapes, count: 20, side: 64}}
steps:
  - id: ab
    text: The shipped weights against my fine-tuned ones.
    view:
      kind: neighbours
      collection: few
      layers: [block3]
      weights: [{weights}]
      k: 3
"""


def _tuned(path: Path) -> Path:
    """The shipped shapes weights nudged (seeded noise, a tenth of each tensor's spread): a
    checkpoint of the same network that computes other vectors."""
    model = load_trained("shapes")
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for tensor in model.parameters():
            noise = torch.randn(tensor.shape, generator=generator) * tensor.std() * 0.1
            tensor.add_(noise)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), path)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    made = LessonTree(tmp_path)
    _tuned(made.datasets / "models" / "tuned.pth")
    return made


def test_each_side_shows_its_own_checkpoints_vectors(tree: LessonTree) -> None:
    lesson = tree.load(LESSON.format(weights="trained, models/tuned.pth"))
    view = lesson.steps[0].view
    assert view is not None
    tuned = str((tree.datasets / "models" / "tuned.pth").resolve())
    assert view.weights == ["trained", tuned]
    assert [weights_label(weights) for weights in view.weights] == ["trained", "tuned.pth"]
    assert lesson_checkpoints([lesson], "shapes") == [tuned]
    assert lesson_checkpoints([lesson], "digits") == []
    collection = load_lesson_collection(lesson.collections["few"])
    data = CollectionData(collection, "shapes", ArrayCache(FeatureStore(tree.root / "store")))
    sides = {weights: data.vectors(weights, "block3").cells for weights in view.weights}
    assert not np.allclose(sides["trained"], sides[tuned], atol=1e-3)
    for weights, path in (("trained", None), (tuned, Path(tuned))):
        network = load_trained("shapes", path, verify=path is None)
        own = forward_maps(network, collection.images, ["block3"], lambda _d, _t: None)
        np.testing.assert_allclose(sides[weights], own["block3"], rtol=1e-5, atol=1e-5)
    # A second view of the same checkpoint reads the store, computing nothing.
    again = CollectionData(collection, "shapes", ArrayCache(FeatureStore(tree.root / "store")))
    calls: list[int] = []
    again.prepare(tuned, ["block3"], lambda done, _t: calls.append(done))
    np.testing.assert_array_equal(again.vectors(tuned, "block3").cells, sides[tuned])
    assert calls == [len(collection)]  # reported once, as read from the store


def test_a_checkpoint_of_another_network_is_refused_naming_the_file(tree: LessonTree) -> None:
    wrong = tree.datasets / "models" / "digits.pth"
    wrong.write_bytes(shipped_weights_path("digits").read_bytes())
    junk = tree.datasets / "models" / "junk.pth"
    junk.write_bytes(b"not a state dict")
    collection = load_lesson_collection(
        tree.load(LESSON.format(weights="models/digits.pth")).collections["few"]
    )
    data = CollectionData(collection, "shapes", ArrayCache(FeatureStore(tree.root / "store")))
    with pytest.raises(TrainedWeightsError, match=r"digits\.pth: not the shapes network's"):
        data.prepare(str(wrong), ["block3"])
    with pytest.raises(TrainedWeightsError, match=r"junk\.pth: not a loadable state dict"):
        data.prepare(str(junk), ["block3"])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("trainde", "'trainde' is neither trained nor untrained — did you mean 'trained'?"),
        ("models/missing.pth", "no checkpoint file "),
        ("../outside.pth", "../outside.pth is outside the datasets directory"),
        ("trained, trained", "'trained' is already listed"),
    ],
)
def test_a_wrong_weights_entry_names_its_field(
    tree: LessonTree, weights: str, message: str
) -> None:
    problems = tree.problems(LESSON.format(weights=weights))
    assert any(
        problem.field.startswith("steps[0].view.weights[") and message in problem.message
        for problem in problems
    ), problems


def test_the_page_names_a_checkpoint_that_does_not_fit(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree.datasets / "models" / "digits.pth").write_bytes(
        shipped_weights_path("digits").read_bytes()
    )
    tree.write(LESSON.format(weights="trained, models/digits.pth"), "two-checkpoints.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(tree.root / "store"))
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update({"lesson": "two-checkpoints", "step": "ab"})
    at.run()
    assert not at.exception
    errors = [element.value for element in at.error]  # markdown, the file's name escaped
    expected = plain("digits.pth: not the shapes network's weights")
    assert any(expected in error for error in errors), errors


def test_prepare_computes_a_checkpoint_and_names_one_that_does_not_fit(tree: LessonTree) -> None:
    (tree.datasets / "models" / "digits.pth").write_bytes(
        shipped_weights_path("digits").read_bytes()
    )
    good = tree.write(LESSON.format(weights="models/tuned.pth"), "good.yaml")
    result = CliRunner().invoke(main, ["prepare", str(good)])
    assert result.exit_code == 0, result.output
    assert "few (tuned.pth): block3 prepared" in result.output
    bad = tree.write(LESSON.format(weights="models/digits.pth"), "bad.yaml")
    result = CliRunner().invoke(main, ["prepare", str(bad)])
    assert result.exit_code != 0
    assert "collection not prepared" in result.output
    assert "digits.pth: not the shapes network's weights" in " ".join(result.output.split())
