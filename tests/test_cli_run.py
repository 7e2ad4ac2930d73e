"""Command options: ``--weights-file`` for run and prepare, and how run's reach the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from classroom.cli import main
from classroom.server import app_environment


def test_the_weights_file_reaches_the_page_as_an_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resnet18_weights_file: Path
) -> None:
    monkeypatch.chdir(resnet18_weights_file.parent)
    environment = app_environment(
        untrained=False, lessons_dir=tmp_path, weights_file=Path(resnet18_weights_file.name)
    )
    assert environment == {
        "CLASSROOM_LESSONS_DIR": str(tmp_path.resolve()),
        "CLASSROOM_WEIGHTS_FILE": str(resnet18_weights_file.resolve()),
    }
    assert app_environment(untrained=True, lessons_dir=tmp_path) == {
        "CLASSROOM_LESSONS_DIR": str(tmp_path.resolve()),
        "CLASSROOM_UNTRAINED": "1",
    }


@pytest.mark.parametrize("command", ["run", "prepare"])
def test_untrained_and_a_weights_file_exclude_each_other(
    command: str, resnet18_weights_file: Path
) -> None:
    by_option = CliRunner().invoke(
        main, [command, "--untrained", "--weights-file", str(resnet18_weights_file)]
    )
    by_environment = CliRunner().invoke(
        main, [command, "--untrained"], env={"CLASSROOM_WEIGHTS_FILE": str(resnet18_weights_file)}
    )
    for result in (by_option, by_environment):
        assert result.exit_code == 2
        assert "--untrained and --weights-file (or CLASSROOM_WEIGHTS_FILE) exclude each other" in (
            result.output
        )


@pytest.mark.parametrize("command", ["run", "prepare"])
def test_a_weights_file_that_is_not_there_is_named(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "resnet101.pth"
    result = CliRunner().invoke(main, [command, "--weights-file", str(missing)])
    assert result.exit_code == 2
    assert f"'{missing}' does not exist" in result.output


def test_run_documents_the_weights_file() -> None:
    result = CliRunner().invoke(main, ["run", "--help"])
    assert "--weights-file FILE" in result.output
    assert "CLASSROOM_WEIGHTS_FILE" in result.output
