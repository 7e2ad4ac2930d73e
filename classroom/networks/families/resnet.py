"""ResNet-18 ... ResNet-152 (He, Zhang, Ren and Sun, "Deep Residual Learning for Image
Recognition", CVPR 2016), as torchvision builds them (the stride of each stage's first block
on its 3 x 3 convolution, "ResNet v1.5").

Layer names follow the paper's Table 1, as IFeaLiD does: ``conv1`` (the stem's 7 x 7
convolution after batch norm and ReLU) and the stages ``conv2_x`` ... ``conv5_x``, each the
output of the stage's last block (after its final ReLU, so never negative).

Geometry: the stem's 7 x 7 / 2 convolution (padding 3) and the 3 x 3 / 2 max pool (padding 1)
each give ``ceil(n / 2)`` cells, as does the first 3 x 3 / 2 convolution of each later stage
(padding 1): stage ``conv<k>_x`` has stride ``2 ** k`` and ``ceil(n / stride)`` cells, with
cell 0 centred on the middle of pixel 0. The receptive field grows by two 3 x 3 convolutions
per basic block (ResNet-18, -34) or one per bottleneck block (ResNet-50 and deeper), at the
stage's jump: so deeper networks see further at the same stride.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["RESNET", "ResNetFamily"]

#: (stride, node, what it shows) of each layer; the receptive fields differ per depth.
_STAGES: Final = (
    ("conv1", "relu", 2, "colours and edges at a few pixels"),
    ("conv2_x", "layer1", 4, "edges, corners and colour blobs"),
    ("conv3_x", "layer2", 8, "textures and simple patterns"),
    ("conv4_x", "layer3", 16, "object parts"),
    ("conv5_x", "layer4", 32, "objects and whole regions"),
)


def _layers(channels: tuple[int, ...], fields: tuple[int, ...]) -> tuple[Layer, ...]:
    return tuple(
        Layer(name, node, stride, depth, field, centre=0.5, rounding="ceil", shows=shows)
        for (name, node, stride, shows), depth, field in zip(_STAGES, channels, fields, strict=True)
    )


_BASIC: Final = (64, 64, 128, 256, 512)
_BOTTLENECK: Final = (64, 256, 512, 1024, 2048)


class ResNetFamily(NetworkFamily):
    name = "resnet"
    title = "ResNet"
    source = "He et al., Deep Residual Learning for Image Recognition (CVPR 2016)"
    default_layers = ("conv2_x", "conv3_x", "conv4_x")
    architectures = (
        Architecture(
            "resnet18",
            "ResNet-18",
            _layers(_BASIC, (7, 43, 99, 211, 435)),
            (imagenet_weights("IMAGENET1K_V1", "resnet18-f37072fd.pth", 44.661),),
            gflops=1.814,
        ),
        Architecture(
            "resnet34",
            "ResNet-34",
            _layers(_BASIC, (7, 59, 179, 547, 899)),
            (imagenet_weights("IMAGENET1K_V1", "resnet34-b627a593.pth", 83.275),),
            gflops=3.664,
        ),
        Architecture(
            "resnet50",
            "ResNet-50",
            _layers(_BOTTLENECK, (7, 35, 91, 267, 427)),
            (
                imagenet_weights("IMAGENET1K_V2", "resnet50-11ad3fa6.pth", 97.79),
                imagenet_weights("IMAGENET1K_V1", "resnet50-0676ba61.pth", 97.781),
            ),
            gflops=4.089,
        ),
        Architecture(
            "resnet101",
            "ResNet-101",
            _layers(_BOTTLENECK, (7, 35, 91, 811, 971)),
            (
                imagenet_weights("IMAGENET1K_V2", "resnet101-cd907fc2.pth", 170.53),
                imagenet_weights("IMAGENET1K_V1", "resnet101-63fe2227.pth", 170.511),
            ),
            gflops=7.801,
        ),
        Architecture(
            "resnet152",
            "ResNet-152",
            _layers(_BOTTLENECK, (7, 35, 155, 1291, 1451)),
            (
                imagenet_weights("IMAGENET1K_V2", "resnet152-f82ba261.pth", 230.474),
                imagenet_weights("IMAGENET1K_V1", "resnet152-394f9c45.pth", 230.434),
            ),
            gflops=11.514,
        ),
    )


RESNET: Final = ResNetFamily()
