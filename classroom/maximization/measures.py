"""Measures of generated images that do not ask the network: frequency content and edge shape.

They check the lecture's claims from outside: "unrealistic high frequencies" without blur
(:func:`high_frequency_share`), and whether an image's edges are round or straight
(:func:`orientation_spread`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["high_frequency_share", "orientation_spread"]

Image = npt.NDArray[np.floating]


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


def _sobel(grey: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    padded = np.pad(grey, 1, mode="edge")
    dx = (padded[1:-1, 2:] - padded[1:-1, :-2]) * 2 + (padded[:-2, 2:] - padded[:-2, :-2])
    dx += padded[2:, 2:] - padded[2:, :-2]
    dy = (padded[2:, 1:-1] - padded[:-2, 1:-1]) * 2 + (padded[2:, :-2] - padded[:-2, :-2])
    dy += padded[2:, 2:] - padded[:-2, 2:]
    return dx, dy


def _box(values: npt.NDArray[np.float64], radius: int) -> npt.NDArray[np.float64]:
    size = 2 * radius + 1
    padded = np.pad(values, radius, mode="edge")
    sums = padded.cumsum(0).cumsum(1)
    sums = np.pad(sums, ((1, 0), (1, 0)))
    total = sums[size:, size:] - sums[:-size, size:] - sums[size:, :-size] + sums[:-size, :-size]
    result: npt.NDArray[np.float64] = total / size**2
    return result


def orientation_spread(image: Image, radius: int = 3, strongest: float = 0.2) -> float:
    """How much edge orientations vary within a small neighbourhood, on the strongest edges.

    One minus the structure tensor's coherence (doubled-angle gradient vectors averaged over a
    ``(2 radius + 1)`` box), averaged over the ``strongest`` share of edge pixels: near 0 on
    straight edges, larger on curves (and corners). A measure of roundness that knows nothing
    of the network.
    """
    grey = np.asarray(image, dtype=np.float64).mean(axis=-1)
    dx, dy = _sobel(grey)
    energy = dx**2 + dy**2
    cos2 = _box(dx**2 - dy**2, radius)
    sin2 = _box(2 * dx * dy, radius)
    coherence = np.hypot(cos2, sin2) / (_box(energy, radius) + 1e-12)
    # The strongest share, but never flat pixels (a clean drawing has few edge pixels).
    edges = energy >= max(float(np.quantile(energy, 1 - strongest)), 0.1 * float(energy.max()))
    return float(1 - coherence[edges].mean())
