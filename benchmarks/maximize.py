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


def measure(*, steps: int = 2, repeats: int = 9) -> list[Figure]:
    """Short pairs, many of them: each pair runs within seconds, so a burst of other work on
    the shared machine hits both sides or few pairs, and the median of the ratios drops it."""
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
        """``steps`` forward + backward passes to the pixels, nothing else."""
        pixels = torch.rand((count, 3, SIZE, SIZE), requires_grad=True)
        started = time.perf_counter()
        for _ in range(steps):
            network.model((pixels - mean) / std)[:, 0].sum().backward()
        return time.perf_counter() - started

    def ascent(count: int, preset: str) -> float:
        settings = Settings(steps=steps, size=SIZE, facets=count, regularizers=PRESETS[preset])
        started = time.perf_counter()
        generate(network, target, settings)
        return time.perf_counter() - started

    ascent(1, "robust")  # warm-up: first-call allocations and kernels
    images, batches, bare_images, bare_batches, fourier = [], [], [], [], []
    for repeat in range(repeats):
        first = repeat % 2 == 0  # alternate which side runs first, so order biases cancel
        if first:
            images.append(ascent(1, "robust"))
        bare_images.append(bare(1))
        if not first:
            images.append(ascent(1, "robust"))
        fourier.append(ascent(1, "fourier"))
        if first:
            batches.append(ascent(FACETS, "robust"))
        bare_batches.append(bare(FACETS))
        if not first:
            batches.append(ascent(FACETS, "robust"))
    note = f"{steps} steps, ResNet-18, {repeats} pairs"
    return [
        PER_IMAGE.from_samples([seconds / steps * 128 for seconds in images], note="128 steps"),
        PER_BATCH.from_samples([seconds / steps * 128 for seconds in batches], note="128 steps"),
        RATIO.ratio_of(images + batches, bare_images + bare_batches, note=note),
        RATIO_FOURIER.ratio_of(fourier, bare_images, note=note),
    ]
