"""Decoded pictures as 8-bit RGB, and large ones made smaller within a bounded memory.

:mod:`classroom.image_headers` checks a file and :mod:`classroom.images` opens it; this module
turns what Pillow decoded into the RGB picture features are computed on. A picture far larger
than its analysis image (a 6300 x 6300 16-bit scan for an analysis image of 1024 x 1024) is
box-reduced band by band:
only one band at a time is converted (to floating point, for high bit depths), so the
memory a picture costs is its decoded size plus one band, never several full-size copies.
:func:`classroom.image_headers.decoded_bytes` says what the decoded picture itself takes, so
that a picture is refused before it is decoded.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image

__all__ = ["HIGH_DEPTH_MODES", "reduced_rgb", "to_rgb"]

#: Modes whose values are not 8-bit intensities; they are stretched to 0..255 by their range.
HIGH_DEPTH_MODES: Final = frozenset({"I", "F", "I;16", "I;16L", "I;16B", "I;16N"})
#: Pixels converted at once while reducing: a band of float64 values takes 16 MiB.
BAND_PIXELS: Final = 1 << 21
_WHITE: Final = (255, 255, 255)


def _stretched(values: npt.NDArray[np.float64], low: float, high: float) -> Image.Image:
    """High-depth values mapped from ``low..high`` to 0..255 grey (NaN black)."""
    # Float images (TIFF from instruments) may hold NaN for "no data": shown black.
    values = np.nan_to_num(values, nan=low, posinf=high, neginf=low)
    span = high - low if high > low else 1.0
    grey = np.rint((np.clip(values, low, high) - low) * (255.0 / span)).astype(np.uint8)
    return Image.fromarray(grey, mode="L").convert("RGB")


def _finite_range(values: npt.NDArray[np.float64]) -> tuple[float, float] | None:
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else None


def _converted(image: Image.Image, value_range: tuple[float, float] | None) -> Image.Image:
    """:func:`to_rgb`, with a high-depth picture's range given (a band uses the whole's)."""
    if image.mode == "RGB":
        return image
    if image.mode in HIGH_DEPTH_MODES:
        values = np.asarray(image, dtype=np.float64)
        low, high = value_range if value_range is not None else (0.0, 0.0)
        return _stretched(values, low, high)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in {"RGBa", "La", "PA"}:
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA"}:
        background = Image.new("RGB", image.size, _WHITE)
        background.paste(image.convert("RGBA"), mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB.

    Transparent pixels are composited over white (how viewers show them). High-bit-depth
    greyscale (16-bit, 32-bit integer, float) is stretched from its own minimum and maximum to
    0..255, as image viewers display it: microscopy data often fills only 12 of 16 bits and
    would otherwise look black.
    """
    value_range = None
    if image.mode in HIGH_DEPTH_MODES:
        value_range = _finite_range(np.asarray(image, dtype=np.float64))
    return _converted(image, value_range)


def _bands(image: Image.Image, rows: int) -> list[tuple[int, int]]:
    return [(top, min(top + rows, image.height)) for top in range(0, image.height, rows)]


def _band_range(image: Image.Image, rows: int) -> tuple[float, float] | None:
    """The finite minimum and maximum of a high-depth picture, read band by band."""
    lows: list[float] = []
    highs: list[float] = []
    for top, bottom in _bands(image, rows):
        band = np.asarray(image.crop((0, top, image.width, bottom)), dtype=np.float64)
        found = _finite_range(band)
        if found is not None:
            lows.append(found[0])
            highs.append(found[1])
    return (min(lows), max(highs)) if lows else None


def reduced_rgb(image: Image.Image, factor: int) -> Image.Image:
    """``image`` as RGB, box-reduced by ``factor`` (each output pixel averages a square).

    With ``factor`` 1 this is :func:`to_rgb`. Otherwise the picture is converted and reduced
    in bands of whole boxes, so besides the decoded picture only one band is ever converted:
    a 40-megapixel 16-bit scan costs its 80 MB and a few MB more, not the 1.3 GB that
    converting it whole to floating point takes. The result equals ``to_rgb(image)`` reduced
    by ``factor``: conversion is per pixel (with the whole picture's range for high bit depths).
    """
    if factor <= 1:
        return to_rgb(image)
    rows = factor * max(1, BAND_PIXELS // (image.width * factor))
    value_range = _band_range(image, rows) if image.mode in HIGH_DEPTH_MODES else None
    reduced = Image.new("RGB", (math.ceil(image.width / factor), math.ceil(image.height / factor)))
    for top, bottom in _bands(image, rows):
        band = _converted(image.crop((0, top, image.width, bottom)), value_range)
        reduced.paste(band.reduce(factor), (0, top // factor))
    return reduced
