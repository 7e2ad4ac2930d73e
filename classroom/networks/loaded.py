"""A network ready to run: the type that building from the registry and loading a model file
both return (kept apart from both, so neither imports the other for it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from classroom.networks.base import NetworkFamily
from classroom.networks.layers import Layer
from classroom.networks.weights import ResolvedWeights

if TYPE_CHECKING:
    from torch import nn

__all__ = ["LoadedNetwork"]


@dataclass(frozen=True, eq=False)
class LoadedNetwork:
    """A network in eval mode on the CPU, with what extraction needs to run it.

    Attributes:
        family: whose hooks prepare the input, cut the graph and shape the maps.
        layers: the layers a lesson may ask of it, by name.
        model: the ``torch.nn.Module`` (float32, eval mode).
        weights: the weights it holds.
    """

    family: NetworkFamily
    layers: Mapping[str, Layer]
    model: nn.Module
    weights: ResolvedWeights
