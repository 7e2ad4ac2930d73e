"""AlexNet (Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep Convolutional
Neural Networks", NeurIPS 2012), as torchvision builds it (the one-GPU variant of "One weird
trick", Krizhevsky 2014: 64, 192, 384, 256 and 256 filters).

Layers ``conv1`` ... ``conv5`` are the five convolutions, each after its ReLU (never negative);
``conv2`` reads the first max pool's output and ``conv3`` the second's.

Geometry: the 11 x 11 / 4 stem with padding 2 reaches 3 pixels past the padding and the
3 x 3 / 2 max pools have none, so each of them drops pixels at the edges: the grid of ``conv1``
is ``floor((n - 3) / 4)``, of ``conv2`` ``floor((n - 7) / 8)`` and of ``conv3`` ... ``conv5``
``floor((n - 15) / 16)``. An image needs at least 31 pixels a side for one cell of ``conv5``.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["ALEXNET", "AlexNetFamily"]


class AlexNetFamily(NetworkFamily):
    name = "alexnet"
    title = "AlexNet"
    source = "Krizhevsky et al., ImageNet Classification with Deep CNNs (NeurIPS 2012)"
    default_layers = ("conv1", "conv3", "conv5")
    architectures = (
        Architecture(
            "alexnet",
            "AlexNet",
            (
                Layer("conv1", "features.1", 4, 64, 11, 3.5, "floor", 3, "colours and edges"),
                Layer("conv2", "features.4", 8, 192, 51, 7.5, "floor", 7, "corners and blobs"),
                Layer("conv3", "features.7", 16, 384, 99, 15.5, "floor", 15, "textures"),
                Layer("conv4", "features.9", 16, 256, 131, 15.5, "floor", 15, "object parts"),
                Layer("conv5", "features.11", 16, 256, 163, 15.5, "floor", 15, "objects"),
            ),
            (imagenet_weights("IMAGENET1K_V1", "alexnet-owt-7be5be79.pth", 233.087),),
            head="classifier.6",
            gflops=0.714,
        ),
    )


ALEXNET: Final = AlexNetFamily()
