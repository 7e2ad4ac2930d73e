"""Shapes on backgrounds: composed scenes for lessons, and the seeded samples the network learns.

:func:`compose_scene` draws given shapes, in order (later ones on top), over a given
background at any size, and returns a mask per shape of the pixels where it is visible: a
lesson asks for "two circles of different colours, a square and a star on stripes", and tests
and techniques ask "where is the object".

:func:`shapes_sample` is the training and evaluation distribution: one shape of class
``index % 5`` (so classes are exactly balanced) at a random size, position, angle and colour
over a random background. Sample ``index`` of ``seed`` depends on nothing else, so batches can
be generated on the fly, in any order, and are the same on every machine (numpy's PCG64).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from classroom.trained.backgrounds import BACKGROUND_KINDS, BackgroundSpec, render_background
from classroom.trained.shapes import RGB, SHAPE_CLASSES, ShapeSpec, shape_coverage

__all__ = [
    "MIN_SAMPLE_SIDE",
    "SAMPLE_SHAPE_SIZES",
    "Scene",
    "ShapesBatch",
    "ShapesSample",
    "compose_scene",
    "random_background",
    "random_shape",
    "read_scenes",
    "shapes_batch",
    "shapes_sample",
]

#: Diameters (pixels) of random shapes: 29 % to 75 % of a 96-pixel image. In pixels, not a
#: share of the image, so a larger image shows a shape at the scale the network learned.
SAMPLE_SHAPE_SIZES: Final = (28.0, 72.0)
#: The smallest side of a random sample: a shape of the smallest size must fit with a margin.
MIN_SAMPLE_SIDE: Final = 40
#: Texture periods (pixels) of random backgrounds, per kind.
_SCALES: Final = {
    "stripes": (4.0, 16.0),
    "checks": (3.0, 10.0),
    "dots": (5.0, 16.0),
    "noise": (2.0, 12.0),
}
#: Least RGB distance between a shape's colour and every colour its background blends, so
#: that the shape is always visible; and between a background's two colours, so that its
#: texture is.
_SHAPE_CONTRAST: Final = 90.0
_TEXTURE_CONTRAST: Final = 48.0

UInt8Image = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Scene:
    """Shapes composed on a background.

    Attributes:
        image: ``(H, W, 3)`` RGB, uint8.
        masks: ``(N, H, W)`` bool, one per shape, in the order given: the pixels at least half
            covered by that shape *and visible* (not hidden by a later shape).
        shapes: the shapes drawn, in drawing order.
        background: the background they were drawn on.
    """

    image: UInt8Image
    masks: BoolArray
    shapes: tuple[ShapeSpec, ...]
    background: BackgroundSpec


@dataclass(frozen=True)
class ShapesSample:
    """One training or evaluation image: a single shape and its class."""

    image: UInt8Image
    label: int
    mask: BoolArray
    shape: ShapeSpec
    background: BackgroundSpec


@dataclass(frozen=True)
class ShapesBatch:
    """Consecutive samples stacked: ``images (N, H, W, 3)`` uint8, ``labels (N,)`` int64,
    ``masks (N, H, W)`` bool."""

    images: UInt8Image
    labels: npt.NDArray[np.int64]
    masks: BoolArray


def _check_size(width: int, height: int, least: int) -> None:
    if not (isinstance(width, int) and isinstance(height, int)) or min(width, height) < least:
        raise ValueError(
            f"an image must be at least {least} x {least} pixels, not {width!r} x {height!r}"
        )


def compose_scene(
    shapes: Sequence[ShapeSpec], background: BackgroundSpec, width: int, height: int
) -> Scene:
    """Draw ``shapes`` in order (later ones on top) over ``background``, ``width`` x ``height``.

    Raises:
        ValueError: for an image smaller than 8 x 8, or a shape with no visible pixel (outside
            the image, or entirely hidden by later shapes), which a lesson would not notice.
    """
    _check_size(width, height, 8)
    canvas = render_background(background, width, height)
    visible = np.zeros((len(shapes), height, width), dtype=np.float32)
    for index, shape in enumerate(shapes):
        coverage = shape_coverage(shape, width, height)
        canvas += coverage[..., None] * (np.asarray(shape.colour, np.float32) - canvas)
        visible[:index] *= 1.0 - coverage
        visible[index] = coverage
    masks = visible >= 0.5
    for index, shape in enumerate(shapes):
        if not masks[index].any():
            raise ValueError(
                f"shape {index + 1} ({shape.kind} at {shape.centre}, size {shape.size}) has no "
                f"visible pixel in a {width} x {height} image"
            )
    image = np.clip(np.rint(canvas), 0, 255).astype(np.uint8)
    return Scene(image=image, masks=masks, shapes=tuple(shapes), background=background)


def _rgb(value: Any) -> RGB:
    red, green, blue = (int(channel) for channel in value)
    return (red, green, blue)


def read_scenes(path: Path) -> dict[str, Scene]:
    """The scenes a JSON file describes (``{"scenes": {name: {"size": [w, h], "background":
    {...}, "shapes": [{...}, ...]}}}``, fields as :class:`BackgroundSpec` and
    :class:`ShapeSpec`): a lesson's pictures, kept as the data that draws them.

    Raises:
        ValueError: naming the file and the scene, for a field that is missing or wrong.
    """
    scenes: dict[str, Scene] = {}
    for name, scene in json.loads(path.read_text("utf-8"))["scenes"].items():
        try:
            background = dict(scene["background"])
            background["colours"] = tuple(_rgb(c) for c in background["colours"])
            shapes = [
                ShapeSpec(
                    **{**shape, "colour": _rgb(shape["colour"]), "centre": tuple(shape["centre"])}
                )
                for shape in scene["shapes"]
            ]
            width, height = scene["size"]
            scenes[name] = compose_scene(shapes, BackgroundSpec(**background), width, height)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: scene {name!r}: {error}") from error
    return scenes


def _colour(rng: np.random.Generator) -> RGB:
    red, green, blue = (int(v) for v in rng.integers(0, 256, size=3))
    return (red, green, blue)


def _distance_to_segment(point: RGB, start: RGB, end: RGB) -> float:
    """RGB distance from ``point`` to the colours blended between ``start`` and ``end``."""
    p, a, b = (np.asarray(c, dtype=np.float64) for c in (point, start, end))
    span = b - a
    length = float(span @ span)
    t = 0.0 if length == 0 else float(np.clip((p - a) @ span / length, 0.0, 1.0))
    return float(np.linalg.norm(p - (a + t * span)))


def random_background(rng: np.random.Generator, textured: float = 1.0) -> BackgroundSpec:
    """A background of a random kind, colours, scale, angle and phase.

    With probability ``1 - textured`` it is plain, otherwise any kind (plain included):
    training starts on mostly plain backgrounds, where shapes are easy to find, and fades the
    textures in (a curriculum, Bengio et al. 2009), which learns far faster than textures from
    the first step.
    """
    if not 0 <= textured <= 1:
        raise ValueError(f"the share of textured backgrounds must be in 0..1, not {textured}")
    plain = rng.uniform() >= textured
    kind = "plain" if plain else str(rng.choice(BACKGROUND_KINDS))
    first = _colour(rng)
    second = _colour(rng)
    while math.dist(first, second) < _TEXTURE_CONTRAST:
        second = _colour(rng)
    low, high = _SCALES.get(kind, (8.0, 8.0))
    fill = float(rng.uniform(0.3, 0.7) if kind == "stripes" else rng.uniform(0.15, 0.4))
    return BackgroundSpec(
        kind=kind,
        colours=(first, second if kind != "plain" else first),
        scale=float(rng.uniform(low, high)),
        angle=float(rng.uniform(0.0, 180.0)),
        fill=fill,
        phase=float(rng.uniform(0.0, 1.0)),
        seed=int(rng.integers(0, 2**31)),
    )


def random_shape(
    rng: np.random.Generator, kind: str, background: BackgroundSpec, width: int, height: int
) -> ShapeSpec:
    """A ``kind`` shape of random size, position, angle and colour, wholly inside the image,
    in a colour far from every colour of ``background``."""
    _check_size(width, height, MIN_SAMPLE_SIDE)
    low, high = SAMPLE_SHAPE_SIZES
    size = float(rng.uniform(low, min(high, 0.8 * min(width, height))))
    radius = size / 2
    centre = (
        float(rng.uniform(radius, width - radius)),
        float(rng.uniform(radius, height - radius)),
    )
    colour = _colour(rng)
    while _distance_to_segment(colour, *background.colours) < _SHAPE_CONTRAST:
        colour = _colour(rng)
    return ShapeSpec(
        kind=kind, colour=colour, centre=centre, size=size, angle=float(rng.uniform(0.0, 360.0))
    )


def shapes_sample(
    seed: int, index: int, width: int = 96, height: int = 96, textured: float = 1.0
) -> ShapesSample:
    """Sample ``index`` of the shapes distribution of ``seed`` (the same on every machine);
    ``textured`` < 1 makes a share of the backgrounds plain (see :func:`random_background`)."""
    if index < 0 or seed < 0:
        raise ValueError(f"seed and index must not be negative, not {seed} and {index}")
    _check_size(width, height, MIN_SAMPLE_SIDE)
    rng = np.random.default_rng([seed, index])
    label = index % len(SHAPE_CLASSES)
    background = random_background(rng, textured)
    shape = random_shape(rng, SHAPE_CLASSES[label], background, width, height)
    scene = compose_scene([shape], background, width, height)
    return ShapesSample(
        image=scene.image, label=label, mask=scene.masks[0], shape=shape, background=background
    )


def shapes_batch(
    seed: int, start: int, count: int, width: int = 96, height: int = 96, *, textured: float = 1.0
) -> ShapesBatch:
    """Samples ``start`` .. ``start + count - 1`` of ``seed``, stacked."""
    if count < 1:
        raise ValueError(f"a batch needs at least one sample, not {count}")
    samples = [shapes_sample(seed, start + i, width, height, textured) for i in range(count)]
    return ShapesBatch(
        images=np.stack([s.image for s in samples]),
        labels=np.array([s.label for s in samples], dtype=np.int64),
        masks=np.stack([s.mask for s in samples]),
    )
