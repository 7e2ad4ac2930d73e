"""What to prepare: one image, one network, one set of weights, some layers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom import images, networks
from classroom.encoding import PRECISIONS, Precision
from classroom.networks.families.resnet import RESNET

if TYPE_CHECKING:
    from classroom.lessons import Lesson

__all__ = ["DEFAULT_LAYERS", "PrepareRequest", "requests_for_lesson"]

#: The default architecture's default layers (early, middle, late).
DEFAULT_LAYERS: Final = RESNET.default_layers


@dataclass(frozen=True)
class PrepareRequest:
    """The feature maps of one image, one network and one set of weights.

    Attributes:
        image: the image file.
        architecture: a registry architecture (``resnet101``, ``vgg16``, ...), or a model
            file's key (then ``model_file`` is set).
        weights: ``"imagenet"``, ``"untrained"``, a torchvision weights enum member name, or
            the path of a weights (or model) file.
        layers: layer names of the network, e.g. ``("conv2_x", "conv3_x", "conv4_x")``.
        precision: bits per stored value.
        max_side: cap on the analysis image's longest side.
        source: where the request comes from, for reports (e.g. ``"edges-to-parts: coins"``).
        num_classes: the classes of a weights file of the lesson's own (a fine-tuned
            checkpoint), when they differ from the pretrained weights'.
        model_file: the lesson's own model file, if it has one.
    """

    image: Path
    architecture: str = networks.DEFAULT_ARCHITECTURE
    weights: str = networks.IMAGENET
    layers: tuple[str, ...] = DEFAULT_LAYERS
    precision: Precision = 8
    max_side: int = images.DEFAULT_MAX_SIDE
    source: str = ""
    num_classes: int | None = None
    model_file: networks.ModelFile | None = None

    def __post_init__(self) -> None:
        if self.model_file is not None and self.architecture != self.model_file.key:
            raise ValueError("a request with a model file names it by its key")
        networks.validate_weights_name(self.network, self.weights)
        if not self.layers:
            raise ValueError("a request needs at least one layer")
        for layer in self.layers:
            if self.model_file is None:
                networks.layer(self.architecture, layer)  # raises, naming the layers
            elif layer not in self.model_file.layer_names:
                raise ValueError(f"{self.model_file.path.name} declares no layer {layer!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if self.max_side < images.MIN_SIDE:
            raise ValueError(f"max_side must be at least {images.MIN_SIDE}, not {self.max_side}")

    @property
    def network(self) -> networks.NetworkChoice:
        """The network the request names (with its class count, or its model file)."""
        return networks.NetworkChoice(self.architecture, self.num_classes, self.model_file)

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
            + ("" if weights == lesson.weights else f" ({Path(weights).name})"),
            num_classes=lesson.num_classes,
            model_file=lesson.model_file,
        )
        for image, weights, layers in lesson.feature_needs()
    ]
