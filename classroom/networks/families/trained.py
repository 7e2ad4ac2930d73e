"""The networks classroom trains itself (``classroom/trained``, docs/trained-networks.md): the
shapes network and the digits network, with their shipped weights.

They need no download: their weights are files in the package, so a lesson on them works
offline, and because they are really trained, what their layers show can be checked. Their
layers, classes and input normalisation are plain data in :mod:`classroom.trained.specs`
(computed there from the blocks that build the modules); this module only writes them in the
registry's terms and builds the modules. The weights are labelled with the held-out accuracy
their recipe records.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from classroom.networks.base import Architecture, NetworkFamily, Pretrained
from classroom.networks.layers import Layer
from classroom.trained.specs import NETWORKS, TrainedNetwork
from classroom.trained.weights import WEIGHTS_DIR

if TYPE_CHECKING:
    from torch import nn

__all__ = ["TRAINED", "TrainedFamily"]

#: The name of the shipped weights in lessons (``weights: trained``, the default).
SHIPPED: Final = "trained"


def _label(spec: TrainedNetwork) -> str:
    """``trained by classroom (held-out accuracy 99.2 %)``, from the recipe beside the file."""
    try:
        recipe = json.loads((WEIGHTS_DIR / spec.recipe_file).read_text("utf-8"))
        accuracy = float(recipe["held_out"]["accuracy"])
    except (OSError, ValueError, KeyError, TypeError):
        return "trained by classroom"
    return f"trained by classroom (held-out accuracy {100 * accuracy:.1f} %)"


def _architecture(spec: TrainedNetwork) -> Architecture:
    layers = tuple(
        Layer(
            layer.name,
            layer.node,
            layer.stride,
            layer.channels,
            layer.receptive_field,
            layer.centre_offset,
            layer.rounding,
            shows=layer.shows,
        )
        for layer in spec.layers
    )
    weights = Pretrained(
        SHIPPED,
        mean=spec.mean,
        std=spec.std,
        classes=spec.class_names,
        shipped=f"trained/weights/{spec.weights_file}",
        label=_label(spec),
    )
    return Architecture(
        spec.name,
        spec.title,
        layers,
        (weights,),
        num_classes=len(spec.class_names),
        head="classifier",
        default_layers=spec.default_layers,
    )


class TrainedFamily(NetworkFamily):
    name = "trained"
    title = "Trained by classroom"
    source = (
        "classroom's own VGG-like networks, trained on generated data (docs/trained-networks.md)"
    )
    default_weights = SHIPPED
    architectures = tuple(_architecture(spec) for spec in NETWORKS.values())

    def build(self, architecture: Architecture, num_classes: int) -> nn.Module:
        from classroom.trained.architectures import build_network

        spec = NETWORKS[architecture.name]
        if num_classes != len(spec.class_names):  # a fine-tuned checkpoint of one's own
            spec = replace(spec, class_names=tuple(str(index) for index in range(num_classes)))
        model: nn.Module = build_network(spec)
        return model


TRAINED: Final = TrainedFamily()
