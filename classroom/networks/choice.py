"""Which network a lesson or a preparation request names, as a small torch-free value.

Either an architecture of the registry (``resnet50``), possibly with another number of classes
than its pretrained weights (a fine-tuned checkpoint: the weights then come from a file), or a
model file of the lesson's own (TorchScript or ``torch.export``) with the layers the lesson
declares.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from classroom.networks import registry
from classroom.networks.base import IMAGENET_MEAN, IMAGENET_STD

__all__ = ["MODEL_FILE_SUFFIXES", "FileLayer", "ModelFile", "NetworkChoice", "is_weights_file"]

#: torch.export archives; every other model file is TorchScript.
EXPORT_SUFFIX: Final = ".pt2"
MODEL_FILE_SUFFIXES: Final = (".pt", ".pt2", ".ts", ".torchscript", ".jit")


def is_weights_file(name: str) -> bool:
    """Whether a ``weights:`` value names a file (a path) rather than weights by name.

    Weights names are single words (``imagenet``, ``untrained``, ``IMAGENET1K_V2``); a file
    has a suffix or a folder (``models/pets.pth``).
    """
    return any(mark in name for mark in "./\\")


@dataclass(frozen=True)
class FileLayer:
    """A layer of a model file, as the lesson declares it.

    Attributes:
        name: what students read (the lesson's layer name).
        node: where the map comes from: a key of the dict the model returns, or (for a
            ``torch.export`` model that returns something else) a submodule's path.
        stride: image pixels per cell, or None to measure it.
    """

    name: str
    node: str
    stride: int | None = None


@dataclass(frozen=True)
class ModelFile:
    """A whole network in one file, with the layers the lesson names.

    Attributes:
        path: the file (TorchScript, or a ``torch.export`` archive ``.pt2``).
        layers: the lesson's layers, from the input upwards.
        mean, std: the input normalisation (default: ImageNet's).
    """

    path: Path
    layers: tuple[FileLayer, ...]
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD

    @property
    def kind(self) -> Literal["torchscript", "torch.export"]:
        return "torch.export" if self.path.suffix == EXPORT_SUFFIX else "torchscript"

    @property
    def key(self) -> str:
        """The store's model name: the declared layers and normalisation decide the maps too."""
        layers = [[layer.name, layer.node, layer.stride] for layer in self.layers]
        table = json.dumps([self.kind, layers, self.mean, self.std])
        return f"file:{hashlib.blake2b(table.encode(), digest_size=8).hexdigest()}"

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers)


@dataclass(frozen=True)
class NetworkChoice:
    """A registry architecture (with its class count), or a model file.

    Attributes:
        architecture: a registry architecture name (ignored when ``model_file`` is set).
        num_classes: the classifier's classes of the lesson's own weights file, when they
            differ from the pretrained weights'; None for the architecture's own.
        model_file: the lesson's own model file, if any.
    """

    architecture: str = registry.DEFAULT_ARCHITECTURE
    num_classes: int | None = None
    model_file: ModelFile | None = None

    @property
    def key(self) -> str:
        """What store entries record as the model."""
        return self.model_file.key if self.model_file is not None else self.architecture

    @property
    def default_layers(self) -> tuple[str, ...]:
        """What a lesson that names no layers shows: the architecture's early, middle and late
        layers, or every layer a model file declares."""
        if self.model_file is not None:
            return self.model_file.layer_names
        return registry.default_layers(self.architecture)

    @property
    def title(self) -> str:
        """For people: ``ResNet-101``, or the model file's name."""
        if self.model_file is not None:
            return self.model_file.path.name
        return registry.architecture(self.architecture).title
