"""The numpy reference of everything the browser computes.

This module is the oracle for the browser tests and the implementation behind exported
figures, so it favours plain, readable numpy over speed. The WebGL renderer
(``frontend/src/renderer``) must agree with it; ``docs/similarity.md`` states the maths.

Similarity (IFeaLiD, Zurowietz & Nattkemper 2020, Equation 3): for feature vectors ``v_j`` of
one layer and the vector ``v_r`` of the reference pixel::

    s_j = 1 - angle(v_j, v_r) / (pi / 2)

which is 1 for the reference itself and 0 for orthogonal vectors (the lowest possible value
for post-ReLU features, which are non-negative). A zero vector has no direction: its
similarity to anything is defined as 0, and a zero reference gives an all-zero map.

The adaptive colour-scale stretch (Elmqvist et al. 2010) maps the current map's minimum to 0
and its maximum to 1; a flat map stretches to all zeros. A 256-entry colour table is then
indexed with ``floor(v * 256)`` clamped to 0..255.

Coordinates: image pixel ``(x, y)`` (analysis-image pixels, origin top-left) falls in cell
``(x // stride, y // stride)``, clamped to the layer's grid. The grid is what the stored map's
header says (never a formula here): ``ceil(n / stride)`` cells for ResNet, whose last row and
column of cells may cover fewer than ``stride`` pixels; ``floor(n / stride)`` for VGG, whose
last few pixels at the right and bottom belong to no cell and take the nearest one.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from classroom.metrics import METRICS, Metric

__all__ = [
    "COLORMAPS",
    "METRICS",
    "METRIC_LEGENDS",
    "Metric",
    "angular_similarity",
    "cell_to_image_rect",
    "channel_strengths",
    "channel_values",
    "colour_lut",
    "colourise",
    "compare",
    "compare_across",
    "cosine_similarity",
    "diverging_lut",
    "dot_product",
    "euclidean_distance",
    "image_to_cell",
    "lut_index",
    "map_colours",
    "receptive_field_spans",
    "stretch",
]

Colormap = Literal["viridis", "cividis", "magma", "gray"]
#: Per metric: its name for people and what its colour scale means (the view's legend says it).
METRIC_LEGENDS: Final[dict[Metric, tuple[str, str]]] = {
    "angular": (
        "angular similarity",
        "1 = same direction as the reference, 0 = at right angles (or a zero vector)",
    ),
    "cosine": (
        "cosine similarity",
        "1 = same direction as the reference, 0 = at right angles; less even than the angle",
    ),
    "euclidean": (
        "Euclidean distance",
        "small = similar: 0 at the reference; large = different direction or strength",
    ),
    "dot": (
        "dot product",
        "large = same direction and strong; 0 = at right angles or silent",
    ),
}
COLORMAPS: Final[tuple[Colormap, ...]] = ("viridis", "cividis", "magma", "gray")

FloatArray = npt.NDArray[np.float64]


def _unit_vectors(vectors: npt.ArrayLike) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Vectors scaled to length 1 along the last axis, and a mask of the zero vectors."""
    values = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(values, axis=-1, keepdims=True)
    zero = norms[..., 0] == 0
    return np.divide(values, norms, out=np.zeros_like(values), where=norms > 0), zero


def cosine_similarity(vectors: npt.ArrayLike, reference: npt.ArrayLike) -> FloatArray:
    """Cosine between each vector (last axis) and ``reference``; 0 where either is a zero vector."""
    units, _ = _unit_vectors(vectors)
    reference_unit, _ = _unit_vectors(np.asarray(reference, dtype=np.float64)[None, :])
    cosine: FloatArray = np.clip(units @ reference_unit[0], -1.0, 1.0)
    return cosine


def angular_similarity(vectors: npt.ArrayLike, reference: npt.ArrayLike) -> FloatArray:
    """IFeaLiD's angular similarity ``1 - angle / (pi/2)`` of each vector to ``reference``.

    Args:
        vectors: ``(..., D)`` feature vectors (e.g. ``(H, W, D)``: one per cell).
        reference: ``(D,)`` reference vector.

    Returns:
        ``(...)`` similarities: 1 for the same direction, 0 for orthogonal or zero vectors,
        down to -1 for opposite directions (signed data only).
    """
    cosine = cosine_similarity(vectors, reference)
    similarity: FloatArray = 1.0 - np.arccos(cosine) / (math.pi / 2)
    zero = (np.linalg.norm(np.asarray(vectors, dtype=np.float64), axis=-1) == 0) | (
        np.linalg.norm(np.asarray(reference, dtype=np.float64)) == 0
    )
    similarity[zero] = 0.0
    return similarity


