"""The two trained networks as plain data: blocks, layers, classes and input normalisation.

This is the one place their shapes are written down. :mod:`~classroom.trained.architectures`
builds the ``torch.nn.Module`` from :attr:`TrainedNetwork.blocks`, and every layer's stride,
receptive field and grid rule are *computed* here from the same blocks, so the table a lesson
or the network registry reads cannot drift from the network that runs (tests check both
against the modules and a forward pass). No torch here: the registry, ``classroom check`` and
the docs read these tables without loading a network.

Each block is an optional 2 x 2 max pool (stride 2, ``ceil_mode``) followed by 3 x 3
convolutions (padding 1, stride 1), each with batch norm and ReLU. A block's output, after its
last ReLU, is the layer a lesson shows. So a layer of stride ``s`` over an image of ``n``
pixels has ``ceil(n / s)`` cells, like torchvision's ResNets (the network registry,
``classroom.networks.families.trained``, takes these tables as they are): no pixel at the right
or bottom edge is dropped, and a cell's receptive field is centred on the ``s`` x ``s`` pixels
it covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "DIGITS",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "NETWORKS",
    "SHAPES",
    "BlockPlan",
    "GridRounding",
    "TrainedLayer",
    "TrainedNetwork",
    "network_spec",
]

GridRounding = Literal["ceil", "floor"]

#: The ImageNet normalisation (torchvision's ``weights.transforms()``), which classroom's
#: preparation applies to every image: the shapes network takes it too, so that it needs no
#: preprocessing of its own (its first batch norm makes the exact constants matter little).
IMAGENET_MEAN: Final = (0.485, 0.456, 0.406)
IMAGENET_STD: Final = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class BlockPlan:
    """One block: ``pool`` (a 2 x 2 max pool first, or not) and its convolutions' widths."""

    name: str
    pool: bool
    widths: tuple[int, ...]
    shows: str


