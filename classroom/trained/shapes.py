"""The shape classes of the shapes network, and how one shape is drawn (anti-aliased coverage).

Every shape is defined by the circle it is inscribed in (``size`` is that circle's diameter),
so that "a big square" and "a big star" are equally big to the eye and to the network, and a
shape of a given size always fits in the same box whatever its angle. A shape is drawn at
:data:`SUPERSAMPLING` times the resolution with Pillow and box-filtered down: the result is a
coverage map (how much of each pixel the shape covers, 0..1), so edges are anti-aliased like a
photograph's rather than staircased, and the pixel mask is simply coverage >= 1/2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

__all__ = [
    "RGB",
    "SHAPE_CLASSES",
    "SUPERSAMPLING",
    "ShapeSpec",
    "shape_coverage",
    "shape_outline",
    "validate_colour",
]

#: The classes, in label order (label ``i`` is ``SHAPE_CLASSES[i]``).
SHAPE_CLASSES: Final = ("circle", "square", "triangle", "star", "cross")
#: Drawing resolution factor: 4 x 4 subpixels per pixel give 17 coverage levels on an edge.
SUPERSAMPLING: Final = 4
#: Vertices of the polygon a circle is drawn as (smooth at any size this package draws).
_CIRCLE_VERTICES: Final = 96
#: Inner to outer radius of the star: fatter arms than a regular pentagram (0.38), so a small
#: star is still a star after anti-aliasing rather than a blob.
_STAR_INNER: Final = 0.45
#: Half the width of the cross's bars, as a fraction of the circumscribed radius.
_CROSS_HALF_WIDTH: Final = 0.3

RGB = tuple[int, int, int]


def validate_colour(colour: object, what: str) -> RGB:
    """``colour`` as an ``(r, g, b)`` tuple of ints in 0..255, else a ``ValueError``."""
    values: list[object] = list(colour) if isinstance(colour, tuple | list | np.ndarray) else []
    if len(values) != 3 or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and 0 <= v <= 255
        for v in values
    ):
        raise ValueError(f"{what} must be three integers in 0..255 (r, g, b), not {colour!r}")
    red, green, blue = (int(v) for v in values)  # type: ignore[call-overload]
    return (red, green, blue)


@dataclass(frozen=True)
class ShapeSpec:
    """One shape to draw.

    Attributes:
        kind: one of :data:`SHAPE_CLASSES`.
        colour: fill colour ``(r, g, b)``, 0..255.
        centre: ``(x, y)`` in pixels, continuous coordinates (pixel ``(0, 0)`` spans
            ``[0, 1) x [0, 1)``, so the centre of a 96-pixel image is ``(48, 48)``).
        size: diameter of the circumscribed circle, in pixels (at least 4).
        angle: rotation in degrees, counter-clockwise as seen on screen.
    """

    kind: str
    colour: RGB
    centre: tuple[float, float]
    size: float
    angle: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in SHAPE_CLASSES:
            raise ValueError(
                f"unknown shape {self.kind!r}; the shapes are {', '.join(SHAPE_CLASSES)}"
            )
        object.__setattr__(self, "colour", validate_colour(self.colour, "a shape's colour"))
        if not (math.isfinite(self.size) and self.size >= 4):
            raise ValueError(f"a shape's size must be at least 4 pixels, not {self.size!r}")
        if len(self.centre) != 2 or not all(math.isfinite(c) for c in self.centre):
            raise ValueError(f"a shape's centre must be two finite numbers, not {self.centre!r}")
        if not math.isfinite(self.angle):
            raise ValueError(f"a shape's angle must be a finite number, not {self.angle!r}")

    @property
    def label(self) -> int:
        """The class index of :attr:`kind`."""
        return SHAPE_CLASSES.index(self.kind)


def _unit_outline(kind: str) -> list[tuple[float, float]]:
    """Vertices of ``kind`` inscribed in the unit circle, pointing up (y grows downwards)."""
    if kind == "circle":
        steps = range(_CIRCLE_VERTICES)
        return [
            (
                math.cos(2 * math.pi * i / _CIRCLE_VERTICES),
                math.sin(2 * math.pi * i / _CIRCLE_VERTICES),
            )
            for i in steps
        ]
    if kind == "square":
        return [(math.cos(a), math.sin(a)) for a in (math.pi / 4 * k for k in (1, 3, 5, 7))]
    if kind == "triangle":
        return [
            (math.cos(a), math.sin(a))
            for a in (-math.pi / 2 + 2 * math.pi * k / 3 for k in range(3))
        ]
    if kind == "star":
        points = []
        for k in range(10):
            radius = 1.0 if k % 2 == 0 else _STAR_INNER
            angle = -math.pi / 2 + math.pi * k / 5
            points.append((radius * math.cos(angle), radius * math.sin(angle)))
        return points
    # A plus sign whose arm ends touch the unit circle at their corners.
    w = _CROSS_HALF_WIDTH
    a = math.sqrt(1 - w * w)
    return [
        (w, -a), (w, -w), (a, -w), (a, w), (w, w), (w, a),
        (-w, a), (-w, w), (-a, w), (-a, -w), (-w, -w), (-w, -a),
    ]  # fmt: skip


def shape_outline(spec: ShapeSpec) -> list[tuple[float, float]]:
    """The polygon ``spec`` is drawn as, in image pixels (continuous coordinates)."""
    radius = spec.size / 2
    # Screen y points down, so a counter-clockwise turn on screen is a negative angle here.
    turn = -math.radians(spec.angle)
    cos, sin = math.cos(turn), math.sin(turn)
    cx, cy = spec.centre
    return [
        (cx + radius * (x * cos - y * sin), cy + radius * (x * sin + y * cos))
        for x, y in _unit_outline(spec.kind)
    ]


def shape_coverage(spec: ShapeSpec, width: int, height: int) -> npt.NDArray[np.float32]:
    """How much of each pixel of a ``width`` x ``height`` image ``spec`` covers (0..1).

    Only the shape's bounding box is drawn (at :data:`SUPERSAMPLING` x), so large images cost
    no more than small ones. Parts outside the image are cut off.
    """
    coverage = np.zeros((height, width), dtype=np.float32)
    outline = shape_outline(spec)
    xs = [x for x, _ in outline]
    ys = [y for _, y in outline]
    left, top = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
    right, bottom = min(width, math.ceil(max(xs)) + 1), min(height, math.ceil(max(ys)) + 1)
    if right <= left or bottom <= top:
        return coverage
    factor = SUPERSAMPLING
    canvas = Image.new("L", ((right - left) * factor, (bottom - top) * factor), 0)
    # Subpixel k spans [k, k + 1) at the drawing scale; Pillow fills the subpixels whose
    # centres are inside, so the polygon is shifted by half a subpixel to match.
    ImageDraw.Draw(canvas).polygon(
        [((x - left) * factor - 0.5, (y - top) * factor - 0.5) for x, y in outline], fill=255
    )
    patch = np.asarray(canvas.reduce(factor), dtype=np.float32) / 255.0
    coverage[top:bottom, left:right] = patch
    return coverage
