"""Visible properties of images, measured from their pixels, to compare feature dimensions with.

Seein' In found a feature whose value follows the slant of a "1". To show that in class the
property must be measured, not eyeballed: :func:`slant` is the shear of the ink's second
moments (the classic deskewing measure for handwritten digits), :func:`ink` the share of the
image that is ink. :func:`tracking_channel` finds the dimension of a layer whose value follows
a property most closely (Pearson's r) among chosen images.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["PROPERTIES", "ink", "slant", "tracking_channel"]

FloatArray = npt.NDArray[np.float64]


def _grey(images: npt.NDArray[np.uint8]) -> FloatArray:
    grey: FloatArray = np.asarray(images, dtype=np.float64).mean(axis=-1) / 255.0
    return grey


def slant(images: npt.NDArray[np.uint8]) -> FloatArray:
    """Each ``(N, H, W, 3)`` image's slant: how far the ink moves right per pixel upwards
    (``-mu11 / mu02`` of the ink's moments; 0 upright, > 0 leaning right like ``/``)."""
    grey = _grey(images)
    rows = np.arange(grey.shape[1], dtype=np.float64)[None, :, None]
    columns = np.arange(grey.shape[2], dtype=np.float64)[None, None, :]
    mass = grey.sum(axis=(1, 2)) + 1e-9
    mean_y = (grey * rows).sum(axis=(1, 2)) / mass
    mean_x = (grey * columns).sum(axis=(1, 2)) / mass
    dy = rows - mean_y[:, None, None]
    dx = columns - mean_x[:, None, None]
    mu11 = (grey * dx * dy).sum(axis=(1, 2)) / mass
    mu02 = (grey * dy * dy).sum(axis=(1, 2)) / mass + 1e-9
    leaning: FloatArray = -mu11 / mu02
    return leaning


def ink(images: npt.NDArray[np.uint8]) -> FloatArray:
    """Each image's mean brightness (0..1): for white-on-black digits, how much ink."""
    amount: FloatArray = _grey(images).mean(axis=(1, 2))
    return amount


PROPERTIES: Final[dict[str, Callable[[npt.NDArray[np.uint8]], FloatArray]]] = {
    "slant": slant,
    "ink": ink,
}


def tracking_channel(
    pooled: npt.ArrayLike, values: npt.ArrayLike, among: npt.ArrayLike | None = None
) -> tuple[int, float]:
    """The channel of ``(N, D)`` ``pooled`` whose value correlates most strongly (either sign)
    with ``values`` over the images ``among`` (default: all): its index and Pearson's r."""
    vectors = np.asarray(pooled, dtype=np.float64)
    measured = np.asarray(values, dtype=np.float64)
    chosen = np.arange(len(vectors)) if among is None else np.asarray(among, dtype=np.int64)
    if len(chosen) < 3:
        raise ValueError("at least 3 images are needed to correlate a property")
    x = vectors[chosen] - vectors[chosen].mean(axis=0)
    y = measured[chosen] - measured[chosen].mean()
    spread = np.sqrt((x * x).sum(axis=0) * (y * y).sum())
    r = np.divide(x.T @ y, spread, out=np.zeros(x.shape[1]), where=spread > 0)
    best = int(np.argmax(np.abs(r)))
    return best, float(r[best])
