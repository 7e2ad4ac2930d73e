"""The regularizers that act on the image or its gradient between steps (see ``settings``).

The L2 penalty is part of the loss (``ascent.py``); blur is the image space's own
(:meth:`~classroom.maximization.image_space.ImageSpace.blur`); what is left here is what looks
at the image or its gradient from outside: clipping small pixels and small gradients, and the
random shift, scale and turn of transformation robustness.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = ["clip_small_gradients", "clip_small_pixels", "transformed"]


def _smallest(values: Tensor, share: float) -> Tensor:
    """Per image, a mask of the ``share`` of ``values`` ``(N, ...)`` that are smallest."""
    flat = values.flatten(1)
    count = max(1, int(share * flat.shape[1]))
    threshold = flat.kthvalue(count, dim=1, keepdim=True).values
    return (flat <= threshold).view_as(values)


def clip_small_pixels(pixels: Tensor, share: float) -> None:
    """Set the ``share`` of pixels closest to grey to grey (Yosinski et al. 2015), in place.

    A pixel's distance is the norm of its three channels' deviation from 0.5: pixels that do
    little for the target are removed, so only what matters stays.
    """
    with torch.no_grad():
        deviation = (pixels - 0.5).norm(dim=1)
        small = _smallest(deviation, share).unsqueeze(1).expand_as(pixels)
        pixels[small] = 0.5


def clip_small_gradients(gradient: Tensor, share: float) -> None:
    """Zero the ``share`` of gradient entries with the smallest magnitude, in place."""
    with torch.no_grad():
        gradient[_smallest(gradient.abs(), share)] = 0.0


def transformed(
    images: Tensor, generator: torch.Generator, *, jitter: int, scale_and_turn: bool
) -> Tensor:
    """``images`` shifted by up to ``jitter`` pixels (wrapping round), and, with
    ``scale_and_turn``, scaled by 0.95 to 1.05 and turned by up to 5 degrees; drawn from
    ``generator``, the same for the whole batch. Differentiable."""
    if jitter:
        dy, dx = (int(v) for v in torch.randint(-jitter, jitter + 1, (2,), generator=generator))
        images = torch.roll(images, shifts=(dy, dx), dims=(2, 3))
    if scale_and_turn:
        scale = 0.95 + 0.1 * float(torch.rand((), generator=generator))
        angle = math.radians(10 * float(torch.rand((), generator=generator)) - 5)
        cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
        theta = torch.tensor([[cos, -sin, 0.0], [sin, cos, 0.0]], dtype=images.dtype)
        grid = torch.nn.functional.affine_grid(
            theta.expand(images.shape[0], 2, 3), list(images.shape), align_corners=False
        )
        images = torch.nn.functional.grid_sample(
            images, grid, mode="bilinear", padding_mode="reflection", align_corners=False
        )
    return images
