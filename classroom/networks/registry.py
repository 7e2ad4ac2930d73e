"""The network registry: every family classroom knows, and lookups by architecture name.

This module is the one list of families. Everything else that names networks or layers (the
lesson format and its JSON Schema, the lesson checks, preparation, ``classroom models``, the
docs' tables) reads it, and tests fail when a copy drifts. Importing it imports no torch.

Adding a family: a module under ``classroom/networks/families/`` (a subclass of
:class:`~classroom.networks.base.NetworkFamily`), one line in :data:`FAMILIES`, its tests (see
``docs/architecture.md``, "Adding a network family").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.families.alexnet import ALEXNET
from classroom.networks.families.convnext import CONVNEXT
from classroom.networks.families.densenet import DENSENET
from classroom.networks.families.efficientnet import EFFICIENTNET
from classroom.networks.families.mobilenet import MOBILENET
from classroom.networks.families.resnet import RESNET
from classroom.networks.families.trained import TRAINED
from classroom.networks.families.vgg import VGG
from classroom.networks.layers import Layer
from classroom.wording import suggest

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_ARCHITECTURE",
    "FAMILIES",
    "architecture",
    "default_layers",
    "default_weights",
    "family_of",
    "layer",
    "validate_architecture",
]

#: Every family, in the order ``classroom models`` and the docs list them.
FAMILIES: Final[tuple[NetworkFamily, ...]] = (
    RESNET,
    VGG,
    ALEXNET,
    DENSENET,
    CONVNEXT,
    MOBILENET,
    EFFICIENTNET,
    TRAINED,
)

_BY_NAME: Final[Mapping[str, tuple[NetworkFamily, Architecture]]] = {
    architecture.name: (family, architecture)
    for family in FAMILIES
    for architecture in family.architectures
}
#: Every architecture name a lesson's ``model:`` may use, family by family.
ARCHITECTURES: Final[tuple[str, ...]] = tuple(_BY_NAME)
#: ResNet-101 is the network of the IFeaLiD paper.
DEFAULT_ARCHITECTURE: Final = "resnet101"


def validate_architecture(name: str) -> None:
    """Raise ``ValueError`` (with the closest name) unless ``name`` is an architecture."""
    if name not in _BY_NAME:
        raise ValueError(
            f"unknown model '{name}'{suggest(name, ARCHITECTURES)} (the models: "
            f"{', '.join(ARCHITECTURES)}; `classroom models` describes them)"
        )


def family_of(name: str) -> NetworkFamily:
    """The family of architecture ``name``; ``ValueError`` naming the models otherwise."""
    validate_architecture(name)
    return _BY_NAME[name][0]


def architecture(name: str) -> Architecture:
    """The architecture called ``name``; ``ValueError`` naming the models otherwise."""
    validate_architecture(name)
    return _BY_NAME[name][1]


def default_layers(name: str) -> tuple[str, ...]:
    """What a lesson of architecture ``name`` shows when it names no layers (early, middle,
    late)."""
    return family_of(name).defaults(architecture(name))


def default_weights(name: str) -> str:
    """What a lesson of architecture ``name`` uses when it names no weights (``imagenet``)."""
    return family_of(name).default_weights


def layer(architecture_name: str, name: str) -> Layer:
    """Layer ``name`` of an architecture; ``ValueError`` naming its layers otherwise."""
    return architecture(architecture_name).layer(name)
