"""Robustness: random damage to a lesson file never escapes as anything but a LessonError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from classroom.lessons import (
    ARCHITECTURES,
    Lesson,
    LessonError,
    load_lesson,
)
from tests.lesson_tree import RICH, VALID, LessonTree


def test_loading_twice_gives_equal_lessons(tree: LessonTree) -> None:
    first: Lesson = tree.load(VALID)
    assert tree.load(VALID) == first


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """RICH with one to four random cuts, insertions, replacements and line shuffles."""
    data = bytearray(RICH.encode())
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 40)))
        kind = draw(st.sampled_from(["cut", "insert", "replace", "lines", "byte"]))
        if kind == "cut":
            del data[start:end]
        elif kind in {"insert", "replace"}:
            text = draw(st.text(st.sampled_from(DAMAGE), max_size=12)).encode()
            data[start : end if kind == "replace" else start] = text
        elif kind == "byte":
            data[start:start] = bytes([draw(st.integers(0, 255))])
        else:
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i] + b"\n" + lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


#: Line breaks as YAML 1.1 reads them (PyYAML's scanner).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

DAMAGE = ":-[]{}&*!|>'\"#,?%@`~ \n\t0123456789aenxyz_.é\x00\x07"


@pytest.fixture(scope="module")
def fuzz_tree(tmp_path_factory: pytest.TempPathFactory) -> LessonTree:
    tree = LessonTree(tmp_path_factory.mktemp("fuzz"))
    tree.image("other.png", size=(32, 32))
    return tree


def test_the_rich_lesson_is_valid(fuzz_tree: LessonTree) -> None:
    lesson = fuzz_tree.load(RICH)
    assert [len(step.panels) for step in lesson.steps] == [2, 2]
    assert lesson.steps[0].question is not None


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=damaged())
def test_damage_gives_a_sound_lesson_or_located_problems(
    fuzz_tree: LessonTree, content: bytes
) -> None:
    path = fuzz_tree.write(content)
    # Lines as YAML (and editors) count them: a lone carriage return breaks a line too.
    line_count = len(_LINE_BREAK.split(content.decode("utf-8", errors="replace")))
    try:
        lesson = load_lesson(path)
    except LessonError as error:
        problems = error.problems
    else:
        event("loaded")
        _assert_sound(lesson, fuzz_tree.datasets)
        return
    assert problems
    for problem in problems:
        assert problem.file == path
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= line_count, problem


def _assert_sound(lesson: Lesson, datasets: Path) -> None:
    """Everything the loader promises about a lesson it accepts, whatever the file said."""
    assert lesson.title.strip()
    assert lesson.model in ARCHITECTURES or lesson.model_file is not None
    assert lesson.precision in (8, 16, 32)
    assert 64 <= lesson.max_side <= 4096
    assert lesson.images
    assert lesson.steps
    sizes = {}
    for image in lesson.images:
        assert image.path.is_file()
        assert image.path.resolve().is_relative_to(datasets.resolve())
        assert image.attribution.strip()
        with Image.open(image.path) as opened:
            sizes[image.id] = opened.size
    assert len({step.id for step in lesson.steps}) == len(lesson.steps)
    for step in lesson.steps:
        assert step.text.strip()
        assert step.image in sizes
        if step.reference is not None:
            x, y = step.reference
            width, height = sizes[step.image]
            assert 0 <= x < width
            assert 0 <= y < height
        assert not step.locked or step.reference is not None
        assert 1 <= len(step.panels) <= 6
        assert len({(p.layer, p.weights) for p in step.panels}) == len(step.panels)
        assert all(panel.layer in lesson.layer_order for panel in step.panels)
