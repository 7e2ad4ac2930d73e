"""EfficientNet-B0 (Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional
Neural Networks", ICML 2019).

Layers ``stage1`` ... ``stage9`` are the paper's stages (its Table 1): the 3 x 3 stem, the
seven stages of MBConv blocks and the final 1 x 1 convolution (torchvision's ``features.0``
... ``features.8``). MBConv blocks end in a linear projection, so values can be negative
(``stage1`` and ``stage9`` are after a SiLU).

Geometry: every strided convolution is padded by half its kernel, so the grid is
``ceil(n / stride)`` with cell 0 centred on the middle of pixel 0, as ResNet's. The
squeeze-and-excitation in every MBConv block also weighs channels by a global average over
the whole image, beyond the receptive field given.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["EFFICIENTNET", "EfficientNetFamily"]


class EfficientNetFamily(NetworkFamily):
    name = "efficientnet"
    title = "EfficientNet"
    source = "Tan and Le, EfficientNet: Rethinking Model Scaling (ICML 2019)"
    default_layers = ("stage3", "stage4", "stage6")
    architectures = (
        Architecture(
            "efficientnet_b0",
            "EfficientNet-B0",
            (
                Layer("stage1", "features.0", 2, 32, 3, 0.5, "ceil", 0, "colours and edges"),
                Layer("stage2", "features.1", 2, 16, 7, 0.5, "ceil", 0, "edges"),
                Layer("stage3", "features.2", 4, 24, 19, 0.5, "ceil", 0, "edges and corners"),
                Layer("stage4", "features.3", 8, 40, 67, 0.5, "ceil", 0, "textures"),
                Layer("stage5", "features.4", 16, 80, 147, 0.5, "ceil", 0, "patterns"),
                Layer("stage6", "features.5", 16, 112, 339, 0.5, "ceil", 0, "object parts"),
                Layer("stage7", "features.6", 32, 192, 787, 0.5, "ceil", 0, "objects"),
                Layer("stage8", "features.7", 32, 320, 851, 0.5, "ceil", 0, "objects"),
                Layer("stage9", "features.8", 32, 1280, 851, 0.5, "ceil", 0, "objects"),
            ),
            (
                imagenet_weights(
                    "IMAGENET1K_V1",
                    "efficientnet_b0_rwightman-7f5810bc.pth",
                    20.451,
                ),
            ),
            head="classifier.1",
            gflops=0.386,
        ),
    )


EFFICIENTNET: Final = EfficientNetFamily()
