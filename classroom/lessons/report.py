"""Checking lesson files and printing the results (``classroom check``)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from classroom.lessons.loader import discover_lessons, load_lesson
from classroom.lessons.problems import LessonError

__all__ = ["check_from_cli"]


def _tick() -> str:
    """A check mark where the terminal can show one (a Windows code page may not)."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "✓".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "OK"
    return "✓"


def _targets(paths: Sequence[Path], echo: Callable[[str], None]) -> tuple[list[Path], bool]:
    files: list[Path] = []
    ok = True
    for target in paths:
        if target.is_dir():
            try:
                found = discover_lessons(target)
            except OSError as error:
                echo(f"{target}: cannot be read ({error.strerror or error})")
                ok = False
                continue
            if not found:
                echo(f"{target}: no lesson files (*.yaml, *.yml) in this directory")
                ok = False
            files.extend(found)
        elif target.exists():
            files.append(target)
        else:
            echo(f"{target}: no such file or directory")
            ok = False
    return files, ok


def check_from_cli(paths: list[Path], *, echo: Callable[[str], None] = print) -> bool:
    """Check lesson files, and directories of them; print one line per result.

    A valid lesson prints ``✓ lessons/x.yaml (6 steps)``; each problem prints as
    ``file:line: field: message``, which editors and CI logs make clickable.

    Returns:
        ``True`` when every lesson is valid.
    """
    files, ok = _targets(paths, echo)
    tick = _tick()
    failed = 0
    for file in files:
        try:
            lesson = load_lesson(file)
        except LessonError as error:
            failed += 1
            for problem in error.problems:
                echo(str(problem))
        else:
            count = len(lesson.steps)
            echo(f"{tick} {file} ({count} step{'' if count == 1 else 's'})")
    if failed:
        echo(f"problems in {failed} of {len(files)} lesson files")
    return ok and not failed
