"""scikit-learn's bundled handwritten digits as the digits network sees them, and their split.

``sklearn.datasets.load_digits`` ships with scikit-learn (1,797 images of 8 x 8 pixels, 16
grey levels, about 180 per digit; the UCI "optdigits" test set), so nothing is downloaded.

An 8 x 8 digit is too small to look inside a network: after two 2 x 2 pools its maps would be
2 x 2. So each digit is upsampled 4 x with bilinear interpolation to 32 x 32 (LeNet's input
size; MNIST's 28 x 28 digits are padded to it), white strokes on black as in MNIST and in
Seein' In's case study, stored as an RGB uint8 image with R = G = B. That image *is* the
network's input: a lesson that writes it to a PNG and prepares it gives the network exactly
what it was trained and evaluated on. 32 rather than more, because larger images would add
cost but no information.

The split into training and held-out digits is fixed (seed :data:`SPLIT_SEED`, whatever the
training seed), stratified (20 % of every digit held out), and made with numpy's PCG64, which
gives the same permutation on every machine and version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image

__all__ = [
    "DIGIT_SIDE",
    "HELD_OUT_SHARE",
    "SPLIT_SEED",
    "DigitsSplit",
    "digit_image",
    "digits_images",
    "digits_split",
]

DIGIT_SIDE: Final = 32
SPLIT_SEED: Final = 0
HELD_OUT_SHARE: Final = 0.2
#: load_digits' grey levels run from 0 (paper) to 16 (ink).
_LEVELS: Final = 16.0

UInt8Images = npt.NDArray[np.uint8]
Labels = npt.NDArray[np.int64]


def digit_image(levels: npt.ArrayLike, side: int = DIGIT_SIDE) -> UInt8Images:
    """One digit of ``load_digits`` (an ``(8, 8)`` array of 0..16) as a ``(side, side, 3)`` image.

    Raises:
        ValueError: if ``levels`` is not a 2-D array of values in 0..16.
    """
    values = np.asarray(levels, dtype=np.float32)
    if values.ndim != 2 or not np.all((values >= 0) & (values <= _LEVELS)):
        raise ValueError(f"a digit is a 2-D array of grey levels 0..16, not shape {values.shape}")
    if side < values.shape[0]:
        raise ValueError(f"a digit image must be at least {values.shape[0]} pixels, not {side}")
    grey = Image.fromarray(values / _LEVELS, mode="F").resize(
        (side, side), Image.Resampling.BILINEAR
    )
    pixels = np.clip(np.rint(np.asarray(grey) * 255.0), 0, 255).astype(np.uint8)
    return np.repeat(pixels[..., None], 3, axis=-1)


@cache
def _rendered() -> tuple[UInt8Images, Labels]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.stack([digit_image(levels) for levels in bunch.images])
    labels = np.asarray(bunch.target, dtype=np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def digits_images() -> tuple[UInt8Images, Labels]:
    """Every digit as ``(1797, 32, 32, 3)`` uint8 images and ``(1797,)`` labels (read-only)."""
    return _rendered()


@dataclass(frozen=True)
class DigitsSplit:
    """The fixed split: indices into :func:`digits_images`, and the images and labels."""

    train_indices: npt.NDArray[np.int64]
    held_out_indices: npt.NDArray[np.int64]
    train_images: UInt8Images
    train_labels: Labels
    held_out_images: UInt8Images
    held_out_labels: Labels


@cache
def digits_split() -> DigitsSplit:
    """20 % of each digit held out (the same digits on every machine), the rest for training."""
    images, labels = digits_images()
    rng = np.random.default_rng(SPLIT_SEED)
    held_out: list[npt.NDArray[np.int64]] = []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        chosen = rng.permutation(members)[: round(len(members) * HELD_OUT_SHARE)]
        held_out.append(chosen.astype(np.int64))
    held_out_indices = np.sort(np.concatenate(held_out))
    train_indices = np.setdiff1d(np.arange(len(labels), dtype=np.int64), held_out_indices)
    return DigitsSplit(
        train_indices=train_indices,
        held_out_indices=held_out_indices,
        train_images=images[train_indices],
        train_labels=labels[train_indices],
        held_out_images=images[held_out_indices],
        held_out_labels=labels[held_out_indices],
    )
