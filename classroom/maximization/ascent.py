"""Gradient ascent on the input: ``I* = argmax_I f(I) - R(I)``, for a batch of facets at once.

The lecture's procedure (``network-visualization-lecture``, "Image Generation"): start from an
image, forward it, backpropagate the target's value to the pixels, step uphill, repeat; with
the regularizers of :mod:`classroom.maximization.settings` switched on or off. All facets are
one batch (one forward and one backward pass per step for all of them); the network is in eval
mode, so the facets do not influence each other (batch norm uses its running statistics).

Written on torch directly: the maintained libraries did not fit (docs/maximization.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch

from classroom.maximization.collection import TopImages, top_images
from classroom.maximization.image_space import FourierImage, ImageSpace, PixelImage
from classroom.maximization.objective import objective
from classroom.maximization.regularizers import (
    clip_small_gradients,
    clip_small_pixels,
    transformed,
)
from classroom.maximization.settings import Settings
from classroom.maximization.targets import Target
from classroom.networks import LoadedNetwork

__all__ = ["Generated", "Progress", "generate", "preview_pixels"]

#: Called with (steps done, steps in all, the facets as ``(N, H, W, 3)`` uint8 or None); it
#: gets a preview every ``Settings.preview_every`` steps and at the end. Raising stops the run.
Progress = Callable[[int, int, "npt.NDArray[np.uint8] | None"], None]
#: How far noise starts from grey: small, so the network's gradient decides what grows.
_NOISE: float = 0.05


@dataclass(frozen=True)
class Generated:
    """What gradient ascent made for one target.

    Attributes:
        images: ``(N, H, W, 3)`` float32 in 0..1, one per facet; facet 0 started from noise.
        values: the target's value on each (as the network sees it, untransformed).
        starts: where each facet started (``noise``, or a collection image's name).
        start_values: the target's value on each starting image.
        top: the collection's images, those that activate the target most first (empty for
            a network without a collection).
    """

    target: Target
    settings: Settings
    images: npt.NDArray[np.float32]
    values: npt.NDArray[np.float32]
    starts: tuple[str, ...]
    start_values: npt.NDArray[np.float32]
    top: TopImages


def preview_pixels(images: torch.Tensor) -> npt.NDArray[np.uint8]:
    """``(N, 3, H, W)`` in 0..1 as ``(N, H, W, 3)`` uint8."""
    scaled = (images.detach().clamp(0, 1) * 255).round().to(torch.uint8)
    return np.ascontiguousarray(scaled.permute(0, 2, 3, 1).numpy())


def _starts(
    settings: Settings, top: TopImages, generator: torch.Generator
) -> tuple[torch.Tensor, tuple[str, ...]]:
    """Facet 0 from noise around grey, the others from the collection's top images (or from
    noise of their own when the collection has too few)."""
    size, count = settings.size, settings.facets
    noise = 0.5 + _NOISE * torch.randn((count, 3, size, size), generator=generator)
    names = ["noise"] * count
    if len(top):
        for facet in range(1, min(count, len(top) + 1)):
            noise[facet] = torch.from_numpy(top.images[facet - 1]).permute(2, 0, 1).float() / 255
            names[facet] = f"from {top.names[facet - 1]}"
    return noise.clamp(0, 1), tuple(names)


@contextlib.contextmanager
def _weights_frozen(model: torch.nn.Module) -> Iterator[None]:
    """Only the image learns: no gradient for the weights (less work in every backward
    pass). The flags are put back after, since a loaded network is shared with others."""
    flags = {parameter: parameter.requires_grad for parameter in model.parameters()}
    for parameter in flags:
        parameter.requires_grad_(False)
    try:
        yield
    finally:
        for parameter, flag in flags.items():
            parameter.requires_grad_(flag)


def generate(
    network: LoadedNetwork,
    target: Target,
    settings: Settings,
    on_progress: Progress | None = None,
) -> Generated:
    """Generate ``settings.facets`` images that maximize ``target`` on ``network``.

    Deterministic for a given seed (the generator is private: torch's global random state is
    neither used nor changed), on the same torch and CPU.
    """
    generator = torch.Generator().manual_seed(settings.seed)
    value_of = objective(network, target, settings.size)
    # The collection's best images: starting points of facets, and shown beside the result.
    top = top_images(network.weights.architecture, settings.size, value_of)
    start, starts = _starts(settings, top, generator)
    regularizers = settings.regularizers
    space: ImageSpace = FourierImage(start) if regularizers.fourier else PixelImage(start)
    optimiser = torch.optim.Adam([space.parameter], lr=settings.learning_rate)
    with _weights_frozen(network.model):
        with torch.no_grad():
            start_values = value_of(space.render()).float().numpy()
        for step in range(1, settings.steps + 1):
            optimiser.zero_grad(set_to_none=True)
            images = space.render()
            seen = transformed(
                images,
                generator,
                jitter=regularizers.jitter,
                scale_and_turn=regularizers.transforms,
            )
            loss = -value_of(seen).sum()
            if regularizers.l2:
                loss = loss + regularizers.l2 / 2 * ((images - 0.5) ** 2).sum()
            loss.backward()  # type: ignore[no-untyped-call]
            if regularizers.clip_gradients and space.parameter.grad is not None:
                clip_small_gradients(space.parameter.grad, regularizers.clip_gradients)
            optimiser.step()
            space.after_step()
            if regularizers.blur_every and step % regularizers.blur_every == 0:
                space.blur(regularizers.blur_sigma)
            if regularizers.clip_pixels:
                clip_small_pixels(space.parameter, regularizers.clip_pixels)
            if on_progress is not None:
                shows = step % settings.preview_every == 0 or step == settings.steps
                on_progress(step, settings.steps, preview_pixels(space.render()) if shows else None)
        with torch.no_grad():
            final = space.render().detach()
            values = value_of(final).float().numpy()
        pixels = np.ascontiguousarray(final.permute(0, 2, 3, 1).numpy(), dtype=np.float32)
    return Generated(target, settings, pixels, values, starts, start_values, top)
