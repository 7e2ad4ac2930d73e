"""The numpy reference: similarity values, stretch, colour table, coordinates on a grid.

Grids themselves come from the networks (tests/test_network_geometry.py checks the registry's
rules against torch) and are read from each map's header, never computed here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from classroom import similarity

# -- similarity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vector", "reference", "angular", "cosine"),
    [
        ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 1.0, 1.0),
        ([1.0, 0.0], [0.0, 5.0], 0.0, 0.0),
        ([1.0, 1.0], [1.0, 0.0], 0.5, math.sqrt(0.5)),
        ([1.0, -2.0], [-1.0, 2.0], -1.0, -1.0),
        ([0.0, 0.0], [1.0, 0.0], 0.0, 0.0),
        ([1.0, 0.0], [0.0, 0.0], 0.0, 0.0),
        ([0.0, 0.0], [0.0, 0.0], 0.0, 0.0),
    ],
    ids=[
        "parallel",
        "orthogonal",
        "45-degrees",
        "opposite",
        "zero-vector",
        "zero-reference",
        "both",
    ],
)
def test_known_values(
    vector: list[float], reference: list[float], angular: float, cosine: float
) -> None:
    assert similarity.angular_similarity(np.array([vector]), reference)[0] == pytest.approx(angular)
    assert similarity.cosine_similarity(np.array([vector]), reference)[0] == pytest.approx(cosine)


def test_distance_and_dot_product_see_length_where_the_angle_does_not() -> None:
    weak, strong = np.array([[1.0, 1.0]]), np.array([[3.0, 3.0]])
    reference = np.array([1.0, 1.0])
    assert similarity.euclidean_distance(weak, reference)[0] == 0
    assert similarity.euclidean_distance(strong, reference)[0] == pytest.approx(math.sqrt(8))
    assert similarity.dot_product(strong, reference)[0] == pytest.approx(6.0)
    assert similarity.dot_product(np.zeros((1, 2)), reference)[0] == 0
    # ... while both are at angle 0 from the reference.
    assert similarity.angular_similarity(np.vstack([weak, strong]), reference) == pytest.approx(1)


def test_compare_uses_the_features_codes_times_scales() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 255, (4, 5, 6)).astype(np.float64)
    scales = rng.random((4, 5)) + 0.1
    values = codes * scales[..., None]
    reference = np.array([2, 1])  # cell (x=2, y=1)
    vector = values[1, 2]
    np.testing.assert_allclose(
        similarity.compare("euclidean", codes, reference, scales),
        np.linalg.norm(values - vector, axis=-1),
    )
    np.testing.assert_allclose(similarity.compare("dot", codes, reference, scales), values @ vector)
    # Angle and cosine ignore each cell's scale (it only changes the length).
    np.testing.assert_allclose(
        similarity.compare("angular", codes, reference, scales),
        similarity.angular_similarity(values, vector),
    )
    np.testing.assert_allclose(
        similarity.compare("cosine", codes, reference, scales),
        similarity.cosine_similarity(values, vector),
    )
    assert set(similarity.METRIC_LEGENDS) == set(similarity.METRICS)
    with pytest.raises(ValueError, match="unknown metric 'manhattan'"):
        similarity.compare("manhattan", codes, reference, scales)  # type: ignore[arg-type]


def test_receptive_field_spans_are_centred_a_jump_apart() -> None:
    spans = similarity.receptive_field_spans(11, 4, 1.5, 3)
    np.testing.assert_allclose(spans, [[-4.0, 7.0], [0.0, 11.0], [4.0, 15.0]])


def test_a_zero_reference_gives_an_all_zero_map() -> None:
    vectors = np.random.default_rng(0).random((4, 5, 8))
    assert not similarity.angular_similarity(vectors, np.zeros(8)).any()


def test_the_reference_is_most_similar_to_itself() -> None:
    vectors = np.random.default_rng(1).random((6, 7, 16))
    result = similarity.angular_similarity(vectors, vectors[2, 3])
    assert result.shape == (6, 7)
    assert result[2, 3] == pytest.approx(1.0)
    assert result.max() == result[2, 3]
    assert result.min() >= 0  # non-negative vectors are never more than 90 degrees apart


# -- stretch and colour table --------------------------------------------------------------------


def test_stretch_maps_min_to_zero_and_max_to_one() -> None:
    stretched, low, high = similarity.stretch([[0.2, 0.6], [0.4, 1.0]])
    assert (low, high) == (0.2, 1.0)
    np.testing.assert_allclose(stretched, [[0.0, 0.5], [0.25, 1.0]])


def test_a_flat_map_stretches_to_zeros() -> None:
    stretched, low, high = similarity.stretch(np.full((3, 3), 0.7))
    assert (low, high) == (0.7, 0.7)
    assert not stretched.any()


@pytest.mark.parametrize(
    ("value", "index"),
    [
        (0.0, 0),
        (1.0, 255),
        (-0.5, 0),
        (1.5, 255),
        (1 / 256, 1),
        (np.nextafter(1 / 256, 0), 0),
        (255 / 256, 255),
        (np.nextafter(255 / 256, 0), 254),
        (0.5, 128),
    ],
)
def test_colour_table_index(value: float, index: int) -> None:
    assert similarity.lut_index(value) == index


@pytest.mark.parametrize("name", similarity.COLORMAPS)
def test_colour_tables_have_256_rgb_entries_from_dark_to_light(name: similarity.Colormap) -> None:
    table = similarity.colour_lut(name)
    assert table.shape == (256, 3)
    assert table.dtype == np.uint8
    brightness = table.astype(int).sum(axis=1)
    assert brightness[0] < brightness[128] < brightness[255]
    assert np.array_equal(similarity.colourise([0.0, 1.0], name), table[[0, 255]])


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("viridis", (68, 1, 84), (253, 231, 37)),
        ("magma", (0, 0, 4), (252, 253, 191)),
        ("cividis", (0, 34, 78), (254, 232, 56)),
    ],
)
def test_colour_tables_end_in_the_published_colours(
    name: similarity.Colormap, first: tuple[int, int, int], last: tuple[int, int, int]
) -> None:
    """The shipped tables (classroom/colour_tables.json) are matplotlib's maps."""
    table = similarity.colour_lut(name)
    assert (tuple(table[0]), tuple(table[255])) == (first, last)
    assert not table.flags.writeable


