"""The batches the trained networks learn from and are evaluated on, as normalised tensors.

Shapes: every training step draws fresh samples (sample ``step * batch + i`` of the training
seed), so the network never sees an image twice and cannot memorise; held-out images are
samples of :data:`HELD_OUT_SEED`, which no training run may use. Each training batch also
says, per cell of the last block, which class that cell should see (:func:`cell_targets`,
from the shapes' masks): see ``training.py`` for why.

Digits: 1,438 training images are few, so each step takes a seeded random batch and distorts
it slightly (rotation, scale, shear, shift: what differs between two people's handwriting),
which the held-out digits then reward.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt
import torch

from classroom.trained.scenes import shapes_batch
from classroom.trained.specs import TrainedNetwork

if TYPE_CHECKING:
    from torch import Tensor

__all__ = [
    "HELD_OUT_SEED",
    "IGNORED_CELL",
    "MAX_TRAINING_SEED",
    "cell_targets",
    "distort_digits",
    "held_out_shapes",
    "normalise",
    "to_input",
    "training_shapes",
]

#: The seed of the shapes held out from training; training seeds are below it.
HELD_OUT_SEED: Final = 1_000_000
MAX_TRAINING_SEED: Final = HELD_OUT_SEED - 1
#: The target of a cell that no loss applies to (cross-entropy's ``ignore_index``).
IGNORED_CELL: Final = -100


def to_input(images: npt.NDArray[np.uint8], network: TrainedNetwork) -> Tensor:
    """``(N, H, W, 3)`` uint8 RGB images as the network's normalised ``(N, 3, H, W)`` float
    batch (channels-last in memory, which is faster for these convolutions on CPU)."""
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(f"images must be (N, H, W, 3) uint8, not {images.shape} {images.dtype}")
    return normalise(_unit_range(images), network)


def _unit_range(images: npt.NDArray[np.uint8]) -> Tensor:
    """``(N, H, W, 3)`` uint8 as an ``(N, 3, H, W)`` float batch in 0..1."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0


def normalise(batch: Tensor, network: TrainedNetwork) -> Tensor:
    """An ``(N, 3, H, W)`` batch of 0..1 values normalised with the network's mean and std."""
    mean = torch.tensor(network.mean).view(1, 3, 1, 1)
    std = torch.tensor(network.std).view(1, 3, 1, 1)
    return ((batch - mean) / std).contiguous(memory_format=torch.channels_last)


def cell_targets(masks: npt.NDArray[np.bool_], labels: Tensor, stride: int) -> Tensor:
    """``(N, h, w)`` targets for the cells of a layer with ``stride``: the image's label where
    the shape covers at least half the cell's pixels, :data:`IGNORED_CELL` elsewhere."""
    coverage = torch.nn.functional.avg_pool2d(
        torch.from_numpy(masks).float().unsqueeze(1), stride, stride, ceil_mode=True
    ).squeeze(1)
    targets = labels.view(-1, 1, 1).expand_as(coverage).clone()
    targets[coverage < 0.5] = IGNORED_CELL
    return targets


def training_shapes(
    network: TrainedNetwork, seed: int, step: int, batch_size: int, *, side: int, textured: float
) -> tuple[Tensor, Tensor, Tensor]:
    """Training batch ``step`` of ``seed``: normalised images, labels and the last block's
    :func:`cell_targets`; ``textured`` is the share of backgrounds that may be textured (the
    curriculum's stage)."""
    if not 0 <= seed <= MAX_TRAINING_SEED:
        raise ValueError(
            f"a training seed must be in 0..{MAX_TRAINING_SEED} (seed {HELD_OUT_SEED} is the "
            f"held-out images'), not {seed}"
        )
    batch = shapes_batch(seed, step * batch_size, batch_size, side, side, textured=textured)
    labels = torch.from_numpy(batch.labels)
    targets = cell_targets(batch.masks, labels, network.layers[-1].stride)
    return to_input(batch.images, network), labels, targets


def held_out_shapes(
    network: TrainedNetwork, start: int, count: int, side: int
) -> tuple[Tensor, Tensor]:
    """Held-out images ``start`` .. ``start + count - 1``: normalised images and labels."""
    batch = shapes_batch(HELD_OUT_SEED, start, count, side, side)
    return to_input(batch.images, network), torch.from_numpy(batch.labels)


def distort_digits(
    images: npt.NDArray[np.uint8],
    generator: torch.Generator,
    *,
    degrees: float,
    scale: float,
    shear: float,
    shift: float,
) -> Tensor:
    """Random affine distortions of ``(N, H, W, 3)`` digits, as a ``(N, 3, H, W)`` 0..1 batch.

    Each image is rotated by up to ``degrees``, scaled by ``1 +- scale``, sheared by up to
    ``shear`` degrees and shifted by up to ``shift`` of its side; what falls outside is black,
    the digits' background. Bilinear sampling, so strokes stay smooth.
    """
    count = images.shape[0]
    pixels = _unit_range(images)

    def uniform(bound: float) -> Tensor:
        return (torch.rand(count, generator=generator) * 2 - 1) * bound

    angle = uniform(math.radians(degrees))
    zoom = 1 + uniform(scale)
    slant = torch.tan(uniform(math.radians(shear)))
    dx, dy = uniform(2 * shift), uniform(2 * shift)  # grid units span 2 per side
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    # Output -> input coordinates: (rotation / zoom) @ shear, then the shift.
    theta = torch.stack(
        [
            torch.stack([cos, cos * slant - sin, dx], dim=1),
            torch.stack([sin, sin * slant + cos, dy], dim=1),
        ],
        dim=1,
    )
    grid = torch.nn.functional.affine_grid(theta, list(pixels.shape), align_corners=False)
    return torch.nn.functional.grid_sample(
        pixels, grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )
