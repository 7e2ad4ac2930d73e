"""Training and held-out evaluation of the trained networks: seeded, reproducible, quiet.

A :class:`Recipe` holds every choice that shapes the result; the same recipe gives the same
weights on the same machine (the data, the initialisation and the batch order all follow from
its seed), and the shipped weights record theirs (``classroom/trained/weights/*.json``).
Nothing here prints: progress goes to a callback, which ``classroom train`` turns into a bar.

The optimiser is AdamW with a one-cycle learning rate (Smith & Topin, 2019: a short warm-up,
then a cosine decay to nearly zero), which reaches a good accuracy in few steps, the budget
two CPU cores allow.

The shapes network also learns from its shapes' masks (deep supervision, Lee et al. 2015):
besides the image's label, every cell of the last block that lies on the shape is asked to
classify the shape by itself (the classifier applied to that cell, see
``TrainedCNN.class_maps``). With the image label alone, a shape covering a tenth of a
textured image gives so faint a signal that the network stays at chance for hundreds of
steps; with the cells' targets it learns in a few hundred, and the last block's cells learn
exactly what lessons show: a cell on a circle says "circle", whatever its colour and
background. The network itself is unchanged: one image in, the pooled logits out.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import torch

from classroom.trained.architectures import TrainedCNN, build_network
from classroom.trained.data import (
    IGNORED_CELL,
    MAX_TRAINING_SEED,
    distort_digits,
    held_out_shapes,
    normalise,
    to_input,
    training_shapes,
)
from classroom.trained.digits import digits_split
from classroom.trained.specs import network_spec

if TYPE_CHECKING:
    from torch import Tensor

__all__ = [
    "RECIPES",
    "Evaluation",
    "Progress",
    "ProgressCallback",
    "Recipe",
    "TrainingResult",
    "default_recipe",
    "evaluate",
    "train",
]


@dataclass(frozen=True)
class Recipe:
    """Everything a training run depends on.

    Attributes:
        network: ``shapes`` or ``digits``.
        seed: initialisation, training data (shapes) and batch order and distortions (digits).
        steps: optimiser steps.
        batch_size: images per step.
        learning_rate: AdamW's peak learning rate (one-cycle schedule).
        initial_lr_divisor: the schedule starts at ``learning_rate`` divided by this.
        weight_decay: AdamW's decoupled weight decay.
        warmup_share: share of the steps over which the learning rate rises to its peak.
        label_smoothing: cross-entropy label smoothing.
        image_side: side of the square training images.
        held_out_count: held-out images evaluated (shapes: generated; digits: the split's).
        curriculum_share: shapes: share of the steps over which textured backgrounds fade in
            (from none to all kinds); 0 for digits.
        cell_loss_weight: shapes: weight of the last block's per-cell loss (see the module's
            docstring); 0 for digits.
        threads: torch threads (the machine's cores, at most).
        distortion_degrees, distortion_scale, distortion_shear, distortion_shift: the random
            affine distortion of training digits (see ``data.distort_digits``); 0 for shapes.
    """

    network: str
    seed: int
    steps: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    warmup_share: float
    label_smoothing: float
    image_side: int
    held_out_count: int
    threads: int = 2
    initial_lr_divisor: float = 10.0
    curriculum_share: float = 0.0
    cell_loss_weight: float = 0.0
    distortion_degrees: float = 0.0
    distortion_scale: float = 0.0
    distortion_shear: float = 0.0
    distortion_shift: float = 0.0

    def __post_init__(self) -> None:
        network_spec(self.network)
        if not 0 <= self.seed <= MAX_TRAINING_SEED:
            raise ValueError(f"a training seed must be in 0..{MAX_TRAINING_SEED}, not {self.seed}")
        if self.steps < 1 or self.batch_size < 1 or self.threads < 1:
            raise ValueError("steps, batch size and threads must be at least 1")
        # The one-cycle schedule needs a warm-up of more than one step, and a decay after it.
        if not 0 < self.warmup_share < 1:
            raise ValueError(f"the warm-up share must be between 0 and 1, not {self.warmup_share}")
        if self.warmup_share * self.steps <= 1:
            least = math.floor(1 / self.warmup_share) + 1
            raise ValueError(
                f"{self.steps} steps are too few for a warm-up of {self.warmup_share:.0%} of "
                f"them: train for at least {least} steps"
            )

    def replace(self, **changes: object) -> Recipe:
        """A copy with ``changes`` (e.g. ``seed=1`` or a reduced ``steps`` for a quick run)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


#: The recipes of the shipped weights.
RECIPES: Final = {
    "shapes": Recipe(
        network="shapes",
        seed=0,
        steps=900,
        batch_size=32,
        learning_rate=2e-3,
        weight_decay=5e-4,
        warmup_share=0.05,
        label_smoothing=0.0,
        image_side=96,
        held_out_count=2000,
        curriculum_share=0.2,
        cell_loss_weight=1.0,
    ),
    "digits": Recipe(
        network="digits",
        seed=0,
        steps=600,
        batch_size=64,
        learning_rate=2e-3,
        weight_decay=5e-4,
        warmup_share=0.2,
        label_smoothing=0.0,
        image_side=32,
        held_out_count=359,
        distortion_degrees=12.0,
        distortion_scale=0.1,
        distortion_shear=10.0,
        distortion_shift=0.06,
    ),
}


def default_recipe(network: str, seed: int | None = None) -> Recipe:
    """The shipped recipe of ``network``, with another ``seed`` if given."""
    network_spec(network)
    recipe = RECIPES[network]
    return recipe if seed is None else recipe.replace(seed=seed)


@dataclass(frozen=True)
class Progress:
    """What a progress callback is told: ``done`` of ``total`` steps or images of ``phase``,
    and while training the running (exponentially averaged) loss."""

    phase: Literal["training", "evaluating"]
    done: int
    total: int
    loss: float | None = None


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class TrainingResult:
    """A trained network (in eval mode), its recipe, the seconds it took and its final loss."""

    model: TrainedCNN
    recipe: Recipe
    seconds: float
    final_loss: float


@dataclass(frozen=True)
class Evaluation:
    """Held-out accuracy: ``correct`` of ``total`` images."""

    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total


@contextlib.contextmanager
def _threads(count: int) -> Iterator[None]:
    """torch's intra-op threads set to ``count`` (at most the machine's cores), then restored."""
    before = torch.get_num_threads()
    torch.set_num_threads(max(1, min(count, os.cpu_count() or 1)))
    try:
        yield
    finally:
        torch.set_num_threads(before)


Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]


