"""Drawing one shape: geometry, anti-aliased coverage and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from classroom.trained.shapes import (
    SHAPE_CLASSES,
    SUPERSAMPLING,
    ShapeSpec,
    shape_coverage,
    shape_outline,
)


def _area(spec: ShapeSpec, side: int = 128) -> float:
    return float(shape_coverage(spec, side, side).sum())


def _polygon_area(points: list[tuple[float, float]]) -> float:
    return 0.5 * abs(
        sum(
            x0 * y1 - x1 * y0
            for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
        )
    )


def _perimeter(points: list[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in zip(points, points[1:] + points[:1], strict=True))


@pytest.mark.parametrize("kind", SHAPE_CLASSES)
def test_coverage_adds_up_to_the_shapes_area_at_any_angle(kind: str) -> None:
    for angle in (0.0, 17.0, 45.0, 100.0):
        spec = ShapeSpec(kind, (255, 0, 0), (64.3, 63.7), 60.0, angle)
        outline = shape_outline(spec)
        # Rasterising may move an edge by up to half a subpixel (1/8 of a pixel at 4 x).
        tolerance = _perimeter(outline) / (2 * SUPERSAMPLING)
        assert abs(_area(spec) - _polygon_area(outline)) <= tolerance


def test_a_circle_has_the_area_of_a_circle_and_fits_its_size() -> None:
    spec = ShapeSpec("circle", (0, 0, 0), (64, 64), 50)
    assert _area(spec) == pytest.approx(math.pi * 25**2, rel=0.01)
    covered = np.argwhere(shape_coverage(spec, 128, 128) > 0)
    assert covered.min(0).tolist() == [39, 39]
    assert covered.max(0).tolist() == [88, 88]


def test_edges_are_anti_aliased_and_the_inside_is_fully_covered() -> None:
    coverage = shape_coverage(ShapeSpec("triangle", (0, 0, 0), (48, 48), 60, 10), 96, 96)
    partial = (coverage > 0) & (coverage < 1)
    assert partial.sum() > 60  # a staircase edge would have no partial pixels
    assert coverage[48, 48] == 1.0
    assert coverage[0, 0] == 0.0


def test_rotation_turns_the_shape_counter_clockwise_on_screen() -> None:
    upright = shape_coverage(ShapeSpec("triangle", (0, 0, 0), (48, 48), 60, 0), 96, 96)
    turned = shape_coverage(ShapeSpec("triangle", (0, 0, 0), (48, 48), 60, 90), 96, 96)
    # Upright, the apex is at the top; turned a quarter counter-clockwise, it points left.
    assert upright[20, 48] == 1.0
    assert upright[48, 20] == 0.0
    assert turned[48, 20] == 1.0
    difference = np.abs(np.rot90(upright) - turned)  # rot90 turns counter-clockwise
    assert difference.mean() < 0.005
    assert difference.max() < 0.4  # edge pixels rasterise a little differently


def test_parts_outside_the_image_are_cut_off() -> None:
    half = shape_coverage(ShapeSpec("square", (0, 0, 0), (0, 48), 40, 45), 96, 96)
    whole = shape_coverage(ShapeSpec("square", (0, 0, 0), (48, 48), 40, 45), 96, 96)
    assert half.sum() == pytest.approx(whole.sum() / 2, rel=0.02)
    outside = ShapeSpec("square", (0, 0, 0), (-100, 48), 40)
    assert shape_coverage(outside, 96, 96).sum() == 0


def test_label_is_the_index_of_the_kind() -> None:
    for label, kind in enumerate(SHAPE_CLASSES):
        assert ShapeSpec(kind, (1, 2, 3), (5, 5), 8).label == label


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("hexagon", (0, 0, 0), (5, 5), 8), "unknown shape 'hexagon'; the shapes are circle"),
        (("circle", (0, 0, 256), (5, 5), 8), "three integers in 0..255"),
        (("circle", (0, 0), (5, 5), 8), "three integers in 0..255"),
        (("circle", "red", (5, 5), 8), "three integers in 0..255"),
        (("circle", (0.5, 0, 0), (5, 5), 8), "three integers in 0..255"),
        (("circle", (0, 0, 0), (5, 5), 3), "at least 4 pixels"),
        (("circle", (0, 0, 0), (5, math.nan), 8), "centre must be two finite numbers"),
        (("circle", (0, 0, 0), (5, 5), 8, math.inf), "angle must be a finite number"),
    ],
)
def test_bad_shapes_are_refused_clearly(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ShapeSpec(*arguments)  # type: ignore[arg-type]
