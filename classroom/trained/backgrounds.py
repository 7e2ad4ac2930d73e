"""Textured backgrounds for the shapes: plain, stripes, dots, checks and smooth noise.

The shapes network is trained on shapes over these, in random colours, scales and angles, so
that neither colour nor texture tells the class: its last block must respond to *shape*.
The textures are also what its middle layers learn to tell apart, which a lesson shows.

Scales are in pixels, not fractions of the image, so a larger image shows more of the same
texture rather than a magnified one (as a larger photograph would). Edges are anti-aliased
analytically: each pixel's value is the coverage ``clip(0.5 + d, 0, 1)`` of its signed
distance ``d`` (in pixels) to the pattern's edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from PIL import Image

from classroom.trained.shapes import RGB, validate_colour

__all__ = ["BACKGROUND_KINDS", "BackgroundSpec", "background_pattern", "render_background"]

#: Every kind of background; ``plain`` uses only the first colour.
BACKGROUND_KINDS: Final = ("plain", "stripes", "dots", "checks", "noise")

FloatImage = npt.NDArray[np.float32]


@dataclass(frozen=True)
class BackgroundSpec:
    """One background: a pattern blending two colours.

    Attributes:
        kind: one of :data:`BACKGROUND_KINDS`.
        colours: the two colours ``((r, g, b), (r, g, b))``; the pattern's value 0 is the
            first, 1 the second (``plain`` is all the first).
        scale: the pattern's period in pixels (stripes: one dark and one light stripe; checks:
            one square's side; dots: the distance between dots; noise: the size of a blob).
        angle: rotation of the pattern in degrees.
        fill: stripes: the share of each period in the second colour; dots: the dots' radius
            as a share of ``scale``. Other kinds ignore it.
        phase: shift of the pattern, as a share of one period (0..1), so that patterns are not
            all anchored at the image's corner.
        seed: the random field of ``noise`` (other kinds ignore it).
    """

    kind: str
    colours: tuple[RGB, RGB]
    scale: float = 8.0
    angle: float = 0.0
    fill: float = 0.5
    phase: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in BACKGROUND_KINDS:
            raise ValueError(
                f"unknown background {self.kind!r}; the backgrounds are "
                f"{', '.join(BACKGROUND_KINDS)}"
            )
        if len(self.colours) != 2:
            raise ValueError(f"a background needs two colours, not {self.colours!r}")
        colours = tuple(validate_colour(c, "a background colour") for c in self.colours)
        object.__setattr__(self, "colours", colours)
        if not (math.isfinite(self.scale) and self.scale >= 1):
            raise ValueError(f"a background's scale must be at least 1 pixel, not {self.scale!r}")
        if not (0 < self.fill < 1):
            raise ValueError(f"a background's fill must be between 0 and 1, not {self.fill!r}")
        if not (math.isfinite(self.angle) and math.isfinite(self.phase)):
            raise ValueError("a background's angle and phase must be finite numbers")


def _rotated_coordinates(
    spec: BackgroundSpec, width: int, height: int
) -> tuple[FloatImage, FloatImage]:
    """Pixel centres in the pattern's frame, in periods: ``(u, v)`` of shape ``(H, W)``."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    turn = math.radians(spec.angle)
    cos, sin = math.cos(turn), math.sin(turn)
    u = (x * cos - y * sin) / spec.scale + spec.phase
    v = (x * sin + y * cos) / spec.scale + spec.phase
    return u, v


def _band_distance(
    position: npt.NDArray[np.floating[Any]], share: float, scale: float
) -> FloatImage:
    """Signed distance in pixels to the edge of the band ``frac(position) < share``."""
    t = position - np.floor(position)
    inside = np.minimum(t, share - t)
    outside = -np.minimum(t - share, 1 - t)
    distance: FloatImage = (np.where(t < share, inside, outside) * scale).astype(np.float32)
    return distance


def _smooth_noise(spec: BackgroundSpec, width: int, height: int) -> FloatImage:
    """A smooth random field in 0..1 with blobs about ``scale`` pixels across."""
    rng = np.random.default_rng(spec.seed)
    cells_x = math.ceil(width / spec.scale) + 3
    cells_y = math.ceil(height / spec.scale) + 3
    grid = rng.standard_normal((cells_y, cells_x)).astype(np.float32)
    big = Image.fromarray(grid, mode="F").resize(
        (round(cells_x * spec.scale), round(cells_y * spec.scale)), Image.Resampling.BICUBIC
    )
    offset = round(spec.scale * (1 + spec.phase % 1))
    field = np.asarray(big, dtype=np.float32)[offset : offset + height, offset : offset + width]
    # Bicubic interpolation of unit-variance noise has a standard deviation of about 0.6.
    noise: FloatImage = np.clip(0.5 + field / 1.6, 0.0, 1.0).astype(np.float32)
    return noise


def background_pattern(spec: BackgroundSpec, width: int, height: int) -> FloatImage:
    """The pattern of ``spec``: ``(H, W)`` values in 0..1 (0: first colour, 1: second)."""
    if width < 1 or height < 1:
        raise ValueError(f"an image must be at least 1 x 1 pixels, not {width} x {height}")
    if spec.kind == "plain":
        return np.zeros((height, width), dtype=np.float32)
    if spec.kind == "noise":
        return _smooth_noise(spec, width, height)
    u, v = _rotated_coordinates(spec, width, height)
    distance: FloatImage
    if spec.kind == "stripes":
        distance = _band_distance(u, spec.fill, spec.scale)
    elif spec.kind == "checks":
        # One square's side is the scale: a period of two squares along each axis.
        du = _band_distance(u / 2, 0.5, 2 * spec.scale)
        dv = _band_distance(v / 2, 0.5, 2 * spec.scale)
        # Second colour where exactly one band is "inside"; the nearer edge decides the rest.
        sign = np.where((du > 0) != (dv > 0), 1.0, -1.0)
        distance = (sign * np.minimum(np.abs(du), np.abs(dv))).astype(np.float32)
    else:  # dots on a square lattice
        across = (u - np.round(u)) * spec.scale
        along = (v - np.round(v)) * spec.scale
        distance = (spec.fill * spec.scale - np.hypot(across, along)).astype(np.float32)
    pattern: FloatImage = np.clip(0.5 + distance, 0.0, 1.0).astype(np.float32)
    return pattern


def render_background(spec: BackgroundSpec, width: int, height: int) -> FloatImage:
    """The background as ``(H, W, 3)`` float32 RGB values in 0..255 (not yet rounded)."""
    pattern = background_pattern(spec, width, height)[..., None]
    first = np.asarray(spec.colours[0], dtype=np.float32)
    second = np.asarray(spec.colours[1], dtype=np.float32)
    return (first + pattern * (second - first)).astype(np.float32)
