"""The image being optimised: its pixels directly, or a decorrelated Fourier parameterisation.

Plain pixels are what the lecture optimises (``I`` itself, clipped to the valid range after
every step). The Fourier parameterisation (Olah et al., "Feature Visualization", Distill 2017,
"Preconditioning and Parameterization"; Mordvintsev et al., "Differentiable Image
Parameterizations", 2018) optimises a spectrum scaled by ``1 / frequency`` and a colour basis
in which the three channels are uncorrelated, then maps the result into 0..1 with a sigmoid:
a gradient step then moves low frequencies and natural colour directions as far as high ones,
instead of mostly adding the high-frequency patterns a network's gradient is full of.

Both take a batch of starting images (facets), so one ascent optimises all facets together.
"""

from __future__ import annotations

import math
from typing import Final

import torch
from torch import Tensor

__all__ = ["FourierImage", "ImageSpace", "PixelImage"]

#: The square root of the colour covariance of natural images (ImageNet, as Lucid measured
#: it): multiplying decorrelated values by it gives RGB with natural colour correlations.
_COLOUR_CORRELATION: Final = ((0.26, 0.09, 0.02), (0.27, 0.00, -0.05), (0.27, -0.09, 0.03))
#: Keeps a start image away from 0 and 1, where the sigmoid's inverse is infinite.
_EDGE: Final = 0.01


class ImageSpace:
    """A batch of images ``(N, 3, H, W)`` in 0..1, rendered from trainable parameters."""

    parameter: Tensor

    def render(self) -> Tensor:
        raise NotImplementedError

    def blur(self, sigma: float) -> None:
        """Blur every image in place with a Gaussian of ``sigma`` pixels (no gradient)."""
        raise NotImplementedError

    def after_step(self) -> None:
        """Project the parameters back to what they may be (pixels into 0..1)."""


def _gaussian_kernel(sigma: float) -> Tensor:
    radius = max(1, math.ceil(3 * sigma))
    offsets = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-(offsets**2) / (2 * sigma**2))
    return kernel / kernel.sum()


def gaussian_blur(images: Tensor, sigma: float) -> Tensor:
    """``(N, C, H, W)`` blurred separably; the edges are reflected, so no dark border appears."""
    kernel = _gaussian_kernel(sigma).to(images)
    radius = (len(kernel) - 1) // 2
    channels = images.shape[1]
    rows = kernel.view(1, 1, 1, -1).repeat(channels, 1, 1, 1)
    columns = kernel.view(1, 1, -1, 1).repeat(channels, 1, 1, 1)
    padded = torch.nn.functional.pad(images, (radius, radius, radius, radius), mode="reflect")
    blurred = torch.nn.functional.conv2d(padded, rows, groups=channels)
    return torch.nn.functional.conv2d(blurred, columns, groups=channels)


class PixelImage(ImageSpace):
    """The pixels themselves, kept in 0..1 (the lecture's ``I``)."""

    def __init__(self, start: Tensor) -> None:
        self.parameter = start.detach().clone().clamp_(0, 1).requires_grad_(True)

    def render(self) -> Tensor:
        return self.parameter

    def blur(self, sigma: float) -> None:
        with torch.no_grad():
            self.parameter.copy_(gaussian_blur(self.parameter, sigma))

    def after_step(self) -> None:
        with torch.no_grad():
            self.parameter.clamp_(0, 1)


class FourierImage(ImageSpace):
    """A ``1 / frequency``-scaled spectrum in a decorrelated colour basis, through a sigmoid."""

    def __init__(self, start: Tensor) -> None:
        _, _, height, width = start.shape
        self._size = (height, width)
        frequencies = torch.sqrt(
            torch.fft.fftfreq(height).view(-1, 1) ** 2 + torch.fft.rfftfreq(width).view(1, -1) ** 2
        )
        self._frequencies = frequencies
        self._scale = 1.0 / torch.clamp(frequencies, min=1.0 / max(height, width))
        correlation = torch.tensor(_COLOUR_CORRELATION)
        self._colours = correlation / correlation.norm(dim=0).max()
        # Invert the rendering, so that optimisation starts exactly at ``start``.
        pixels = start.detach().clamp(_EDGE, 1 - _EDGE)
        logits = torch.log(pixels / (1 - pixels))
        decorrelated = torch.einsum("ij,njhw->nihw", torch.linalg.inv(self._colours), logits)
        spectrum = torch.fft.rfft2(decorrelated, norm="ortho") / self._scale
        self.parameter = torch.view_as_real(spectrum).contiguous().requires_grad_(True)

    def render(self) -> Tensor:
        spectrum = torch.view_as_complex(self.parameter) * self._scale
        decorrelated = torch.fft.irfft2(spectrum, s=self._size, norm="ortho")
        return torch.sigmoid(torch.einsum("ij,njhw->nihw", self._colours, decorrelated))

    def blur(self, sigma: float) -> None:
        # A Gaussian blur multiplies the spectrum by exp(-2 pi^2 sigma^2 f^2) (f in cycles
        # per pixel): the same blur, applied where the parameters are.
        transfer = torch.exp(-2 * math.pi**2 * sigma**2 * self._frequencies**2)
        with torch.no_grad():
            self.parameter.mul_(transfer.unsqueeze(-1))
