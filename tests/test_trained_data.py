"""Batches for training and evaluation: normalisation, cell targets, digit distortions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from classroom.trained.data import (
    HELD_OUT_SEED,
    IGNORED_CELL,
    cell_targets,
    distort_digits,
    held_out_shapes,
    to_input,
    training_shapes,
)
from classroom.trained.digits import digits_split
from classroom.trained.scenes import shapes_batch
from classroom.trained.specs import DIGITS, SHAPES


def test_images_are_normalised_with_the_networks_mean_and_std() -> None:
    images = np.zeros((2, 5, 7, 3), dtype=np.uint8)
    images[1] = 255
    batch = to_input(images, SHAPES)
    assert batch.shape == (2, 3, 5, 7)
    for channel in range(3):
        mean, std = SHAPES.mean[channel], SHAPES.std[channel]
        assert batch[0, channel, 0, 0].item() == pytest.approx(-mean / std)
        assert batch[1, channel, 4, 6].item() == pytest.approx((1 - mean) / std)
    with pytest.raises(ValueError, match=r"\(N, H, W, 3\) uint8"):
        to_input(images.astype(np.float32), SHAPES)


def test_cells_on_the_shape_get_its_label_and_the_rest_are_ignored() -> None:
    masks = np.zeros((1, 20, 20), dtype=bool)
    masks[0, :8, :8] = True  # cells (0, 0) and (0, 1) of stride 4... fully, (1, 1) fully
    masks[0, 8:10, 0:4] = True  # half of cell (2, 0)
    masks[0, 12:13, 12:16] = True  # a quarter of cell (3, 3)
    targets = cell_targets(masks, torch.tensor([3]), stride=4)
    assert targets.shape == (1, 5, 5)
    labelled = (targets[0] == 3).nonzero().tolist()
    assert labelled == [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0]]
    assert int((targets == IGNORED_CELL).sum()) == 20


def test_training_batches_follow_seed_and_step_and_never_use_the_held_out_seed() -> None:
    images, labels, cells = training_shapes(SHAPES, 7, 2, 4, side=96, textured=1.0)
    expected = shapes_batch(7, 8, 4)
    torch.testing.assert_close(images, to_input(expected.images, SHAPES))
    assert labels.tolist() == expected.labels.tolist()
    assert cells.shape == (4, 12, 12)
    with pytest.raises(ValueError, match=r"training seed must be in 0\.\.999999"):
        training_shapes(SHAPES, HELD_OUT_SEED, 0, 4, side=96, textured=1.0)
    held_images, held_labels = held_out_shapes(SHAPES, 0, 3, 96)
    assert held_images.shape == (3, 3, 96, 96)
    assert held_labels.tolist() == [0, 1, 2]


def test_digit_distortions_are_seeded_small_and_keep_the_ink() -> None:
    digits = digits_split().train_images[:16]
    plain = torch.from_numpy(digits).permute(0, 3, 1, 2).float() / 255

    def distorted(seed: int, **bounds: float) -> torch.Tensor:
        generator = torch.Generator().manual_seed(seed)
        return distort_digits(digits, generator, **bounds)

    bounds = {"degrees": 12.0, "scale": 0.1, "shear": 10.0, "shift": 0.06}
    assert torch.equal(distorted(1, **bounds), distorted(1, **bounds))
    assert not torch.equal(distorted(1, **bounds), distorted(2, **bounds))
    nothing = distorted(1, degrees=0, scale=0, shear=0, shift=0)
    torch.testing.assert_close(nothing, plain, atol=1e-5, rtol=0)
    moved = distorted(1, **bounds)
    ink_before, ink_after = plain.sum(dim=(1, 2, 3)), moved.sum(dim=(1, 2, 3))
    assert torch.all((ink_after / ink_before - 1).abs() < 0.35)
    assert moved.shape == (16, 3, 32, 32)
    assert DIGITS.training_side == 32
