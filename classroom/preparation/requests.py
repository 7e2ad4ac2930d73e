"""What to prepare: one image, one network, one set of weights, some layers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom import images, models
from classroom.encoding import PRECISIONS, Precision

if TYPE_CHECKING:
    from classroom.lessons import Lesson

__all__ = ["DEFAULT_LAYERS", "PrepareRequest", "requests_for_lesson"]

DEFAULT_LAYERS: Final = ("conv2_x", "conv3_x", "conv4_x")


@dataclass(frozen=True)
class PrepareRequest:
    """The feature maps of one image, one network and one set of weights.

    Attributes:
        image: the image file.
        architecture: ``resnet18`` ... ``resnet152``.
        weights: ``"imagenet"``, ``"untrained"`` or a torchvision weights enum member name.
        layers: layer names, e.g. ``("conv2_x", "conv3_x", "conv4_x")``.
        precision: bits per stored value.
        max_side: cap on the analysis image's longest side.
        source: where the request comes from, for reports (e.g. ``"edges-to-parts: coins"``).
    """

    image: Path
    architecture: str = models.DEFAULT_ARCHITECTURE
    weights: str = models.IMAGENET
    layers: tuple[str, ...] = DEFAULT_LAYERS
    precision: Precision = 8
    max_side: int = images.DEFAULT_MAX_SIDE
    source: str = ""

    def __post_init__(self) -> None:
        models.validate_weights_name(self.architecture, self.weights)
        if not self.layers:
            raise ValueError("a request needs at least one layer")
        for layer in self.layers:
            models.layer_stride(layer)
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if self.max_side < images.MIN_SIDE:
            raise ValueError(f"max_side must be at least {images.MIN_SIDE}, not {self.max_side}")

    @property
    def name(self) -> str:
        """How reports name the request."""
        return self.source or str(self.image)


def requests_for_lesson(lesson: Lesson) -> list[PrepareRequest]:
    """Everything some step of ``lesson`` shows, as requests (one per image and weights)."""
    return [
        PrepareRequest(
            image=image.path,
            architecture=lesson.model,
            weights=weights,
            layers=tuple(layers),
            precision=lesson.precision,
            max_side=lesson.max_side,
            source=f"{lesson.id}: {image.id}"
            + ("" if weights == lesson.weights else f" ({weights})"),
        )
        for image, weights, layers in lesson.feature_needs()
    ]
