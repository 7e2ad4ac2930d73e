"""Fixtures of the page's tests: a lesson directory per test, untrained mode, and the
background worker idle after each test (``page.py`` has the lessons and helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from classroom import shared
from tests.app.page import FIRST, SECOND
from tests.lesson_tree import LessonTree


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LessonTree:
    """Two lessons, as ``classroom run --lessons`` would offer them."""
    tree = LessonTree(tmp_path)
    tree.image("one.png", (64, 48))
    tree.image("two.png", (80, 48))
    tree.write(FIRST, "a-first.yaml")
    tree.write(SECOND, "b-second.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    return tree


@pytest.fixture
def untrained(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``classroom run --untrained`` sets."""
    monkeypatch.setenv("CLASSROOM_UNTRAINED", "1")


@pytest.fixture(autouse=True)
def _worker_idle_afterwards() -> Iterator[None]:
    """Background work of one test must not spill into the next one's store."""
    yield
    assert shared.worker().wait_idle(timeout=120)
