"""The shipped weights: safe loading, their recipe, their accuracy; saving and bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from classroom.hashing import file_sha256
from classroom.trained.specs import NETWORKS
from classroom.trained.training import Evaluation, default_recipe, evaluate, train
from classroom.trained.weights import (
    TrainedWeightsError,
    load_recipe,
    load_trained,
    recipe_path,
    save_trained,
    shipped_weights_path,
)

#: Held-out accuracy the shipped weights must reach (issues 10 and 14), and how many held-out
#: images the quick check uses (all 359 digits; 500 of the 2,000 shapes).
GOALS = {"shapes": (0.95, 500), "digits": (0.97, 359)}


@pytest.mark.parametrize("network", NETWORKS)
def test_shipped_weights_are_a_small_plain_state_dict_matching_their_recipe(network: str) -> None:
    path = shipped_weights_path(network)
    assert path.stat().st_size < 2_000_000
    state = torch.load(path, weights_only=True)
    assert all(isinstance(tensor, torch.Tensor) for tensor in state.values())
    assert {t.dtype for t in state.values()} <= {torch.float16, torch.int64}
    recipe = load_recipe(path)
    assert recipe["weights"]["sha256"] == file_sha256(path)
    assert recipe["weights"]["bytes"] == path.stat().st_size
    assert recipe["recipe"] == {**recipe["recipe"], **vars(default_recipe(network))}
    assert recipe["held_out"]["accuracy"] >= GOALS[network][0]
    assert recipe["held_out"]["total"] == default_recipe(network).held_out_count
    assert recipe["versions"]["torch"]
    assert recipe["training_seconds"] > 0


@pytest.mark.parametrize("network", NETWORKS)
def test_shipped_weights_reach_their_goal_on_held_out_images(network: str) -> None:
    goal, count = GOALS[network]
    model = load_trained(network)
    assert not model.training
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert evaluate(model, network, count).accuracy >= goal


@pytest.fixture(scope="module")
def tiny_result():  # type: ignore[no-untyped-def]
    """Digits trained for six steps: a real, quick result to save."""
    return train(default_recipe("digits").replace(steps=6))


def test_saved_weights_load_back_with_their_recipe(tmp_path: Path, tiny_result) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.pt"
    calls: list[bool] = []

    def measure(model: torch.nn.Module) -> Evaluation:
        calls.append(all(p.dtype == torch.float32 for p in model.parameters()))
        return Evaluation(correct=7, total=10)

    record = save_trained(tiny_result, measure, path)
    assert calls == [True]  # the saved file, reloaded, is what is measured
    assert json.loads(recipe_path(path).read_text()) == record
    assert record["held_out"] == {"accuracy": 0.7, "correct": 7, "total": 10}
    assert record["recipe"]["steps"] == 6
    assert record["data"]["training_images"] == 1438
    loaded = load_trained("digits", path)
    images = torch.rand(2, 3, 32, 32)
    with torch.inference_mode():
        torch.testing.assert_close(loaded(images), tiny_result.model(images), atol=0.02, rtol=0.01)
    with pytest.raises(FileExistsError, match=r"mine\.pt exists"):
        save_trained(tiny_result, measure, path)
    save_trained(tiny_result, measure, path, overwrite=True)


def _copy_shipped(network: str, directory: Path) -> Path:
    source = shipped_weights_path(network)
    target = directory / source.name
    shutil.copy(source, target)
    shutil.copy(recipe_path(source), recipe_path(target))
    return target


def test_a_changed_weights_file_is_refused_by_its_recipe(tmp_path: Path) -> None:
    path = _copy_shipped("digits", tmp_path)
    state = torch.load(path, weights_only=True)
    state["classifier.bias"] += 1
    torch.save(state, path)
    with pytest.raises(TrainedWeightsError, match=r"digits\.pt: SHA-256 .* does not match"):
        load_trained("digits", path)
    assert load_trained("digits", path, verify=False) is not None


def test_missing_and_mismatched_files_are_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(TrainedWeightsError, match=r"nothing\.pt: the shapes network's weights"):
        load_trained("shapes", tmp_path / "nothing.pt")
    path = _copy_shipped("digits", tmp_path)
    recipe_path(path).unlink()
    with pytest.raises(TrainedWeightsError, match=r"digits\.json: the recipe of digits\.pt"):
        load_trained("digits", path)
    recipe_path(path).write_text("{not json")
    with pytest.raises(TrainedWeightsError, match=r"digits\.json: not a readable recipe"):
        load_trained("digits", path)
    with pytest.raises(TrainedWeightsError, match=r"digits\.pt: not the shapes network's"):
        load_trained("shapes", path, verify=False)
    (tmp_path / "text.pt").write_text("hello")
    with pytest.raises(TrainedWeightsError, match=r"text\.pt: not a loadable state dict"):
        load_trained("digits", tmp_path / "text.pt", verify=False)


class _Payload:
    """A pickle that would create a file when unpickled (if it were ever unpickled)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


def test_a_pickle_that_would_run_code_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    torch.save({"classifier.bias": _Payload(marker)}, path)
    # Even with a recipe that vouches for it, loading stays weights-only.
    recipe_path(path).write_text(json.dumps({"weights": {"sha256": file_sha256(path)}}))
    with pytest.raises(TrainedWeightsError, match=r"evil\.pt: not a loadable state dict"):
        load_trained("digits", path)
    assert not marker.exists()
