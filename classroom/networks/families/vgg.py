"""VGG-16 and VGG-19, with and without batch norm (Simonyan and Zisserman, "Very Deep
Convolutional Networks for Large-Scale Image Recognition", ICLR 2015).

Layers ``block1`` ... ``block5`` are the five blocks of 3 x 3 convolutions, each taken after
the 2 x 2 max pool that ends it (the block's output, what the next block reads), so their
strides are 2, 4, 8, 16 and 32, as ResNet's ``conv1`` ... ``conv5_x``. The values are never
negative (a ReLU comes before each pool).

Geometry: the 3 x 3 convolutions (padding 1) keep the size; each 2 x 2 / 2 pool (no padding)
drops an odd last row or column, so the grid is ``floor(n / stride)``: up to ``stride - 1``
pixels at the right and bottom edges belong to no cell. Cell ``i`` covers pixels
``[i * stride, (i + 1) * stride)``, its receptive field centred on their middle.
"""

from __future__ import annotations

from typing import Final

from classroom.networks.base import Architecture, NetworkFamily
from classroom.networks.imagenet import imagenet_weights
from classroom.networks.layers import Layer

__all__ = ["VGG", "VGGFamily"]

_CHANNELS: Final = (64, 128, 256, 512, 512)
_SHOWS: Final = (
    "colours and edges",
    "edges, corners and colour blobs",
    "textures and simple patterns",
    "object parts",
    "objects and whole regions",
)


def _layers(pools: tuple[int, ...], fields: tuple[int, ...]) -> tuple[Layer, ...]:
    """The five blocks, ending at the max pools ``features.<pools[i]>``."""
    return tuple(
        Layer(
            f"block{index + 1}",
            f"features.{pool}",
            stride=2 ** (index + 1),
            channels=_CHANNELS[index],
            receptive_field=field,
            centre=2.0**index,
            rounding="floor",
            shows=_SHOWS[index],
        )
        for index, (pool, field) in enumerate(zip(pools, fields, strict=True))
    )


#: Two convolutions in blocks 1-2, three (VGG-16) or four (VGG-19) in blocks 3-5.
_VGG16_FIELDS: Final = (6, 16, 44, 100, 212)
_VGG19_FIELDS: Final = (6, 16, 52, 124, 268)


class VGGFamily(NetworkFamily):
    name = "vgg"
    title = "VGG"
    source = "Simonyan and Zisserman, Very Deep Convolutional Networks (ICLR 2015)"
    default_layers = ("block2", "block3", "block4")
    architectures = (
        Architecture(
            "vgg16",
            "VGG-16",
            _layers((4, 9, 16, 23, 30), _VGG16_FIELDS),
            (
                imagenet_weights("IMAGENET1K_V1", "vgg16-397923af.pth", 527.796),
                # Ported from the original Caffe model (amdegroot); the classifier is missing
                # (NaN), so these weights are for features only, on a 0-255 input scale.
                imagenet_weights(
                    "IMAGENET1K_FEATURES",
                    "vgg16_features-amdegroot-88682ab5.pth",
                    527.802,
                    mean=(0.48235, 0.45882, 0.40784),
                    std=(1 / 255, 1 / 255, 1 / 255),
                    classifies=False,
                ),
            ),
            head="classifier.6",
            gflops=15.47,
        ),
        Architecture(
            "vgg16_bn",
            "VGG-16 with batch norm",
            _layers((6, 13, 23, 33, 43), _VGG16_FIELDS),
            (imagenet_weights("IMAGENET1K_V1", "vgg16_bn-6c64b313.pth", 527.866),),
            head="classifier.6",
            gflops=15.47,
        ),
        Architecture(
            "vgg19",
            "VGG-19",
            _layers((4, 9, 18, 27, 36), _VGG19_FIELDS),
            (imagenet_weights("IMAGENET1K_V1", "vgg19-dcbb9e9d.pth", 548.051),),
            head="classifier.6",
            gflops=19.632,
        ),
        Architecture(
            "vgg19_bn",
            "VGG-19 with batch norm",
            _layers((6, 13, 26, 39, 52), _VGG19_FIELDS),
            (imagenet_weights("IMAGENET1K_V1", "vgg19_bn-c79401a0.pth", 548.143),),
            head="classifier.6",
            gflops=19.632,
        ),
    )


VGG: Final = VGGFamily()
