"""A step's ``techniques:``: the lecture's toolbox in the lesson format, derived from the registry.

Each registered technique gets one entry model here, made from its declaration (its name as
the ``technique:`` tag, ``layer:`` and ``target:`` where it reads them, and its own parameter
model's fields), so the schema, the JSON Schema and the checks follow the registry without a
second list. A step writes::

    techniques:
      - grad_cam                              # a name alone: every default
      - {technique: occlusion, target: circle, patch: 24, stride: 12}

The step's reference pixel is the techniques' reference too. Pass 2
(:func:`check_step_techniques`) checks layers and classes against the lesson's network.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    create_model,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from classroom.lessons.problems import describe
from classroom.lessons.safe_yaml import Location
from classroom.networks import registry
from classroom.techniques import (
    Technique,
    TechniqueRequest,
    technique,
    techniques,
)
from classroom.wording import suggest

__all__ = [
    "MAX_TECHNIQUES",
    "TechniqueEntries",
    "TechniqueUse",
    "check_step_techniques",
    "technique_entry_models",
    "techniques_of",
]

#: Techniques in one step: each is a figure beside the view; more than this is not read.
MAX_TECHNIQUES = 6

_LAYER = "A layer of the lesson's model (default: its last layer for class maps)."
_TARGET = "The class to explain, by name (e.g. circle) or number; default: the predicted one."


def _tag(name: str) -> str:
    """The union's tag; ``@`` marks it as no field of the file (explain.py drops it)."""
    return f"@{name}"


def _entry_model(entry: Technique) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "technique": (Literal[entry.name], Field(description=f"{entry.title}: {entry.summary}"))
    }
    if entry.uses_layer:
        fields["layer"] = (str | None, Field(None, description=_LAYER))
    if entry.uses_target:
        fields["target"] = (str | None, Field(None, description=_TARGET))
    title = "".join(part.title() for part in entry.name.split("_"))
    model: type[BaseModel] = create_model(
        f"{title}Technique", __base__=entry.parameters, __doc__=entry.summary, **fields
    )
    return model


def technique_entry_models() -> dict[str, type[BaseModel]]:
    """One entry model per registered technique, by name."""
    return {entry.name: _entry_model(entry) for entry in techniques()}


def _as_entry(value: object) -> object:
    """A name alone is the technique with every default; an unknown name is refused early."""
    if isinstance(value, str):
        value = {"technique": value}
    if not isinstance(value, dict):
        raise ValueError(
            "expected a technique name such as grad_cam, or {technique: grad_cam, target: "
            f"circle}}, found {describe(value)}"
        )
    name = value.get("technique")
    if not isinstance(name, str):
        raise ValueError("each technique names its technique: {technique: grad_cam, ...}")
    technique(name)  # ValueError naming the techniques
    return value


def _branch(value: object) -> str | None:
    return _tag(str(value["technique"])) if isinstance(value, dict) else None


class _NameOrEntry:
    """The JSON Schema of one entry: a technique's name alone, or its mapping.

    ``names`` are those the union was built from, so schema and validation agree.
    """

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [{"enum": list(self.names)}, handler(core_schema)]}


def _entries_type() -> Any:
    models = technique_entry_models()
    branches = tuple(Annotated[model, Tag(_tag(name))] for name, model in models.items())
    union = Annotated[_union(branches), Discriminator(_branch)]  # type: ignore[valid-type]
    return Annotated[
        list[Annotated[union, BeforeValidator(_as_entry), _NameOrEntry(tuple(models))]],  # type: ignore[valid-type]
        Field(min_length=1, max_length=MAX_TECHNIQUES),
    ]


def _union(branches: tuple[Any, ...]) -> Any:
    from functools import reduce
    from operator import or_

    return reduce(or_, branches)


if TYPE_CHECKING:
    TechniqueEntries = list[BaseModel]
else:
    #: The type of a step's ``techniques:`` (made from the registry at import).
    TechniqueEntries = _entries_type()


class TechniqueUse(BaseModel):
    """A resolved step technique: what preparation computes and the app shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    technique: str
    layer: str | None = None
    target: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)

    def request(self, reference: tuple[int, int] | None) -> TechniqueRequest:
        """The request for a step whose reference pixel is ``reference``."""
        return TechniqueRequest(self.technique, self.layer, self.target, reference, self.options)


def techniques_of(entries: list[BaseModel] | None) -> list[TechniqueUse]:
    """A step's parsed entries as :class:`TechniqueUse` (an empty list for none)."""
    uses = []
    for entry in entries or []:
        values = entry.model_dump(exclude_unset=True)
        name = values.pop("technique", entry.model_dump()["technique"])
        layer, target = values.pop("layer", None), values.pop("target", None)
        uses.append(TechniqueUse(technique=name, layer=layer, target=target, options=values))
    return uses


def _class_names(raw: dict[str, Any], architecture: str | None) -> tuple[str, ...] | None:
    """The lesson's class names, else its architecture's; None when only numbers are known."""
    written = raw.get("class_names")
    if isinstance(written, list):
        return tuple(str(name) for name in written)
    if architecture is None or raw.get("num_classes") is not None:
        return None
    pretrained = registry.architecture(architecture).default_pretrained
    return pretrained.classes if pretrained is not None and pretrained.classes else None


def check_step_techniques(
    raw: dict[str, Any],
    entries: list[Any],
    at: Location,
    *,
    architecture: str | None,
    check_layer: Callable[[str, Location], None],
    report: Callable[[Location, str], None],
) -> None:
    """Pass 2 of a step's ``techniques:``: layers and classes belong to the lesson's network."""
    names = _class_names(raw, architecture)
    model_file = isinstance(raw.get("model"), dict)
    for index, written in enumerate(entries):
        value = {"technique": written} if isinstance(written, str) else written
        if not isinstance(value, dict) or not isinstance(value.get("technique"), str):
            continue  # pass 1 reports it
        try:
            entry = technique(value["technique"])
        except ValueError:
            continue  # pass 1 reports it
        here: Location = (*at, index)
        if model_file and entry.needs_classifier:
            report(
                (*here, "technique"),
                f"{entry.name} explains a class, and a model file returns feature maps, not "
                "class scores",
            )
        layer = value.get("layer")
        if isinstance(layer, str):
            check_layer(layer, (*here, "layer"))
        target = value.get("target")
        if isinstance(target, str) and names is not None and not _is_class(target, names):
            shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
            report(
                (*here, "target"),
                f"no class '{target}'{suggest(target, names)} (classes: {shown})",
            )


def _is_class(target: str, names: tuple[str, ...]) -> bool:
    """A class name, or a class number (``3``)."""
    return target in names or (target.isdigit() and int(target) < len(names))