def _digit_batches(recipe: Recipe) -> Iterator[Batch]:
    """Endless seeded batches of distorted training digits, a new permutation every epoch."""
    split = digits_split()
    spec = network_spec("digits")
    generator = torch.Generator().manual_seed(recipe.seed)
    labels = torch.from_numpy(np.ascontiguousarray(split.train_labels))
    while True:
        order = torch.randperm(len(labels), generator=generator).numpy()
        for start in range(0, len(order) - recipe.batch_size + 1, recipe.batch_size):
            chosen = order[start : start + recipe.batch_size]
            pixels = distort_digits(
                split.train_images[chosen],
                generator,
                degrees=recipe.distortion_degrees,
                scale=recipe.distortion_scale,
                shear=recipe.distortion_shear,
                shift=recipe.distortion_shift,
            )
            yield normalise(pixels, spec), labels[chosen], None


def _shape_batches(recipe: Recipe) -> Iterator[Batch]:
    spec = network_spec("shapes")
    ramp = recipe.curriculum_share * recipe.steps
    for step in range(recipe.steps):
        textured = 1.0 if step >= ramp else step / ramp
        yield training_shapes(
            spec, recipe.seed, step, recipe.batch_size, side=recipe.image_side, textured=textured
        )


def train(recipe: Recipe, progress: ProgressCallback | None = None) -> TrainingResult:
    """Train a network from scratch by ``recipe``; returns it in eval mode."""
    spec = network_spec(recipe.network)
    started = time.perf_counter()
    with _threads(recipe.threads), torch.random.fork_rng(devices=[]):
        torch.manual_seed(recipe.seed)
        model = build_network(spec).to(memory_format=torch.channels_last).train()
        optimiser = torch.optim.AdamW(
            model.parameters(), lr=recipe.learning_rate, weight_decay=recipe.weight_decay
        )
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimiser,
            max_lr=recipe.learning_rate,
            total_steps=recipe.steps,
            pct_start=recipe.warmup_share,
            div_factor=recipe.initial_lr_divisor,
        )
        batches = _shape_batches(recipe) if recipe.network == "shapes" else _digit_batches(recipe)
        running = math.nan
        for step, (images, labels, cells) in zip(range(recipe.steps), batches, strict=False):
            loss = _loss(model, recipe, images, labels, cells)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            value = float(loss.detach())
            running = value if math.isnan(running) else 0.95 * running + 0.05 * value
            if progress is not None:
                progress(Progress("training", step + 1, recipe.steps, running))
    model.eval()
    return TrainingResult(
        model=model, recipe=recipe, seconds=time.perf_counter() - started, final_loss=running
    )


