"""The digits data set as the digits network sees it, and its fixed held-out split."""

from __future__ import annotations

import numpy as np
import pytest

from classroom.trained.digits import DIGIT_SIDE, digit_image, digits_images, digits_split
from classroom.trained.specs import DIGITS


def test_every_bundled_digit_becomes_a_grey_32_pixel_image() -> None:
    images, labels = digits_images()
    assert images.shape == (1797, DIGIT_SIDE, DIGIT_SIDE, 3)
    assert images.dtype == np.uint8
    assert np.array_equal(images[..., 0], images[..., 2])
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert not images.flags.writeable  # shared by every caller


def test_a_digit_is_upsampled_smoothly_white_on_black() -> None:
    from sklearn.datasets import load_digits

    levels = load_digits().images[0]
    image = digit_image(levels)
    grey = image[..., 0].astype(np.float64)
    # 4 x 4 blocks average back to the original levels (bilinear interpolation keeps them).
    blocks = grey.reshape(8, 4, 8, 4).mean(axis=(1, 3)) / 255 * 16
    assert np.corrcoef(blocks.ravel(), levels.ravel())[0, 1] > 0.95
    assert len(np.unique(image)) > 17  # smooth, not 4 x 4 blocks of 17 levels
    assert image[0, 0, 0] == 0  # the paper is black


def test_the_split_is_fixed_stratified_and_disjoint() -> None:
    split = digits_split()
    assert len(split.train_labels) == 1438
    assert len(split.held_out_labels) == 359
    assert not set(split.train_indices.tolist()) & set(split.held_out_indices.tolist())
    assert len(split.train_indices) + len(split.held_out_indices) == 1797
    shares = np.bincount(split.held_out_labels) / np.bincount(digits_images()[1])
    assert np.all(np.abs(shares - 0.2) < 0.01)
    # The same digits on every machine: numpy's PCG64 permutation of seed 0.
    assert split.held_out_indices[:8].tolist() == [5, 9, 12, 14, 16, 17, 19, 23]
    images, labels = digits_images()
    assert np.array_equal(split.held_out_images, images[split.held_out_indices])
    assert np.array_equal(split.train_labels, labels[split.train_indices])


def test_the_declared_normalisation_is_the_training_digits() -> None:
    pixels = digits_split().train_images / 255.0
    assert pixels.mean() == pytest.approx(DIGITS.mean[0], abs=0.001)
    assert pixels.std() == pytest.approx(DIGITS.std[0], abs=0.001)


@pytest.mark.parametrize(
    ("levels", "side", "message"),
    [
        (np.zeros(64), 32, "2-D array of grey levels 0..16"),
        (np.full((8, 8), 17.0), 32, "2-D array of grey levels 0..16"),
        (np.zeros((8, 8)), 4, "at least 8 pixels"),
    ],
)
def test_bad_digits_are_refused_clearly(levels: np.ndarray, side: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        digit_image(levels, side)
