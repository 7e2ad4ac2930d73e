"""DenseNet-121 (Huang, Liu, van der Maaten and Weinberger, "Densely Connected Convolutional
Networks", CVPR 2017).

Layers: ``conv0`` (the 7 x 7 stem after batch norm and ReLU) and ``denseblock1`` ...
``denseblock4``, each the concatenation of its input and every layer's new features (before
the following transition's batch norm, so values can be negative).

Geometry: the stem's 7 x 7 / 2 convolution and 3 x 3 / 2 max pool (padded) give
``ceil(n / 4)`` cells at ``denseblock1``; each transition's 2 x 2 / 2 average pool then drops
an odd last cell, so the later blocks have ``floor((n + 3) / stride)`` cells, i.e.
``ceil((n - 4) / 8)``, ``ceil((n - 12) / 16)`` and ``ceil((n - 28) / 32)``. The dense
connections make the deepest path long: receptive fields grow fast.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["DENSENET", "DenseNetFamily"]


class DenseNetFamily(NetworkFamily):
    name = "densenet"
    title = "DenseNet"
    source = "Huang et al., Densely Connected Convolutional Networks (CVPR 2017)"
    default_layers = ("denseblock1", "denseblock2", "denseblock3")
    architectures = (
        Architecture(
            "densenet121",
            "DenseNet-121",
            (
                Layer("conv0", "features.relu0", 2, 64, 7, 0.5, "ceil", 0, "colours and edges"),
                Layer("denseblock1", "features.denseblock1", 4, 256, 59, 0.5, "ceil", 0, "edges"),
                Layer(
                    "denseblock2", "features.denseblock2", 8, 512, 255, 2.5, "ceil", 4, "textures"
                ),
                Layer(
                    "denseblock3", "features.denseblock3", 16, 1024, 1031, 6.5, "ceil", 12, "parts"
                ),
                Layer(
                    "denseblock4",
                    "features.denseblock4",
                    32,
                    1024,
                    2071,
                    14.5,
                    "ceil",
                    28,
                    "objects",
                ),
            ),
            (imagenet_weights("IMAGENET1K_V1", "densenet121-a639ec97.pth", 30.845),),
            head="classifier",
            gflops=2.834,
        ),
    )


DENSENET: Final = DenseNetFamily()