def _loss(
    model: TrainedCNN, recipe: Recipe, images: Tensor, labels: Tensor, cells: Tensor | None
) -> Tensor:
    """Cross-entropy of the image's logits, plus the weighted per-cell loss (shapes)."""
    from torch.nn.functional import cross_entropy

    if cells is None or recipe.cell_loss_weight == 0:
        logits = model(images)
        return cross_entropy(logits, labels, label_smoothing=recipe.label_smoothing)
    maps = model.class_maps(images)
    loss = cross_entropy(maps.mean(dim=(2, 3)), labels, label_smoothing=recipe.label_smoothing)
    if bool((cells != IGNORED_CELL).any()):
        loss = loss + recipe.cell_loss_weight * cross_entropy(
            maps, cells, ignore_index=IGNORED_CELL
        )
    return loss


def _held_out_batches(
    network: str, count: int, side: int, batch_size: int
) -> Iterator[tuple[Tensor, Tensor]]:
    spec = network_spec(network)
    if network == "digits":
        split = digits_split()
        images, labels = split.held_out_images[:count], split.held_out_labels[:count]
        for start in range(0, len(labels), batch_size):
            yield (
                to_input(images[start : start + batch_size], spec),
                torch.from_numpy(np.ascontiguousarray(labels[start : start + batch_size])),
            )
        return
    for start in range(0, count, batch_size):
        yield held_out_shapes(spec, start, min(batch_size, count - start), side)


def evaluate(
    model: TrainedCNN,
    network: str,
    count: int | None = None,
    *,
    threads: int = 2,
    progress: ProgressCallback | None = None,
) -> Evaluation:
    """Accuracy of ``model`` on ``count`` held-out images (default: the recipe's number).

    Shapes: the first ``count`` samples of the held-out seed, at the training side; digits:
    the first ``count`` digits of the held-out split (all 359 by default).
    """
    recipe = default_recipe(network)
    total = recipe.held_out_count if count is None else count
    if network == "digits":
        total = min(total, len(digits_split().held_out_labels))
    if total < 1:
        raise ValueError(f"evaluate at least one image, not {total}")
    correct = done = 0
    model.eval()
    with _threads(threads), torch.inference_mode():
        for images, labels in _held_out_batches(network, total, recipe.image_side, 100):
            correct += int((model(images).argmax(dim=1) == labels).sum())
            done += len(labels)
            if progress is not None:
                progress(Progress("evaluating", done, total))
    return Evaluation(correct=correct, total=done)
