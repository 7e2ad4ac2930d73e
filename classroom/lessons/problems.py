"""Problems with lesson files, and the plain words they are reported in.

Every message names what was expected and what was found, as the instructor wrote it, so a
line like ``lessons/x.yaml:12: steps[2].reference: expected ..., found [700, 20]`` is enough
to fix the file without reading any code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classroom.lessons.safe_yaml import Location
from classroom.wording import suggest

__all__ = ["LessonError", "LessonProblem", "describe", "field_path", "suggest"]


@dataclass(frozen=True)
class LessonProblem:
    """One problem with a lesson file.

    Attributes:
        file: the lesson file, as it was given.
        line: 1-based line, or ``None`` when the problem concerns the whole file.
        field: where in the lesson, e.g. ``steps[2].reference`` (empty for the whole file).
        message: what was expected and what was found.
    """

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class LessonError(ValueError):
    """A lesson file has problems; ``problems`` lists all of them, sorted by line."""

    def __init__(self, problems: Sequence[LessonProblem]) -> None:
        if not problems:
            raise ValueError("a LessonError needs at least one problem")
        self.problems = sorted(problems, key=lambda problem: (problem.line or 0, problem.field))
        super().__init__("\n".join(str(problem) for problem in self.problems))


def describe(value: object) -> str:
    """A value as the instructor wrote it, for the 'found ...' part of a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if not value:
            return "an empty text"
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, list):
        if not value:
            return "an empty list"
        inner = ", ".join(describe(item) for item in value[:4])
        return f"[{inner}{', ...' if len(value) > 4 else ''}]"
    if isinstance(value, dict):
        if not value:
            return "an empty mapping"
        keys = ", ".join(str(key) for key in value)
        return f"a mapping ({keys if len(keys) <= 40 else keys[:37] + '...'})"
    return str(value)


def field_path(location: Location) -> str:
    """``("steps", 2, "reference")`` as ``steps[2].reference``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text