@dataclass(frozen=True)
class TrainedLayer:
    """A layer a lesson can show: the output of one block.

    Attributes:
        name: what students read (``block1``); also the module path of the block.
        node: the graph node whose output this layer is: the block's module path (for
            torchvision's ``create_feature_extractor``, a module path stands for the output of
            the module's last operation, here its last ReLU).
        stride: input pixels per cell along each axis (the receptive fields' jump).
        receptive_field: the theoretical receptive field's side, in input pixels.
        jump: the distance between the receptive-field centres of neighbouring cells (pixels).
        centre_offset: the centre of cell 0's receptive field, in continuous pixel coordinates
            (pixel ``i`` spans ``[i, i + 1)``), so cell ``i``'s field is centred on
            ``centre_offset + i * jump``: ``stride / 2``, the middle of the pixels it covers.
        rounding: how the grid follows from the image: ``ceil(n / stride)`` or ``floor``.
        channels: the feature vector's length ``D``.
        shows: what the layer responds to, for people.
    """

    name: str
    node: str
    stride: int
    receptive_field: int
    jump: int
    centre_offset: float
    rounding: GridRounding
    channels: int
    shows: str

    def grid_size(self, image_size: int) -> int:
        """Cells along an axis of ``image_size`` pixels."""
        if image_size < 1:
            raise ValueError(f"an image size must be positive, not {image_size}")
        if self.rounding == "ceil":
            return -(-image_size // self.stride)
        return image_size // self.stride


def _layers(blocks: tuple[BlockPlan, ...]) -> tuple[TrainedLayer, ...]:
    """Receptive-field arithmetic (Araujo et al., Distill 2019) over the blocks.

    A k x k layer of stride s grows the field by ``(k - 1) * jump`` and multiplies the jump by
    s; its first output is centred ``(k - 1) / 2 * jump - padding * jump`` further along.
    """
    field, jump, offset = 1, 1, 0.5  # the input: one pixel, centred on its middle
    layers = []
    for block in blocks:
        if block.pool:  # kernel 2, stride 2, no padding
            field, offset, jump = field + jump, offset + jump / 2, jump * 2
        for _ in block.widths:  # kernel 3, stride 1, padding 1: centred, no shift
            field += 2 * jump
        layers.append(
            TrainedLayer(
                name=block.name,
                node=block.name,
                stride=jump,
                receptive_field=field,
                jump=jump,
                centre_offset=offset,
                rounding="ceil",
                channels=block.widths[-1],
                shows=block.shows,
            )
        )
    return tuple(layers)


@dataclass(frozen=True)
class TrainedNetwork:
    """A network classroom trains itself.

    Attributes:
        name: ``shapes`` or ``digits`` (the ``classroom train`` argument, the weights' stem).
        title: for people.
        blocks: the architecture (see the module's docstring).
        class_names: in label order.
        mean, std: the input normalisation, per RGB channel, of pixel values scaled to 0..1.
        min_side: the smallest image side the network is meant for (it runs on smaller ones,
            but its last block then sees less than one whole object).
        training_side: the side of the square images it was trained on.
        default_layers: the three layers a lesson gets when it names none (early, middle,
            late).
    """

    name: str
    title: str
    blocks: tuple[BlockPlan, ...]
    class_names: tuple[str, ...]
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    min_side: int
    training_side: int
    default_layers: tuple[str, str, str]

    @property
    def layers(self) -> tuple[TrainedLayer, ...]:
        """Every block's output, first to last."""
        return _layers(self.blocks)

    def layer(self, name: str) -> TrainedLayer:
        """The layer called ``name``; ``ValueError`` naming the layers otherwise."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        names = ", ".join(layer.name for layer in self.layers)
        raise ValueError(f"the {self.name} network has no layer {name!r}; its layers are {names}")

    @property
    def weights_file(self) -> str:
        """The shipped state dict's file name, in ``classroom/trained/weights/``."""
        return f"{self.name}.pt"

    @property
    def recipe_file(self) -> str:
        """The shipped recipe's file name (JSON), next to the weights."""
        return f"{self.name}.json"


SHAPES: Final = TrainedNetwork(
    name="shapes",
    title="Shapes network (trained by classroom on generated shapes)",
    blocks=(
        BlockPlan("block1", False, (16,), "edges and colours"),
        BlockPlan("block2", True, (32,), "corners, stripes and dots: textures"),
        BlockPlan("block3", True, (48, 48), "parts of shapes: arcs, points, corners"),
        BlockPlan("block4", True, (96, 96, 96), "whole shapes, whatever their colour"),
    ),
    class_names=("circle", "square", "triangle", "star", "cross"),
    mean=IMAGENET_MEAN,
    std=IMAGENET_STD,
    min_side=96,
    training_side=96,
    default_layers=("block1", "block2", "block4"),
)

#: Mean and standard deviation of the digits' 32 x 32 images (0..1) over the training split,
#: the same for R, G and B because the digits are grey (a test recomputes them).
_DIGITS_MEAN: Final = 0.305
_DIGITS_STD: Final = 0.324

DIGITS: Final = TrainedNetwork(
    name="digits",
    title="Digits network (trained by classroom on scikit-learn's handwritten digits)",
    blocks=(
        BlockPlan("block1", False, (16,), "strokes and their edges"),
        BlockPlan("block2", True, (32, 32), "stroke pieces: bends, ends, crossings"),
        BlockPlan("block3", True, (64, 64), "digit parts and their arrangement"),
    ),
    class_names=tuple(str(digit) for digit in range(10)),
    mean=(_DIGITS_MEAN,) * 3,
    std=(_DIGITS_STD,) * 3,
    min_side=32,
    training_side=32,
    default_layers=("block1", "block2", "block3"),
)

NETWORKS: Final[Mapping[str, TrainedNetwork]] = {SHAPES.name: SHAPES, DIGITS.name: DIGITS}


def network_spec(name: str) -> TrainedNetwork:
    """The network called ``name``; ``ValueError`` naming the networks otherwise."""
    try:
        return NETWORKS[name]
    except KeyError:
        raise ValueError(
            f"unknown trained network {name!r}; the networks are {', '.join(NETWORKS)}"
        ) from None
