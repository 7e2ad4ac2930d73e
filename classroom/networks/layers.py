"""A layer a lesson can show, and its geometry over the image: stride, grid, receptive field.

Receptive-field arithmetic (Araujo, Norris and Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill 2019): a ``k`` x ``k`` operation of stride ``s`` and
padding ``p`` on a map whose cells are ``j`` pixels apart (the *jump*) grows the receptive field
by ``(k - 1) * j``, moves the first cell's centre by ``((k - 1) / 2 - p) * j`` and multiplies
the jump by ``s``. ``tools/receptive_fields.py`` runs this over a network's graph; each family
module writes the results down, and ``tests/test_network_geometry.py`` checks them against the
shapes torch produces and the gradients that really reach the input.

The grid: a chain of convolutions and poolings turns ``n`` pixels into
``floor((n + a) / stride)`` cells for some whole number ``a``. Most networks pad so that
``a = stride - 1`` (``ceil(n / stride)``: ResNet, MobileNet, EfficientNet) or ``a = 0``
(``floor(n / stride)``: VGG's 2 x 2 pools, ConvNeXt's patchify layers). A few lose a few more
pixels at the edges (AlexNet's unpadded 11 x 11 convolution and 3 x 3 pools, DenseNet's
transitions after a ceil stem): their grid is ``ceil`` or ``floor`` of ``(n - trim) / stride``.

Only preparation uses :meth:`Layer.cells`, to check what the network produced; every stored
map carries its grid in its header, and readers take it from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Layer", "Rounding"]

Rounding = Literal["ceil", "floor"]


@dataclass(frozen=True)
class Layer:
    """One layer of an architecture, as lessons name it.

    Attributes:
        name: what students read and lessons write: ``conv2_x``, ``block3``, ``stage2``.
        node: the graph node (module path) whose output is this layer, for torchvision's
            ``create_feature_extractor`` (a module path stands for its last operation).
        stride: image pixels per cell along each axis; also the *jump*, the distance between
            the receptive-field centres of neighbouring cells.
        channels: the feature vector's length ``D``.
        receptive_field: the side of the theoretical receptive field, in image pixels (the
            convolutions' and poolings' reach; a squeeze-and-excitation block's global average
            sees the whole image besides). None where unknown (a model file's layers).
        centre: the centre of cell 0's receptive field, in continuous pixel coordinates (pixel
            ``i`` spans ``[i, i + 1)``); cell ``i``'s field is centred on
            ``centre + i * stride``. None where unknown.
        rounding: how the grid follows from the image (see the module's docstring).
        trim: pixels the grid loses at the edges before rounding (0 for most networks).
        shows: what the layer tends to respond to, in a few words for people (may be empty).
    """

    name: str
    node: str
    stride: int
    channels: int
    receptive_field: int | None
    centre: float | None
    rounding: Rounding = "ceil"
    trim: int = 0
    shows: str = ""

    def __post_init__(self) -> None:
        if self.stride < 1 or self.channels < 1 or self.trim < 0:
            raise ValueError(f"layer {self.name}: stride and channels must be at least 1")

    @property
    def jump(self) -> int:
        """The distance between neighbouring cells' receptive-field centres (= the stride)."""
        return self.stride

    def cells(self, pixels: int) -> int:
        """Cells along an image axis of ``pixels`` pixels (0 when the image is too small)."""
        usable = pixels - self.trim
        cells = -(-usable // self.stride) if self.rounding == "ceil" else usable // self.stride
        return max(cells, 0)

    @property
    def min_pixels(self) -> int:
        """The smallest image side that gives this layer at least one cell."""
        return self.trim + (1 if self.rounding == "ceil" else self.stride)

    @property
    def grid_rule(self) -> str:
        """The grid as a formula people read: ``ceil(n / 4)``, ``floor((n - 3) / 4)``."""
        usable = f"(n - {self.trim})" if self.trim else "n"
        return f"{self.rounding}({usable} / {self.stride})"
