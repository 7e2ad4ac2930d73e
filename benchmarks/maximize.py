"""Activation maximization: seconds per generated image and what the bookkeeping costs.

At 224 x 224 on ResNet-18 (seeded random weights: the cost of a pass does not depend on the
weights, and nothing downloads), per image and per batch of four facets, with the default
regularizers (``robust``: L2, periodic blur, jitter, scale and turn) and with the Fourier
parameterisation. The ratio divides the time of ``steps`` steps of gradient ascent by the time
of ``steps`` bare forward + backward passes of the same network on the same batch, measured
side by side in one run (goal: at most 1.3, i.e. the regularizers and bookkeeping cost at
most 30 % on top of the passes they cannot avoid)::

    .venv/bin/python -m benchmarks --only maximize
"""

from __future__ import annotations

import time
from typing import Final

from benchmarks.figures import Figure, Goal, Spec

__all__ = ["SPECS", "measure"]

PER_IMAGE: Final = Spec("maximize_s_per_image", "maximize: seconds per 224 px image", "s")
PER_BATCH: Final = Spec("maximize_s_per_facet_batch", "  per batch of 4 facets", "s")
RATIO: Final = Spec(
    "maximize_ratio_to_bare_passes",
    "  ratio to bare forward+backward passes (robust)",
    "x",
    Goal("<=", 1.3),
)
RATIO_FOURIER: Final = Spec(
    "maximize_fourier_ratio_to_bare_passes",
    "  ratio to bare forward+backward passes (fourier)",
    "x",
    Goal("<=", 1.3),
)
SPECS: Final[tuple[Spec, ...]] = (PER_IMAGE, PER_BATCH, RATIO, RATIO_FOURIER)
SIZE: Final = 224
FACETS: Final = 4
#: The steps of the run the figures are for (the app's and the technique's default).
STEPS: Final = 128


def measure(*, steps: int = 4, repeats: int = 7) -> list[Figure]:
    """Short pairs, many of them: each pair runs within seconds, so a burst of other work on
    the shared machine hits both sides or few pairs, and the median of the ratios drops it.

    A run has a fixed part (setting up, the target's value on the start and on the result: two
    forward passes) and ``steps`` steps. The progress callback's clock separates them, so a run
    of 128 steps is ``fixed + 128 * step`` without timing 128 steps; timing a short run whole
    and scaling it would count its fixed part 128 / ``steps`` times over."""
    import torch

    from classroom.maximization import PRESETS, Settings, Target
    from classroom.maximization.ascent import generate
    from classroom.networks import build_network, untrained_weights

    network = build_network(untrained_weights("resnet18"))
    # Both sides compute the input's gradient only (gradient ascent freezes the weights too).
    for parameter in network.model.parameters():
        parameter.requires_grad_(False)
    target = Target("class", "tench", 0)
    mean = torch.tensor(network.weights.mean).view(1, 3, 1, 1)
    std = torch.tensor(network.weights.std).view(1, 3, 1, 1)

    def bare(count: int) -> float:
        """128 forward + backward passes to the pixels, nothing else (from ``steps`` timed)."""
        pixels = torch.rand((count, 3, SIZE, SIZE), requires_grad=True)
        started = time.perf_counter()
        for _ in range(steps):
            network.model((pixels - mean) / std)[:, 0].sum().backward()
        return (time.perf_counter() - started) / steps * STEPS

    def ascent(count: int, preset: str) -> float:
        """A 128-step run: its fixed part plus 128 of its steps (``steps`` timed)."""
        settings = Settings(
            steps=steps, size=SIZE, facets=count, preview_every=steps, regularizers=PRESETS[preset]
        )
        stamps: list[float] = []
        started = time.perf_counter()
        generate(network, target, settings, lambda *_: stamps.append(time.perf_counter()))
        total = time.perf_counter() - started
        step = (stamps[-1] - stamps[0]) / (steps - 1)
        return total - steps * step + STEPS * step

    ascent(1, "robust")  # warm-up: first-call allocations and kernels
    pairs: dict[tuple[int, str], list[tuple[float, float]]] = {
        (1, "robust"): [],
        (1, "fourier"): [],
        (FACETS, "robust"): [],
    }
    for repeat in range(repeats):
        for (count, preset), samples in pairs.items():
            # Each ascent beside its own bare passes; which runs first alternates, so order
            # biases cancel.
            if repeat % 2 == 0:
                made = ascent(count, preset)
                samples.append((made, bare(count)))
            else:
                passes = bare(count)
                samples.append((ascent(count, preset), passes))
    images, bare_images = zip(*pairs[1, "robust"], strict=True)
    fourier, bare_fourier = zip(*pairs[1, "fourier"], strict=True)
    batches, bare_batches = zip(*pairs[FACETS, "robust"], strict=True)
    note = f"{STEPS} steps from {steps} timed, ResNet-18, {repeats} pairs"
    return [
        PER_IMAGE.from_samples(images, note=f"{STEPS} steps"),
        PER_BATCH.from_samples(batches, note=f"{STEPS} steps"),
        RATIO.ratio_of(images + batches, bare_images + bare_batches, note=note),
        RATIO_FOURIER.ratio_of(fourier, bare_fourier, note=note),
    ]
