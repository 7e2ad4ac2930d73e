"""``classroom train``: evaluating the shipped networks, retraining, and where results go."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from classroom.cli import main
from classroom.trained.weights import load_recipe, shipped_weights_path


def _train(*arguments: str) -> Result:
    return CliRunner().invoke(main, ["train", *arguments])


def _accuracy(output: str) -> float:
    found = re.findall(r"^held-out accuracy: (\d+\.\d) %$", output, flags=re.MULTILINE)
    assert len(found) == 1, output
    return float(found[0])


@pytest.mark.parametrize("network", ["digits", "shapes"])
def test_evaluate_measures_the_shipped_network_as_its_recipe_says(network: str) -> None:
    result = _train(network, "--evaluate")
    assert result.exit_code == 0, result.output
    recorded = load_recipe(shipped_weights_path(network))["held_out"]
    assert _accuracy(result.output) == round(recorded["accuracy"] * 100, 1)
    assert f"{recorded['correct']} of {recorded['total']} held-out images right" in result.output


def test_training_writes_weights_and_recipe_and_never_overwrites_unasked(tmp_path: Path) -> None:
    target = tmp_path / "quick" / "digits-quick.pt"
    result = _train("digits", "--steps", "8", "--seed", "3", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert 0 <= _accuracy(result.output) <= 100
    recipe = json.loads(target.with_suffix(".json").read_text())
    assert (recipe["recipe"]["seed"], recipe["recipe"]["steps"]) == (3, 8)
    assert "digits-quick.pt" in result.output
    again = _train("digits", "--steps", "8", "-o", str(target))
    assert again.exit_code == 1
    assert "exists; give another -o OUT, or --overwrite" in again.output
    assert _train("digits", "--steps", "8", "-o", str(target), "--overwrite").exit_code == 0
    recipe = json.loads(target.with_suffix(".json").read_text())
    assert recipe["recipe"]["seed"] == 0  # the overwriting run's
    evaluated = _train("digits", "--evaluate", "--weights", str(target))
    assert evaluated.exit_code == 0, evaluated.output
    assert _accuracy(evaluated.output) == round(recipe["held_out"]["accuracy"] * 100, 1)


def test_a_retrained_network_lands_in_the_current_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _train("digits", "--steps", "6")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "digits.pt").is_file()
    assert (tmp_path / "digits.json").is_file()


def test_a_tampered_weights_file_is_refused_by_name(tmp_path: Path) -> None:
    target = tmp_path / "digits.pt"
    assert _train("digits", "--steps", "6", "-o", str(target)).exit_code == 0
    content = bytearray(target.read_bytes())
    content[len(content) // 2] ^= 1
    target.write_bytes(bytes(content))
    result = _train("digits", "--evaluate", "--weights", str(target))
    assert result.exit_code == 1
    assert "digits.pt: SHA-256" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["shapes", "--evaluate", "--seed", "3"], "--evaluate takes no --seed"),
        (["shapes", "--weights", __file__], "--weights goes with --evaluate"),
        (["shapes", "--seed", "1000000"], "1000000 is not in the range 0<=x<=999999"),
        (["cats"], "'cats' is not one of 'shapes', 'digits'"),
        (["digits", "--steps", "3"], "3 steps are too few for a warm-up of 20%"),
    ],
)
def test_wrong_usage_is_explained(arguments: list[str], message: str) -> None:
    result = _train(*arguments)
    assert result.exit_code == 2
    assert message in result.output
