"""ConvNeXt-Tiny (Liu, Mao, Wu, Feichtenhofer, Darrell and Xie, "A ConvNet for the 2020s",
CVPR 2022).

Layers ``stage1`` ... ``stage4`` are the four stages of ConvNeXt blocks (7 x 7 depthwise
convolution, layer norm, two pointwise layers, a residual sum), each the stage's output before
the next downsampling layer's norm: values can be negative.

Geometry: the stem patchifies with a 4 x 4 / 4 convolution and each downsampling layer with a
2 x 2 / 2 one, none padded, so the grid is ``floor(n / stride)``: cell ``i`` covers pixels
``[i * stride, (i + 1) * stride)``, its receptive field centred on their middle. The 7 x 7
depthwise convolutions make the fields wide.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["CONVNEXT", "ConvNeXtFamily"]


class ConvNeXtFamily(NetworkFamily):
    name = "convnext"
    title = "ConvNeXt"
    source = "Liu et al., A ConvNet for the 2020s (CVPR 2022)"
    default_layers = ("stage1", "stage2", "stage3")
    architectures = (
        Architecture(
            "convnext_tiny",
            "ConvNeXt-Tiny",
            (
                Layer("stage1", "features.1", 4, 96, 76, 2.0, "floor", 0, "edges and colours"),
                Layer("stage2", "features.3", 8, 192, 224, 4.0, "floor", 0, "textures"),
                Layer("stage3", "features.5", 16, 384, 1096, 8.0, "floor", 0, "object parts"),
                Layer("stage4", "features.7", 32, 768, 1688, 16.0, "floor", 0, "objects"),
            ),
            (imagenet_weights("IMAGENET1K_V1", "convnext_tiny-983f1562.pth", 109.119),),
            head="classifier.2",
            gflops=4.456,
        ),
    )


CONVNEXT: Final = ConvNeXtFamily()
