"""``classroom prepare`` on small lesson files (real lessons module, real networks, no network)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from classroom import networks
from classroom.cli import main
from classroom.store import FeatureStore, PreparedLayer
from tests.conftest import picture

LESSON = """\
title: A small lesson
audience: the test suite
summary: Two pictures, two layers.
model: resnet18
weights: imagenet
layers: [conv2_x, conv3_x]
max_side: 96
images:
  first:
    path: first.png
    caption: The first picture
    attribution: made by the tests, CC0
  second:
    path: second.png
    caption: The second picture
    attribution: made by the tests, CC0
steps:
  - id: one
    title: One
    image: first
    text: Look at the first picture.
  - id: two
    title: Two
    image: second
    text: Now the second.
"""


@pytest.fixture
def lesson_dir(tmp_path: Path) -> Path:
    """``<tmp>/lessons/small.yaml`` with its pictures in ``<tmp>/datasets``."""
    lessons, datasets = tmp_path / "lessons", tmp_path / "datasets"
    lessons.mkdir()
    datasets.mkdir()
    Image.fromarray(picture(120, 90, seed=1)).save(datasets / "first.png")
    Image.fromarray(picture(100, 160, seed=2)).save(datasets / "second.png")
    (lessons / "small.yaml").write_text(LESSON)
    return lessons


def _prepare(*arguments: str) -> Result:
    return CliRunner().invoke(main, ["prepare", *arguments])


def _entries() -> list[PreparedLayer]:
    store = FeatureStore()
    entries = [store.read_path(path) for path in sorted(store.features_dir.glob("*.cfm"))]
    return [entry for entry in entries if entry is not None]


def test_untrained_prepares_the_lesson_and_a_second_run_nothing(lesson_dir: Path) -> None:
    first = _prepare("--untrained", str(lesson_dir))

    assert first.exit_code == 0, first.output
    assert "4 feature maps prepared, 0 already prepared, 0 of 2 requests failed." in first.output
    assert "the app labels them 'untrained'" in first.output
    entries = _entries()
    # Both pictures are capped at the lesson's max_side of 96: 120 x 90 and 100 x 160.
    sizes = sorted(
        (e.header.key.layer, e.header.info.image_width, e.header.info.image_height) for e in entries
    )
    assert sizes == [
        ("conv2_x", 60, 96),
        ("conv2_x", 96, 72),
        ("conv3_x", 60, 96),
        ("conv3_x", 96, 72),
    ]
    assert all(e.header.key.weights_id.startswith("untrained:seed=0:torch=") for e in entries)
    assert all(e.header.key.precision == 8 for e in entries)
    assert len(list(FeatureStore().images_dir.glob("*.png"))) == 2

    second = _prepare("--untrained", str(lesson_dir / "small.yaml"))

    assert second.exit_code == 0, second.output
    assert "0 feature maps prepared, 4 already prepared" in second.output


def test_missing_pretrained_weights_exit_non_zero_with_the_message(lesson_dir: Path) -> None:
    result = _prepare(str(lesson_dir))

    assert result.exit_code == 1
    assert "The pretrained resnet18 weights (IMAGENET1K_V1) are not available" in result.output
    assert f"Expected file: {networks.hub_checkpoint_path('resnet18')}" in result.output
    assert "--untrained" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert _entries() == []


def test_precision_overrides_the_lesson(lesson_dir: Path) -> None:
    result = _prepare("--untrained", "--precision", "16", str(lesson_dir))
    assert result.exit_code == 0, result.output
    assert {entry.header.key.precision for entry in _entries()} == {16}


def test_a_weights_file_is_used_and_named(lesson_dir: Path, resnet18_weights_file: Path) -> None:
    result = _prepare("--weights-file", str(resnet18_weights_file), str(lesson_dir))
    assert result.exit_code == 0, result.output
    entries = _entries()
    assert len(entries) == 4
    assert {entry.header.info.weights_label for entry in entries} == {"seeded-resnet18.pth"}
    assert not any(entry.header.info.untrained for entry in entries)


def test_a_broken_lesson_is_reported_and_the_others_prepared(lesson_dir: Path) -> None:
    broken = lesson_dir / "broken.yaml"
    broken.write_text(
        textwrap.dedent("""\
        title: Broken
        images: {}
        steps: not a list
    """)
    )

    result = _prepare("--untrained", str(lesson_dir))

    assert result.exit_code == 1
    assert "✗ lesson not prepared" in result.output
    assert str(broken) in result.output
    assert "4 feature maps prepared" in result.output
    assert "Traceback" not in result.output


def test_a_directory_without_lessons_is_an_error(tmp_path: Path) -> None:
    result = _prepare("--untrained", str(tmp_path))
    assert result.exit_code == 1
    assert f"No lesson files (*.yaml, *.yml) in {tmp_path}" in result.output


def test_prepare_maintains_the_store_first(lesson_dir: Path) -> None:
    store = FeatureStore()
    old_format = store.root / "features" / "v1"
    old_format.mkdir(parents=True)
    (old_format / "old.cfm").write_bytes(b"x" * 2_000_000)

    result = _prepare("--untrained", str(lesson_dir))

    assert result.exit_code == 0, result.output
    assert not old_format.exists()
    assert f"Freed 2.0 MB in {store.root}: removed 1 folder of an older store format." in (
        result.output
    )
    assert len(_entries()) == 4


def test_an_invalid_lesson_alone_ends_with_one_line_saying_it_was_not_prepared(
    tmp_path: Path,
) -> None:
    """Issue 17: not "0 feature maps prepared, 0 already prepared, 0 of 0 requests failed"."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: Broken\nimages: {}\nsteps: not a list\n")

    result = _prepare("--untrained", str(broken))

    assert result.exit_code == 1
    assert "requests failed" not in result.output
    assert result.output.splitlines()[-1] == (
        f"✗ The lesson was not prepared: {broken} has 3 problems (listed above; fix the lesson "
        "and run classroom prepare again)"
    )


def test_several_invalid_lessons_are_named_on_the_last_line(lesson_dir: Path) -> None:
    for name in ("a-broken.yaml", "b-broken.yaml"):
        (lesson_dir / name).write_text("title: Broken\nsteps: []\n")

    result = _prepare("--untrained", str(lesson_dir))

    assert result.exit_code == 1
    assert "4 feature maps prepared, 0 already prepared, 0 of 2 requests failed." in result.output
    last = result.output.splitlines()[-1]
    assert last.startswith("✗ 2 lessons were not prepared: ")
    assert f"{lesson_dir / 'a-broken.yaml'} has " in last
    assert f"{lesson_dir / 'b-broken.yaml'} has " in last
