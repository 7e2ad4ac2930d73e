"""A checked lesson with every default resolved: the only form the rest of classroom sees."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from classroom.lessons.across import AcrossStep
from classroom.lessons.collection_views import CollectionView, LessonCollection
from classroom.lessons.schema import Precision, Question
from classroom.lessons.techniques import TechniqueUse
from classroom.metrics import Metric
from classroom.networks import registry
from classroom.networks.choice import ModelFile, NetworkChoice

__all__ = ["Lesson", "LessonImage", "Panel", "Question", "Step"]


class _Resolved(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LessonImage(_Resolved):
    """One curated image of a lesson."""

    id: str
    path: Path = Field(description="Absolute path of the file, inside the datasets directory.")
    caption: str
    attribution: str


class Panel(_Resolved):
    """One panel of the multi-layer view: a layer computed with one set of weights."""

    layer: str
    weights: str = Field(
        description="imagenet, untrained, a torchvision weights enum member, or the absolute "
        "path of the lesson's own weights (or model) file."
    )


class Step(_Resolved):
    """One step of a lesson."""

    id: str
    title: str
    text: str = Field(description="Markdown.")
    image: str = Field(description="The id of a LessonImage of the lesson.")
    reference: tuple[int, int] | None = Field(
        description="Preset reference pixel (x, y) in original image pixels, after EXIF rotation."
    )
    locked: bool
    panels: list[Panel] = Field(description="The step's own layers, else the lesson's layers.")
    metric: Metric = Field("angular", description="How the view compares cells when it opens.")
    question: Question | None
    techniques: list[TechniqueUse] = Field(
        default_factory=list, description="The techniques shown beside the view."
    )
    view: CollectionView | None = Field(
        None, description="A collection view (layers resolved) instead of the similarity view."
    )
    across: AcrossStep | None = Field(
        None, description="Other images the reference pixel lights up, in one of the layers."
    )


class Lesson(_Resolved):
    """A lesson whose images exist and whose steps are complete."""

    id: str = Field(description="The file name without its suffix, e.g. edges-to-parts.")
    path: Path = Field(description="The lesson file.")
    title: str
    audience: str
    summary: str
    order: int | None = Field(None, description="Place in the lesson list (lowest first).")
    model: str = Field(
        registry.DEFAULT_ARCHITECTURE,
        description="The registry architecture, or the model file's key (file:...).",
    )
    model_file: ModelFile | None = None
    num_classes: int | None = None
    class_names: list[str] | None = None
    weights: str
    layers: list[str]
    precision: Precision = 8
    max_side: int = 1024
    images: list[LessonImage]
    steps: list[Step]
    collections: dict[str, LessonCollection] = Field(default_factory=dict)

    def image(self, image_id: str) -> LessonImage:
        """The image called ``image_id``.

        Raises:
            KeyError: if the lesson has no such image.
        """
        for image in self.images:
            if image.id == image_id:
                return image
        raise KeyError(image_id)

    @property
    def network(self) -> NetworkChoice:
        """The network every panel of the lesson shows."""
        return NetworkChoice(self.model, self.num_classes, self.model_file)

    @property
    def layer_order(self) -> tuple[str, ...]:
        """The model's layer names, from the input upwards."""
        if self.model_file is not None:
            return self.model_file.layer_names
        return registry.architecture(self.model).layer_names

    def feature_needs(self) -> list[tuple[LessonImage, str, tuple[str, ...]]]:
        """Every (image, weights, layers) some step shows: what must be prepared.

        In order of first use in the lesson, with each tuple's layers in network order.
        """
        needs: dict[tuple[str, str], set[str]] = {}
        for step in self.steps:
            if step.view is not None:  # a collection view prepares its own vectors
                continue
            for panel in step.panels:
                needs.setdefault((step.image, panel.weights), set()).add(panel.layer)
            if step.across is not None:
                for other in step.across.images:
                    needs.setdefault((other, step.across.weights), set()).add(step.across.layer)
        return [
            (self.image(image_id), weights, tuple(n for n in self.layer_order if n in layers))
            for (image_id, weights), layers in needs.items()
        ]
