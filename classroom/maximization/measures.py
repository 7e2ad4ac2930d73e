"""Measures of generated images that do not ask the network: frequency content and outline shape.

They check the lecture's claims from outside: "unrealistic high frequencies" without blur
(:func:`high_frequency_share`), and whether an image's outlines are round or run along two
perpendicular directions, as a square's do (:func:`squareness`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["SHAPE_WINDOW", "high_frequency_share", "outline", "squareness"]

Image = npt.NDArray[np.floating]
#: Half the side of the window :func:`squareness` looks through, in pixels: 25 pixels across,
#: about the smallest shape the shapes network learned from (28 pixels), so one window sees a
#: corner and its two sides, or an arc, of one shape.
SHAPE_WINDOW = 12


def high_frequency_share(image: Image, cutoff: float = 0.25) -> float:
    """The share of an ``(H, W, 3)`` image's spectral energy (mean removed) above ``cutoff``
    cycles per pixel (0.5 is the highest there is)."""
    grey = np.asarray(image, dtype=np.float64).mean(axis=-1)
    spectrum = np.abs(np.fft.rfft2(grey - grey.mean())) ** 2
    fy = np.fft.fftfreq(grey.shape[0]).reshape(-1, 1)
    fx = np.fft.rfftfreq(grey.shape[1]).reshape(1, -1)
    high = np.hypot(fy, fx) > cutoff
    total = float(spectrum.sum())
    return float(spectrum[high].sum()) / total if total > 0 else 0.0


def _sobel(plane: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    padded = np.pad(plane, 1, mode="edge")
    dx = (padded[1:-1, 2:] - padded[1:-1, :-2]) * 2 + (padded[:-2, 2:] - padded[:-2, :-2])
    dx += padded[2:, 2:] - padded[2:, :-2]
    dy = (padded[2:, 1:-1] - padded[:-2, 1:-1]) * 2 + (padded[2:, :-2] - padded[:-2, :-2])
    dy += padded[2:, 2:] - padded[:-2, 2:]
    return dx, dy


def _box(values: npt.NDArray[np.float64], radius: int) -> npt.NDArray[np.float64]:
    """The mean over a ``(2 radius + 1)`` square around every pixel (edges repeated)."""
    size = 2 * radius + 1
    padded = np.pad(values, radius, mode="edge")
    sums = padded.cumsum(0).cumsum(1)
    sums = np.pad(sums, ((1, 0), (1, 0)))
    total = sums[size:, size:] - sums[:-size, size:] - sums[size:, :-size] + sums[:-size, :-size]
    result: npt.NDArray[np.float64] = total / size**2
    return result


def _gaussian(plane: npt.NDArray[np.float64], sigma: float) -> npt.NDArray[np.float64]:
    """A separable Gaussian blur of one plane (edges repeated)."""
    radius = max(1, math.ceil(3 * sigma))
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-(offsets**2) / (2 * sigma**2))
    kernel /= kernel.sum()
    padded = np.pad(plane, radius, mode="edge")
    rows = sum(kernel[k] * padded[:, k : k + plane.shape[1]] for k in range(len(kernel)))
    result: npt.NDArray[np.float64] = sum(
        kernel[k] * rows[k : k + plane.shape[0]] for k in range(len(kernel))
    )
    return result


def outline(image: Image, sigma: float = 1.0) -> npt.NDArray[np.float64]:
    """Where an ``(H, W, 3)`` image has contrast: the summed colour channels' gradient
    magnitude, blurred by ``sigma``. A drawn edge and the dotted, colour-fringed lines gradient
    ascent draws both become a smooth band along the outline, whose own gradient points across
    it whatever the pixels along it do."""
    pixels = np.asarray(image, dtype=np.float64)
    magnitude = np.zeros(pixels.shape[:2])
    for channel in range(pixels.shape[-1]):
        dx, dy = _sobel(pixels[..., channel])
        magnitude += np.hypot(dx, dy)
    return _gaussian(magnitude, sigma)


def squareness(image: Image, radius: int = SHAPE_WINDOW, strongest: float = 0.2) -> float:
    """How well an image's outlines run along two perpendicular directions, in 0..1.

    The outline's orientation ``theta`` (of :func:`outline`'s gradient) is taken four times
    (``exp(4 i theta)``): a square's sides and corners, at any angle, then all point the same
    way (0 and 90 degrees coincide, as do the two sides of a band), while an arc's orientations
    turn and cancel. The magnitude of their energy-weighted mean over a ``(2 radius + 1)``
    window (a fourfold coherence, as the structure tensor's coherence is a twofold one),
    averaged over the ``strongest`` share of outline pixels: near 1 for a drawn square, low
    for a drawn circle (the smaller the circle, the lower), low for noise. Roundness is its
    opposite. It knows nothing of the network.
    """
    band = outline(image)
    dx, dy = _sobel(band)
    energy = dx**2 + dy**2
    fourfold = energy * np.exp(4j * np.arctan2(dy, dx))
    mean = np.hypot(_box(fourfold.real, radius), _box(fourfold.imag, radius))
    coherence = mean / (_box(energy, radius) + 1e-12)
    # The strongest share, but never flat pixels (a clean drawing has few outline pixels).
    edges = energy >= max(float(np.quantile(energy, 1 - strongest)), 0.1 * float(energy.max()))
    return float(coherence[edges].mean())
