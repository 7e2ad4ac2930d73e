"""The collection modules on small real data: cache, sources, neighbours, selection, patches,
properties (no network needed; the meaning tests on trained networks are in
test_collections_meaning.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classroom.collections.cache import MAGIC, ArrayCache, cache_key
from classroom.collections.neighbours import label_agreement, nearest_neighbours, neighbour_table
from classroom.collections.patches import receptive_box, top_patches
from classroom.collections.properties import slant, tracking_channel
from classroom.collections.selection import (
    AverageGrid,
    average_grid,
    average_input,
    mosaic,
    selected,
)
from classroom.collections.sources import (
    Collection,
    CollectionError,
    folder_collection,
    shapes_collection,
)
from classroom.networks import registry
from classroom.store import FeatureStore


@pytest.fixture
def cache(tmp_path: Path) -> ArrayCache:
    return ArrayCache(FeatureStore(tmp_path / "store"))


def test_cache_round_trip_is_exact(cache: ArrayCache) -> None:
    array = np.random.default_rng(0).normal(size=(4, 3, 2)).astype(np.float32)
    key = cache_key("x", 1)
    assert cache.read(key) is None
    cache.write(key, array, "test")
    np.testing.assert_array_equal(cache.read(key), array)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-1],  # truncated payload
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),  # one bit flipped
        lambda raw: b"NOTMAGIC" + raw[len(MAGIC) :],
        lambda raw: raw[: len(MAGIC) + 6],  # truncated header
    ],
)
def test_damaged_cache_file_is_removed_and_recomputed(cache: ArrayCache, damage: object) -> None:
    key = cache_key("damaged")
    path = cache.write(key, np.arange(12, dtype=np.float32), "test")
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cache.read(key) is None
    assert not path.exists()
    calls: list[int] = []

    def compute() -> np.ndarray:
        calls.append(1)
        return np.ones(2, np.float32)

    value = cache.get_or_compute(key, compute)
    assert calls == [1]
    np.testing.assert_array_equal(value, np.ones(2, np.float32))


def test_cache_refuses_object_arrays(cache: ArrayCache) -> None:
    with pytest.raises(ValueError, match="cannot cache"):
        cache.write("k" * 32, np.array([object()]))


def test_shapes_collection_is_seeded_balanced_and_new() -> None:
    first, again = shapes_collection(10, seed=3), shapes_collection(10, seed=3)
    np.testing.assert_array_equal(first.images, again.images)
    assert first.identity == again.identity
    assert np.bincount(first.labels).tolist() == [2, 2, 2, 2, 2]
    assert first.images.shape == (10, 96, 96, 3)
    assert not first.images.flags.writeable


def _write(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def test_folder_collection_labels_from_subfolders(tmp_path: Path) -> None:
    _write(tmp_path / "cats" / "a.png", (200, 0, 0))
    _write(tmp_path / "dogs" / "b.png", (0, 0, 200))
    _write(tmp_path / "dogs" / "c.png", (0, 200, 0), (48, 96))
    collection = folder_collection(tmp_path, 32)
    assert collection.class_names == ("cats", "dogs")
    assert collection.labels.tolist() == [0, 1, 1]
    assert collection.images.shape == (3, 32, 32, 3)
    assert collection.images[0, 16, 16].tolist() == [200, 0, 0]


def test_folder_collection_labels_from_csv(tmp_path: Path) -> None:
    _write(tmp_path / "x.png", (10, 10, 10))
    _write(tmp_path / "y.png", (250, 250, 250))
    (tmp_path / "labels.csv").write_text("file,label\nx.png,dark\ny.png,light\n")
    collection = folder_collection(tmp_path, 16)
    assert collection.label_names == ["dark", "light"]


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [("x.png\n", "expected 'file,label'"), ("missing.png,a\n", "no image 'missing.png'")],
)
def test_folder_collection_bad_csv_names_file_and_line(
    tmp_path: Path, csv_text: str, message: str
) -> None:
    _write(tmp_path / "x.png", (10, 10, 10))
    (tmp_path / "labels.csv").write_text(csv_text)
    with pytest.raises(CollectionError, match=rf"labels.csv, line 1: {message}"):
        folder_collection(tmp_path, 16)


def test_folder_collection_bad_image_names_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(CollectionError, match=r"broken\.png"):
        folder_collection(tmp_path, 16)


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CollectionError, match="no images"):
        folder_collection(tmp_path, 16)


def test_collection_checks_its_arrays() -> None:
    with pytest.raises(CollectionError, match="one label per image"):
        Collection("c", "c", np.zeros((2, 4, 4, 3), np.uint8), np.zeros(3, np.int64), ("a",))
    with pytest.raises(CollectionError, match="no class name"):
        Collection("c", "c", np.zeros((1, 4, 4, 3), np.uint8), np.array([1]), ("a",))


def test_neighbours_exclude_the_query_and_are_nearest_first() -> None:
    points = np.array([[0.0], [1.0], [1.5], [10.0], [10.2]])
    table, distances = neighbour_table(points, 2, "euclidean")
    assert table[0].tolist() == [1, 2]
    assert table[3].tolist() == [4, 2]
    assert np.all(np.diff(distances, axis=1) >= 0)
    assert label_agreement(table, [0, 0, 0, 1, 1]) == pytest.approx(0.8)
    indices, _ = nearest_neighbours(points, [9.0], 2, "euclidean")
    assert indices.tolist() == [3, 4]


def test_neighbour_table_with_twins_still_drops_the_query() -> None:
    points = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    table, _ = neighbour_table(points, 1, "cosine")
    assert table[:, 0].tolist() == [1, 0, 0] or table[2, 0] in (0, 1)
    assert all(table[row, 0] != row for row in range(3))


def test_neighbour_table_checks_k() -> None:
    with pytest.raises(ValueError, match="k must be between 1 and 2"):
        neighbour_table(np.zeros((3, 2)), 3)


def test_selection_averages() -> None:
    images = np.stack([np.full((2, 2, 3), value, np.uint8) for value in (0, 100, 201)])
    assert average_input(images, [1, 2, 2])[0, 0].tolist() == [150, 150, 150]
    cells = np.arange(3 * 2 * 2 * 4, dtype=np.float32).reshape(3, 2, 2, 4)
    np.testing.assert_allclose(average_grid(cells, [0, 2]), (cells[0] + cells[2]) / 2)
    with pytest.raises(ValueError, match="empty"):
        selected(3, [])
    with pytest.raises(ValueError, match="item 3 of only 3"):
        selected(3, [3])


def test_mosaic_places_channel_c_at_row_c_div_columns() -> None:
    grid = np.zeros((2, 3, 5), np.float32)
    grid[:, :, 4] = 7
    tiled, columns = mosaic(grid)
    assert columns == 3
    assert tiled.shape == (2 * 3 - 1, 3 * 4 - 1)
    assert np.all(tiled[3:5, 4:7] == 7)  # row 1, column 1
    assert np.isnan(tiled[2, 0])


def test_an_average_grids_strongest_channels_are_its_brightest_mosaic_tiles() -> None:
    """The buttons under the mosaic name the tiles that stand out in it: both read one grid."""
    rng = np.random.default_rng(3)
    cells = rng.random((6, 3, 4, 7), dtype=np.float32)
    cells[[1, 4], :, :, 5] += 2.0  # channel 5 fires for the selected images only
    average = AverageGrid(average_grid(cells, [1, 4]))
    tiled, columns, depth = average.mosaic()
    assert depth == 7
    tiles = [
        tiled[row * 4 : row * 4 + 3, column * 5 : column * 5 + 4]
        for row, column in (divmod(channel, columns) for channel in range(depth))
    ]
    tile_means = np.array([tile.mean() for tile in tiles])
    assert average.strongest(3) == list(np.argsort(-tile_means)[:3])
    assert average.strongest(1) == [5]
    np.testing.assert_allclose(tiles[5], (cells[1, :, :, 5] + cells[4, :, :, 5]) / 2)


def test_receptive_box_follows_the_registry_layer() -> None:
    layer = registry.architecture("digits").layer("block3")
    box = receptive_box(layer, 0, 0, (32, 32))
    assert box[0] == 0
    assert box[1] == 0
    centre = layer.centre or 0.0
    right = round(centre + (layer.receptive_field or 0) / 2)
    assert box[2] == min(32, right)
    far = receptive_box(layer, 7, 7, (32, 32))
    assert far[2:] == (32, 32)


def test_top_patches_one_per_image_strongest_first() -> None:
    layer = registry.architecture("digits").layer("block2")
    cells = np.zeros((4, 16, 16, 2), np.float32)
    cells[2, 5, 6, 1] = 9.0
    cells[2, 0, 0, 1] = 8.0
    cells[0, 1, 2, 1] = 3.0
    patches = top_patches(cells, layer, 1, (32, 32), count=2)
    assert [(p.image, p.row, p.column, p.value) for p in patches] == [
        (2, 5, 6, 9.0),
        (0, 1, 2, 3.0),
    ]
    with pytest.raises(ValueError, match=r"channels 0\.\.1"):
        top_patches(cells, layer, 2, (32, 32))


def _bar(lean: int) -> np.ndarray:
    image = np.zeros((21, 21, 3), np.uint8)
    for row in range(21):
        image[row, 10 + lean * (10 - row) // 10] = 255
    return image


def test_slant_is_positive_for_a_stroke_leaning_right() -> None:
    values = slant(np.stack([_bar(-5), _bar(0), _bar(5)]))
    assert values[0] < -0.3
    assert values[1] == pytest.approx(0.0, abs=1e-9)
    assert values[2] > 0.3


def test_tracking_channel_finds_the_correlated_dimension() -> None:
    rng = np.random.default_rng(0)
    measured = rng.normal(size=50)
    pooled = rng.normal(size=(50, 6))
    pooled[:, 4] = -2 * measured + 0.01 * rng.normal(size=50)
    channel, r = tracking_channel(pooled, measured)
    assert channel == 4
    assert r < -0.99


def test_similar_cells_light_up_across_images_as_the_oracle_says(cache: ArrayCache) -> None:
    """One reference cell against every cell of every image, with the similarity view's maths;
    a copy of the reference cell in another image is its best match (similarity 1)."""
    from classroom.collections.vectors import LayerVectors
    from classroom.collections.views import CollectionData
    from classroom.similarity import angular_similarity

    rng = np.random.default_rng(1)
    cells = rng.random((4, 16, 16, 32)).astype(np.float32)
    cells[2, 3, 4] = cells[0, 5, 6]
    images = np.zeros((4, 32, 32, 3), np.uint8)
    data = CollectionData(
        Collection("c", "cells", images, np.zeros(4, np.int64), ("x",)), "digits", cache
    )
    data._vectors[("trained", "block2")] = LayerVectors("block2", cells)
    maps = data.cell_similarity("trained", "block2", 0, 5, 6)
    for image in range(4):
        expected = angular_similarity(cells[image].reshape(-1, 32), cells[0, 5, 6])
        np.testing.assert_allclose(maps[image].reshape(-1), expected, atol=1e-6)
    best = data.similar_cells("trained", "block2", 0, (5, 6), count=3)
    assert (best[0].image, best[0].row, best[0].column) == (2, 3, 4)
    assert best[0].value == pytest.approx(1.0, abs=1e-5)
    assert 0 not in [patch.image for patch in best]