def test_channel_values_are_codes_times_scales() -> None:
    codes = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    scales = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]])
    np.testing.assert_allclose(similarity.channel_values(codes, scales, 1), codes[..., 1] * scales)


# -- coordinates ---------------------------------------------------------------------------------


CEIL_GRID = (3, 3)  # what a ResNet makes of 33 x 47 pixels at stride 16
FLOOR_GRID = (2, 2)  # what VGG makes of them


def test_pixels_map_to_cells_up_to_the_edges() -> None:
    # 33 x 47 image, stride 16, ceil: a 3 x 3 grid whose last row and column cover 1 and 15
    # pixels.
    assert similarity.image_to_cell(0, 0, 16, 33, 47, grid=CEIL_GRID) == (0, 0)
    assert similarity.image_to_cell(15, 15, 16, 33, 47, grid=CEIL_GRID) == (0, 0)
    assert similarity.image_to_cell(16, 16, 16, 33, 47, grid=CEIL_GRID) == (1, 1)
    assert similarity.image_to_cell(32, 46, 16, 33, 47, grid=CEIL_GRID) == (2, 2)
    assert similarity.cell_to_image_rect(2, 2, 16, 33, 47, grid=CEIL_GRID) == (32, 32, 33, 47)
    assert similarity.cell_to_image_rect(0, 1, 16, 33, 47, grid=CEIL_GRID) == (0, 16, 16, 32)


def test_pixels_past_a_floor_grid_take_its_last_cell() -> None:
    # floor: a 2 x 2 grid; the last pixel column (32) and rows 32..46 belong to no cell.
    assert similarity.image_to_cell(31, 31, 16, 33, 47, grid=FLOOR_GRID) == (1, 1)
    assert similarity.image_to_cell(32, 46, 16, 33, 47, grid=FLOOR_GRID) == (1, 1)
    assert similarity.cell_to_image_rect(1, 1, 16, 33, 47, grid=FLOOR_GRID) == (16, 16, 32, 32)


@pytest.mark.parametrize("pixel", [(-1, 0), (33, 0), (0, 47)])
def test_pixels_outside_the_image_are_refused(pixel: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="outside the 33x47 image"):
        similarity.image_to_cell(*pixel, 16, 33, 47)


@pytest.mark.parametrize("cell", [(3, 0), (0, 3), (-1, 0)])
def test_cells_outside_the_grid_are_refused(cell: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="outside the 3x3 grid"):
        similarity.cell_to_image_rect(*cell, 16, 33, 47, grid=CEIL_GRID)


def test_every_pixel_lies_in_exactly_the_cell_that_covers_it() -> None:
    width, height, stride, grid = 37, 23, 8, (5, 3)
    for y in range(height):
        for x in range(width):
            cx, cy = similarity.image_to_cell(x, y, stride, width, height, grid=grid)
            x0, y0, x1, y1 = similarity.cell_to_image_rect(cx, cy, stride, width, height, grid=grid)
            assert x0 <= x < x1
            assert y0 <= y < y1
