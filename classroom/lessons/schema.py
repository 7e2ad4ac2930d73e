"""The lesson file format: pydantic models of what an instructor writes, and its JSON Schema.

These models check types, required fields, unknown fields and names (pass 1 of loading).
They are strict: YAML already types its values, so ``"12"`` where a number belongs, or ``1``
where text belongs, is a mistake worth reporting rather than converting. :func:`explain`
turns pydantic's errors into the instructor's words; ``lessons/lesson.schema.json`` is
:func:`lesson_schema`, for editor completion.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, ErrorDetails

from classroom.lessons.problems import describe, suggest
from classroom.lessons.safe_yaml import Location

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_LAYERS",
    "DEFAULT_MAX_SIDE",
    "LAYERS",
    "MAX_PANELS",
    "Architecture",
    "ImageEntry",
    "LayerName",
    "LessonFile",
    "MaxSide",
    "PanelEntry",
    "Precision",
    "Question",
    "StepEntry",
    "explain",
    "explain_all",
    "lesson_schema",
]

Architecture = Literal["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]
LayerName = Literal["conv1", "conv2_x", "conv3_x", "conv4_x", "conv5_x"]
Precision = Literal[8, 16, 32]
#: The cap on an image's longest side, in pixels.
MaxSide = Annotated[int, Field(ge=64, le=4096)]

ARCHITECTURES: Final[tuple[str, ...]] = get_args(Architecture)
#: ResNet stages from the input upwards.
LAYERS: Final[tuple[str, ...]] = get_args(LayerName)
DEFAULT_LAYERS: Final = ("conv2_x", "conv3_x", "conv4_x")
DEFAULT_MAX_SIDE: Final = 1024
#: Panels in one step: every default layer twice (trained and untrained) fits; more is illegible.
MAX_PANELS: Final = 6


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("expected some text, found only spaces")
    return value


def _as_reference(value: object) -> object:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
    ):
        return tuple(value)
    raise ValueError(
        "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
        f"found {describe(value)}"
    )


Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
WeightsName = Annotated[
    str,
    Field(min_length=1),
    WithJsonSchema(
        {
            "type": "string",
            "examples": ["imagenet", "untrained", "IMAGENET1K_V1", "IMAGENET1K_V2"],
            "description": "imagenet (torchvision's default pretrained weights), untrained "
            "(seeded random weights) or a member of the architecture's torchvision weights "
            "enum, e.g. IMAGENET1K_V1.",
        }
    ),
]
Reference = Annotated[
    tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]],
    BeforeValidator(_as_reference),
]


class Question(_FileModel):
    """A question for the students; the hint and the answer are revealed on demand."""

    prompt: Text = Field(description="The question (markdown).")
    hint: str | None = Field(None, description="A nudge, shown on request (markdown).")
    answer: str | None = Field(None, description="Shown on request (markdown).")


class ImageEntry(_FileModel):
    """An image of the lesson, under the id that steps use."""

    path: Text = Field(
        description="Path of the image file inside the datasets directory, e.g. chelsea.png."
    )
    caption: str = Field("", description="Shown under the image.")
    attribution: Text = Field(description="Author or source, and licence (CC0 or public domain).")


class PanelEntry(_FileModel):
    """A layer name (conv3_x), or a layer with its own weights ({layer: conv3_x, weights: ...})."""

    layer: LayerName
    weights: WeightsName | None = Field(None, description="Default: the lesson's weights.")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: object) -> object:
        if isinstance(value, str):
            return {"layer": value}
        if not isinstance(value, dict):
            raise ValueError(  # pydantic turns a ValueError into a located problem
                "expected a layer name such as conv3_x, or {layer: conv3_x, weights: untrained}, "
                f"found {describe(value)}"
            )
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        as_mapping = handler.resolve_ref_schema(handler(core_schema))
        return {
            "anyOf": [{"type": "string", "enum": list(LAYERS)}, as_mapping],
            "description": cls.__doc__,
        }


class StepEntry(_FileModel):
    """One step: what the class reads, which image it looks at, where the pointer starts."""

    id: Name | None = Field(None, description="Unique name of the step; default step-N.")
    title: Text | None = Field(None, description="Heading of the step; default Step N.")
    text: Text = Field(description="What to do and what to look for (markdown).")
    image: str | None = Field(
        None, description="Id of the image to show; default: the previous step's image."
    )
    reference: Reference | None = Field(
        None, description="Preset reference pixel [x, y] in image pixels, from the top left."
    )
    locked: bool = Field(
        False, description="Hold the reference pixel still until the presenter releases it."
    )
    layers: Annotated[list[PanelEntry], Field(min_length=1, max_length=MAX_PANELS)] | None = Field(
        None, description="Panels of this step; default: the lesson's layers."
    )
    question: Question | None = None


class LessonFile(_FileModel):
    """A classroom lesson (lessons/*.yaml); see docs/lessons.md."""

    model_config = ConfigDict(title="classroom lesson")

    title: Text = Field(description="Name of the lesson in the lesson list.")
    audience: str = Field("", description="Who the lesson is for, e.g. 'novices'.")
    summary: str = Field("", description="One or two sentences shown before the first step.")
    order: int | None = Field(
        None,
        description="Place in the lesson list: lessons with an order come first, lowest "
        "first; the others follow by title.",
    )
    model: Architecture = Field("resnet101", description="torchvision ResNet architecture.")
    weights: WeightsName = Field("imagenet", description="Weights of every panel by default.")
    layers: Annotated[list[LayerName], Field(min_length=1, max_length=len(LAYERS))] = Field(
        list(DEFAULT_LAYERS),
        description="Panels shown side by side by default; each layer once.",
        json_schema_extra={"uniqueItems": True},
    )
    precision: Precision = Field(8, description="Bits per stored feature value.")
    max_side: MaxSide = Field(
        DEFAULT_MAX_SIDE,
        description="Images are scaled down to this longest side before extraction.",
    )
    images: Annotated[dict[Name, ImageEntry], Field(min_length=1)] = Field(
        description="The lesson's images, by id."
    )
    steps: Annotated[list[StepEntry], Field(min_length=1)] = Field(
        description="The steps, in order."
    )


def lesson_schema() -> dict[str, Any]:
    """The JSON Schema of lesson files (``lessons/lesson.schema.json``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated by `python -m classroom.lessons --schema`; do not edit.",
        **LessonFile.model_json_schema(),
    }


# -- pydantic errors in an instructor's words ------------------------------------------------

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
        (tuple(error["loc"][:-1]), close)
        for error in errors
        if error["type"] == "extra_forbidden"
        for close in _close_fields(tuple(error["loc"]))
    }
    return [
        explain(error)
        for error in errors
        if not (
            error["type"] == "missing" and (tuple(error["loc"][:-1]), error["loc"][-1]) in misspelt
        )
    ]


def _close_fields(location: Location) -> list[str]:
    model = _model_at(location[:-1])
    if model is None:
        return []
    return difflib.get_close_matches(str(location[-1]), list(model.model_fields), n=1, cutoff=0.6)


def explain(error: ErrorDetails) -> tuple[Location, str]:
    """Where a pydantic error is in the file and what it means, in plain words."""
    location: Location = tuple(part for part in error["loc"] if part != "[key]")
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
