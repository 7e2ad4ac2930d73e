"""MobileNetV3-Large (Howard et al., "Searching for MobileNetV3", ICCV 2019).

Its blocks have no stage names in the paper, so the layers here are named by resolution:
``stage1`` ... ``stage5`` are the last block at strides 2, 4, 8, 16 and 32 (torchvision's
``features.1``, ``.3``, ``.6``, ``.12`` and the final 1 x 1 convolution ``.16``). The inverted
residual blocks end in a linear projection, so values can be negative (``stage5`` is after a
hard-swish).

Geometry: every strided convolution is padded by half its kernel (3 x 3 and 5 x 5 depthwise),
so the grid is ``ceil(n / stride)`` with cell 0 centred on the middle of pixel 0, as ResNet's.
The squeeze-and-excitation blocks (from ``stage3``) also weigh channels by a global average
over the whole image, beyond the receptive field given.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["MOBILENET", "MobileNetFamily"]


class MobileNetFamily(NetworkFamily):
    name = "mobilenet"
    title = "MobileNet"
    source = "Howard et al., Searching for MobileNetV3 (ICCV 2019)"
    default_layers = ("stage2", "stage3", "stage4")
    architectures = (
        Architecture(
            "mobilenet_v3_large",
            "MobileNetV3-Large",
            (
                Layer("stage1", "features.1", 2, 16, 7, 0.5, "ceil", 0, "colours and edges"),
                Layer("stage2", "features.3", 4, 24, 19, 0.5, "ceil", 0, "edges and corners"),
                Layer("stage3", "features.6", 8, 40, 99, 0.5, "ceil", 0, "textures"),
                Layer("stage4", "features.12", 16, 112, 275, 0.5, "ceil", 0, "object parts"),
                Layer("stage5", "features.16", 32, 960, 595, 0.5, "ceil", 0, "objects"),
            ),
            (
                imagenet_weights("IMAGENET1K_V2", "mobilenet_v3_large-5c1a4163.pth", 21.107),
                imagenet_weights("IMAGENET1K_V1", "mobilenet_v3_large-8738ca79.pth", 21.114),
            ),
            head="classifier.3",
            gflops=0.217,
        ),
    )


MOBILENET: Final = MobileNetFamily()
