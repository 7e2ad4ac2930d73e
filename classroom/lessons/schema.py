"""The lesson file format: pydantic models of what an instructor writes.

These models check types, required fields, unknown fields and model names (pass 1 of
loading). They are strict: YAML already types its values, so ``"12"`` where a number belongs,
or ``1`` where text belongs, is a mistake worth reporting rather than converting. Which layers
and weights a model has is the network registry's knowledge (:mod:`classroom.networks`):
pass 2 (:mod:`~classroom.lessons.checks`) checks them, and the JSON Schema
(:mod:`~classroom.lessons.json_schema`) lists them per model for editors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from classroom.lessons.across import AcrossEntry
from classroom.lessons.collection_views import CollectionEntry, CollectionView
from classroom.lessons.problems import describe
from classroom.lessons.techniques import TechniqueEntries
from classroom.metrics import Metric
from classroom.networks import registry

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_MAX_SIDE",
    "MAX_PANELS",
    "MODEL_TAGS",
    "Architecture",
    "ImageEntry",
    "LayerName",
    "LessonFile",
    "MaxSide",
    "ModelFileEntry",
    "ModelFileLayer",
    "PanelEntry",
    "Precision",
    "Question",
    "StepEntry",
]

ARCHITECTURES: Final[tuple[str, ...]] = registry.ARCHITECTURES
if TYPE_CHECKING:
    Architecture = str
else:
    #: Every architecture of the registry (a Literal made from the registry at import).
    Architecture = Literal[ARCHITECTURES]
Precision = Literal[8, 16, 32]
#: The cap on an image's longest side, in pixels.
MaxSide = Annotated[int, Field(ge=64, le=4096)]
DEFAULT_MAX_SIDE: Final = 1024
#: Panels in one step: every default layer twice (trained and untrained) fits; more is illegible.
MAX_PANELS: Final = 6
#: The branches of ``model:`` (a name, or a model file): pydantic puts them into error
#: locations, which :mod:`~classroom.lessons.explain` removes again.
MODEL_TAGS: Final = ("@name", "@file")


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


def _as_triple(value: object) -> object:
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        return tuple(float(v) for v in value)
    raise ValueError(f"expected three numbers [red, green, blue], found {describe(value)}")


Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
#: A layer name; which names a model has is checked in pass 2, against the registry.
LayerName = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A layer of the lesson's model, e.g. conv3_x (`classroom models` "
            "lists every model's layers).",
        }
    ),
]
WeightsName = Annotated[
    str,
    Field(min_length=1),
    WithJsonSchema(
        {
            "type": "string",
            "examples": ["imagenet", "untrained", "IMAGENET1K_V1", "IMAGENET1K_V2"],
            "description": "imagenet (torchvision's default pretrained weights), untrained "
            "(seeded random weights), a member of the architecture's torchvision weights "
            "enum (e.g. IMAGENET1K_V1), or a state dict file in the datasets directory "
            "(a fine-tuned checkpoint, e.g. models/pets.pth).",
        }
    ),
]
Reference = Annotated[
    tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]],
    BeforeValidator(_as_reference),
]
Triple = Annotated[tuple[float, float, float], BeforeValidator(_as_triple)]


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


class ModelFileLayer(_FileModel):
    """A layer of a model file: the name students read, where its map comes from, its stride."""

    name: Name = Field(description="The layer's name in this lesson, e.g. early.")
    node: Text = Field(
        description="A key of the dict of maps the model returns, or (torch.export) the path "
        "of a submodule, e.g. layer3."
    )
    stride: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Image pixels per cell; default: measured."
    )


class ModelFileEntry(_FileModel):
    """A whole network of your own: a TorchScript or torch.export file and its layers."""

    file: Text = Field(
        description="The model file inside the datasets directory: TorchScript (.pt) or a "
        "torch.export archive (.pt2)."
    )
    layers: Annotated[list[ModelFileLayer], Field(min_length=1)] = Field(
        description="The layers a lesson can show, from the input upwards."
    )
    mean: Triple | None = Field(
        None, description="Input normalisation: mean per RGB channel (0-1); default ImageNet's."
    )
    std: Triple | None = Field(
        None, description="Input normalisation: standard deviation per channel; default ImageNet's."
    )


def _model_branch(value: object) -> str:
    return MODEL_TAGS[1] if isinstance(value, dict) else MODEL_TAGS[0]


ModelEntry = Annotated[
    Annotated[Architecture, Tag(MODEL_TAGS[0])] | Annotated[ModelFileEntry, Tag(MODEL_TAGS[1])],
    Discriminator(_model_branch),
]


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
            "anyOf": [{"type": "string"}, as_mapping],
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
    metric: Metric = Field(
        "angular",
        description="How the view compares every cell with the reference when the step "
        "opens: angular (the angle, IFeaLiD's), cosine, euclidean (distance: small is "
        "similar) or dot (dot product). Students may switch.",
    )
    question: Question | None = None
    techniques: TechniqueEntries | None = Field(
        None,
        description="The lecture's toolbox beside the view, on this step's image and reference "
        "pixel: technique names, or {technique: ..., layer: ..., target: ..., parameters}.",
    )
    view: CollectionView | None = Field(
        None, description="Show a collection across the network instead of the image."
    )
    across: AcrossEntry | None = Field(
        None,
        description="Other images that the reference pixel lights up (cross-image "
        "similarity): {images: [ids], layer: one of the step's layers}, or {collection: "
        "name, count: N} for N images of one of the lesson's collections.",
    )


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
    model: ModelEntry = Field(
        registry.DEFAULT_ARCHITECTURE,
        description="A network of the registry (`classroom models` lists them), or a model "
        "file of your own: {file: ..., layers: [...]}.",
    )
    weights: WeightsName | None = Field(
        None, description="Weights of every panel by default; default: the model's pretrained."
    )
    num_classes: Annotated[int, Field(ge=1)] | None = Field(
        None,
        description="The classes of your own weights file (a fine-tuned checkpoint), when "
        "they differ from the pretrained weights'.",
    )
    class_names: Annotated[list[Text], Field(min_length=1)] | None = Field(
        None, description="Names of the classifier's classes, in output order."
    )
    layers: Annotated[list[LayerName], Field(min_length=1, max_length=MAX_PANELS)] | None = Field(
        None,
        description="Panels shown side by side by default, each layer once; default: the "
        "model's early, middle and late layers.",
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
    collections: dict[Name, CollectionEntry] | None = Field(
        None, description="Named sets of labelled images that steps' views look across."
    )
    steps: Annotated[list[StepEntry], Field(min_length=1)] = Field(
        description="The steps, in order."
    )
