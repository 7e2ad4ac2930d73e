"""Pydantic's errors about a lesson file, in the instructor's words.

Each message says what was expected and what was found (``expected a whole number, found
'first'``), points a misspelt field to the closest known one, and says where a misplaced field
belongs.
"""

from __future__ import annotations

import difflib
import re
from typing import Final

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from classroom.lessons.problems import describe, suggest
from classroom.lessons.safe_yaml import Location
from classroom.lessons.schema import (
    ARCHITECTURES,
    MODEL_TAGS,
    ImageEntry,
    LessonFile,
    ModelFileEntry,
    ModelFileLayer,
    PanelEntry,
    Question,
    StepEntry,
)

__all__ = ["explain", "explain_all"]

#: Parts of pydantic's error locations that are not fields of the file.
_NOT_FIELDS: Final = frozenset({"[key]", *MODEL_TAGS})

#: Fields people put in a step that belong elsewhere, and where.
_MISPLACED: Final = {
    "weights": "a step sets weights per layer: layers: [{layer: conv3_x, weights: untrained}]",
    "model": "the model is set once, at the top of the file",
    "prompt": "put it under question:",
    "hint": "put it under question:",
    "answer": "put it under question:",
    "caption": "captions belong to the image, under images:",
    "path": "image files are listed under images:, and a step names one with image:",
}

_EXPECTED: Final = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (lines of 'name: value')",
    "model_type": "a mapping (lines of 'name: value')",
    "string_too_short": "some text",
    "string_pattern_mismatch": "a name of letters, digits, '-' and '_'",
    "greater_than_equal": "a number of at least {ge}",
    "less_than_equal": "a number of at most {le}",
    "string_too_long": "at most {max_length} characters",
}


def _model_at(location: Location) -> type[BaseModel] | None:
    match location:
        case ():
            return LessonFile
        case ("images", str()):
            return ImageEntry
        case ("steps", int()):
            return StepEntry
        case ("steps", int(), "question"):
            return Question
        case ("steps", int(), "layers", int()):
            return PanelEntry
        case ("model",):
            return ModelFileEntry
        case ("model", "layers", int()):
            return ModelFileLayer
    return None


def _unknown_field(location: Location) -> str:
    name = str(location[-1])
    parent = location[:-1]
    message = f"unknown field '{name}'"
    model = _model_at(parent)
    if model is None:
        return message
    if model is StepEntry and name in _MISPLACED:
        return f"{message}: {_MISPLACED[name]}"
    known = list(model.model_fields)
    return message + (suggest(name, known) or f" (known fields: {', '.join(known)})")


def explain_all(errors: list[ErrorDetails]) -> list[tuple[Location, str]]:
    """:func:`explain` for every error, with a misspelt field reported once, not twice.

    ``titel: ...`` is both an unknown field and a missing ``title``; the unknown field's
    "did you mean 'title'?" already says all there is to say.
    """
    misspelt = {
        (_location(error)[:-1], close)
        for error in errors
        if error["type"] == "extra_forbidden"
        for close in _close_fields(_location(error))
    }
    return [
        explain(error)
        for error in errors
        if not (
            error["type"] == "missing" and (_location(error)[:-1], _location(error)[-1]) in misspelt
        )
    ]


def _location(error: ErrorDetails) -> Location:
    """Where an error is in the file (pydantic's location without its own markers)."""
    return tuple(
        part
        for part in error["loc"]
        # Union branches are tagged "@..." (a model's, a technique's): no field of the file.
        if part not in _NOT_FIELDS and not (isinstance(part, str) and part.startswith("@"))
    )


def _close_fields(location: Location) -> list[str]:
    model = _model_at(location[:-1])
    if model is None:
        return []
    return difflib.get_close_matches(str(location[-1]), list(model.model_fields), n=1, cutoff=0.6)


def explain(error: ErrorDetails) -> tuple[Location, str]:
    """Where a pydantic error is in the file and what it means, in plain words."""
    location = _location(error)
    kind = error["type"]
    value = error["input"]
    ctx = error.get("ctx", {})
    if kind == "missing":
        return location[:-1], f"missing required field '{location[-1]}'"
    if kind == "extra_forbidden":
        return location, _unknown_field(location)
    if kind == "value_error":
        return location, str(ctx["error"])
    found = describe(value)
    if kind == "literal_error" and location == ("model",) and isinstance(value, str):
        return location, f"unknown model {found}{suggest(value, ARCHITECTURES)} (the models: " + (
            f"{', '.join(ARCHITECTURES)}; or a model file: {{file: ..., layers: [...]}})"
        )
    if kind == "literal_error":
        expected = str(ctx["expected"])
        hint = suggest(value, re.findall(r"'([^']*)'", expected)) if isinstance(value, str) else ""
        return location, f"expected {expected}, found {found}{hint}"
    if kind in {"too_short", "too_long"} and isinstance(value, list | dict):
        count = _entries(len(value)) if value else "none"
        if kind == "too_short":
            return location, f"expected at least {_entries(ctx['min_length'])}, found {count}"
        return location, f"expected at most {_entries(ctx['max_length'])}, found {count}"
    if kind not in _EXPECTED:
        return location, f"{error['msg']}, found {found}"
    return location, f"expected {_EXPECTED[kind].format(**ctx)}, found {found}"


def _entries(count: int) -> str:
    return "one entry" if count == 1 else f"{count} entries"