def euclidean_distance(vectors: npt.ArrayLike, reference: npt.ArrayLike) -> FloatArray:
    """The distance ``|v_j - v_r|`` of each vector (last axis) from ``reference``.

    Unlike the angle, it sees length: a weak response in the reference's direction is far from
    a strong one. Small means similar (0 at the reference itself).
    """
    difference = np.asarray(vectors, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    distance: FloatArray = np.linalg.norm(difference, axis=-1)
    return distance


def dot_product(vectors: npt.ArrayLike, reference: npt.ArrayLike) -> FloatArray:
    """The dot product ``<v_j, v_r>``: direction and both lengths together (0 for zero vectors)."""
    product: FloatArray = np.asarray(vectors, dtype=np.float64) @ np.asarray(
        reference, dtype=np.float64
    )
    return product


def compare(
    metric: Metric, vectors: npt.ArrayLike, reference: npt.ArrayLike, scales: npt.ArrayLike
) -> FloatArray:
    """What the view shows for ``metric``: each cell's vector compared with the reference cell's.

    Args:
        metric: ``angular`` (IFeaLiD, Eq. 3), ``cosine``, ``euclidean`` or ``dot``.
        vectors: ``(H, W, D)`` stored codes ``q`` (what the browser holds).
        reference: ``(2,)`` the reference cell ``(x, y)``.
        scales: ``(H, W)`` the cells' scales ``s``: the features are ``q * s``. The angle and
            the cosine do not depend on them; the distance and the dot product do.
    """
    codes = np.asarray(vectors, dtype=np.float64)
    cell_scales = np.asarray(scales, dtype=np.float64)
    cell_x, cell_y = (int(v) for v in np.asarray(reference))
    return compare_across(
        metric, codes, cell_scales, codes[cell_y, cell_x], float(cell_scales[cell_y, cell_x])
    )


def compare_across(
    metric: Metric,
    vectors: npt.ArrayLike,
    scales: npt.ArrayLike,
    reference_codes: npt.ArrayLike,
    reference_scale: float,
) -> FloatArray:
    """Each cell of one map compared with a reference vector from *any* map of the same layer.

    The cross-image view's maths (:func:`compare` is the case of a map's own cell): the
    reference is another image's cell, given as its codes and scale (its features are
    ``reference_codes * reference_scale``).

    Args:
        metric: ``angular``, ``cosine``, ``euclidean`` or ``dot``.
        vectors: ``(H, W, D)`` stored codes of the map whose cells are compared.
        scales: ``(H, W)`` their scales.
        reference_codes: ``(D,)`` the reference cell's codes.
        reference_scale: the reference cell's scale.
    """
    codes = np.asarray(vectors, dtype=np.float64)
    reference = np.asarray(reference_codes, dtype=np.float64)
    if metric == "angular":
        return angular_similarity(codes, reference)
    if metric == "cosine":
        return cosine_similarity(codes, reference)
    values = codes * np.asarray(scales, dtype=np.float64)[..., None]
    if metric == "euclidean":
        return euclidean_distance(values, reference * reference_scale)
    if metric == "dot":
        return dot_product(values, reference * reference_scale)
    raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def stretch(values: npt.ArrayLike) -> tuple[FloatArray, float, float]:
    """Adaptive colour-scale stretch: min-max normalisation over the whole map.

    Returns:
        The stretched map in [0, 1] and the (minimum, maximum) it was stretched from. A flat
        map (maximum == minimum) stretches to zeros.
    """
    array = np.asarray(values, dtype=np.float64)
    low, high = float(array.min()), float(array.max())
    if high <= low:
        return np.zeros_like(array), low, high
    return (array - low) / (high - low), low, high


#: matplotlib's perceptually uniform colour maps as 256-entry tables, shipped as data (see
#: the file's provenance and ``tools/colour_tables.py``, which regenerates it).
COLOUR_TABLES: Final = Path(__file__).resolve().parent / "colour_tables.json"


@cache
def colour_lut(name: Colormap = "viridis") -> npt.NDArray[np.uint8]:
    """A ``(256, 3)`` uint8 colour table: a ramp for ``gray``, else matplotlib's colour map.

    The same table is sent to the browser, so both sides colour identically.
    """
    if name == "gray":
        ramp = np.arange(256, dtype=np.uint8)
        table = np.repeat(ramp[:, None], 3, axis=1)
    else:
        table = np.asarray(json.loads(COLOUR_TABLES.read_text("utf-8"))[name], dtype=np.uint8)
    table.flags.writeable = False
    return table


@cache
def diverging_lut() -> npt.NDArray[np.uint8]:
    """A ``(256, 3)`` blue-white-red table for maps centred on zero (occlusion's drop).

    Linear in RGB between Moreland's "cool to warm" end points and a light grey middle, so
    that "no change" is pale and both signs stand out.
    """
    ends = np.array([[59, 76, 192], [221, 221, 221], [180, 4, 38]], dtype=np.float64)
    position = np.linspace(0.0, 2.0, 256)
    lower = np.minimum(position.astype(np.intp), 1)
    fraction = (position - lower)[:, None]
    mixed = ends[lower] * (1 - fraction) + ends[lower + 1] * fraction
    table: npt.NDArray[np.uint8] = np.rint(mixed).astype(np.uint8)
    table.flags.writeable = False
    return table


def map_colours(
    values: npt.ArrayLike, value_range: tuple[float, float], table: npt.ArrayLike
) -> npt.NDArray[np.uint8]:
    """A technique's map coloured over its own range: ``table[floor(t * 256)]``.

    ``t = (v - low) / (high - low)`` clamped to [0, 1] (0 where the range is empty), the
    fixed range the technique states rather than the map's current min/max.
    """
    low, high = value_range
    array = np.asarray(values, dtype=np.float64)
    t = np.clip((array - low) / (high - low), 0.0, 1.0) if high > low else np.zeros_like(array)
    colours: npt.NDArray[np.uint8] = np.asarray(table, dtype=np.uint8)[lut_index(t)]
    return colours


def lut_index(stretched: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Colour-table index of stretched values: ``clamp(floor(v * 256), 0, 255)``."""
    scaled = np.floor(np.asarray(stretched, dtype=np.float64) * 256.0)
    return np.clip(scaled, 0, 255).astype(np.intp)


def colourise(stretched: npt.ArrayLike, name: Colormap = "viridis") -> npt.NDArray[np.uint8]:
    """Map stretched values in [0, 1] to RGB through the colour table."""
    colours: npt.NDArray[np.uint8] = colour_lut(name)[lut_index(stretched)]
    return colours


def channel_values(codes_vectors: npt.ArrayLike, scales: npt.ArrayLike, channel: int) -> FloatArray:
    """The reconstructed values ``q_k * s`` of one channel over the grid (single-channel view)."""
    vectors = np.asarray(codes_vectors, dtype=np.float64)
    return vectors[..., channel] * np.asarray(scales, dtype=np.float64)


def channel_strengths(
    codes_vectors: npt.ArrayLike, scales: npt.ArrayLike
) -> tuple[FloatArray, npt.NDArray[np.intp], int]:
    """The activations grid's order: each channel's mean value, strongest first, dead count.

    Returns:
        ``(D,)`` mean of each channel's values ``q * s`` over the grid; the channels sorted by
        it, strongest first (ties: lower index first); how many channels are zero everywhere.
    """
    values = np.asarray(codes_vectors, dtype=np.float64) * np.asarray(scales, np.float64)[..., None]
    flat = values.reshape(-1, values.shape[-1])
    strength: FloatArray = flat.mean(axis=0)
    order = np.lexsort((np.arange(strength.size), -strength)).astype(np.intp)
    dead = int((np.abs(flat).max(axis=0) == 0).sum())
    return strength, order, dead


def image_to_cell(
    x: int,
    y: int,
    stride: int,
    image_width: int,
    image_height: int,
    *,
    grid: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """The cell of a layer with ``stride`` that contains image pixel ``(x, y)``.

    Args:
        grid: the layer's ``(width, height)`` in cells, from the map's header: a pixel past
            the last cell (a floor-rounding network's edge) takes the last cell.

    Raises:
        ValueError: if the pixel lies outside the image.
    """
    if not (0 <= x < image_width and 0 <= y < image_height):
        raise ValueError(f"pixel ({x}, {y}) is outside the {image_width}x{image_height} image")
    cell_x, cell_y = x // stride, y // stride
    if grid is not None:
        cell_x, cell_y = min(cell_x, grid[0] - 1), min(cell_y, grid[1] - 1)
    return cell_x, cell_y


def receptive_field_spans(size: int, jump: int, centre: float, cells: int) -> FloatArray:
    """Where each cell along one axis looks: its theoretical receptive field's ``[start, end)``.

    Cell ``i``'s field is the ``size`` pixels centred on ``centre + i * jump`` (continuous image
    coordinates, pixel ``p`` spanning ``[p, p + 1)``; the registry's ``Layer`` data). Fields
    reach past the image where the network pads. The browser draws these spans as they are.

    Returns:
        ``(cells, 2)``: start and end of each cell's field.
    """
    starts = centre + np.arange(cells, dtype=np.float64) * jump - size / 2
    spans: FloatArray = np.stack([starts, starts + size], axis=1)
    return spans


def cell_to_image_rect(
    cell_x: int,
    cell_y: int,
    stride: int,
    image_width: int,
    image_height: int,
    *,
    grid: tuple[int, int],
) -> tuple[int, int, int, int]:
    """Image pixels ``(x0, y0, x1, y1)`` (end exclusive) that a cell covers, cut at the edge.

    Args:
        grid: the layer's ``(width, height)`` in cells, from the map's header.
    """
    if not (0 <= cell_x < grid[0] and 0 <= cell_y < grid[1]):
        raise ValueError(f"cell ({cell_x}, {cell_y}) is outside the {grid[0]}x{grid[1]} grid")
    x0, y0 = cell_x * stride, cell_y * stride
    return x0, y0, min(x0 + stride, image_width), min(y0 + stride, image_height)
