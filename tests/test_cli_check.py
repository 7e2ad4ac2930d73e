"""``classroom check``: exit status and the lines an instructor (or CI log) reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from classroom.cli import main
from tests.lesson_tree import VALID, LessonTree


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    return LessonTree(tmp_path)


def check(*arguments: str | Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", *map(str, arguments)])
    return result.exit_code, result.output.splitlines()


def test_a_valid_lesson_prints_a_tick_and_its_step_count(tree: LessonTree) -> None:
    path = tree.write(VALID)
    assert check(path) == (0, [f"✓ {path} (1 step)"])


def test_a_broken_lesson_prints_file_line_field_and_message(tree: LessonTree) -> None:
    good = tree.write(VALID, "good.yaml")
    bad = tree.write(VALID.replace("[10, 20]", "[10, 99]") + "    locked: yes\n", "bad.yaml")
    code, lines = check(tree.lessons)
    assert code == 1
    assert lines == [
        f"{bad}:8: steps[0].reference: expected two whole numbers [x, y] inside the 64×48 image "  # noqa: RUF001
        "(x below 64, y below 48), found [10, 99]",
        f"{bad}:9: steps[0].locked: expected true or false, found 'yes'",
        f"✓ {good} (1 step)",
        "problems in 1 of 2 lesson files",
    ]


def test_whole_file_problems_print_without_a_line(tree: LessonTree) -> None:
    path = tree.write(b"\xff\xfet\x00i\x00")
    assert check(path) == (
        1,
        [
            f"{path}: the file is saved as UTF-16; save it as UTF-8",
            "problems in 1 of 1 lesson files",
        ],
    )


def test_missing_paths_and_empty_directories_fail(tree: LessonTree) -> None:
    missing = tree.root / "nowhere.yaml"
    assert check(missing) == (1, [f"{missing}: no such file or directory"])
    assert check(tree.lessons) == (
        1,
        [f"{tree.lessons}: no lesson files (*.yaml, *.yml) in this directory"],
    )


def test_without_paths_it_checks_the_configured_lesson_directory(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tree.write(VALID)
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    assert check() == (0, [f"✓ {path} (1 step)"])
