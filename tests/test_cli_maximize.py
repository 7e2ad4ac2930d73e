"""``classroom compute maximize``: the issue's command line, on the shipped shapes network."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from classroom.cli import main


def test_it_writes_the_facets_and_the_top_images(tmp_path: Path) -> None:
    output = tmp_path / "circle.png"
    arguments = ["compute", "maximize", "--model", "shapes", "--target", "class:circle"]
    arguments += ["--facets", "2", "--seed", "3", "-p", "steps=2", "-o", str(output)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert "noise: " in result.output
    assert "from held-out " in result.output
    with Image.open(output) as picture:
        assert picture.mode == "RGB"
        assert picture.width > 2 * 96  # two facets side by side
    assert (tmp_path / "circle-top.png").is_file()
    again = CliRunner().invoke(main, arguments)
    assert "step 1 / 2" not in again.output  # from the store, not computed again


def test_a_bad_target_is_a_usage_error_that_names_the_layers() -> None:
    arguments = ["compute", "maximize", "--model", "shapes", "--target", "channel:block5:0"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2
    assert "did you mean 'block4'" in result.output


def test_other_techniques_still_need_an_image() -> None:
    result = CliRunner().invoke(main, ["compute", "grad_cam", "--model", "shapes"])
    assert result.exit_code == 2
    assert "grad_cam needs an IMAGE" in result.output
