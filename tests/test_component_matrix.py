"""The scatter-plot matrix's arguments: the points and the thumbnails as store files, named by
the arguments, holding exactly what the browser is told (no values in the JSON)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from classroom.component.matrix import MatrixColumns, matrix_args
from classroom.component.matrix_contract import CellGrid, parse_selection
from classroom.store import FeatureStore


def _name(url: str) -> str:
    return url.split("?", maxsplit=1)[0].rsplit("/", 1)[-1]


def test_points_and_thumbnails_travel_as_store_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (70, 5, 6, 3), dtype=np.uint8)
    labels = rng.integers(0, 3, 70)
    first = rng.normal(size=(70, 2)).astype(np.float32)
    second = rng.normal(size=(70, 3)).astype(np.float32)
    store = FeatureStore(tmp_path)
    args = matrix_args(
        "m",
        [
            MatrixColumns("a", "a", ["a0", "a1"], first),
            MatrixColumns("b", "b", list("xyz"), second),
        ],
        labels=labels,
        class_names=["p", "q", "r"],
        palette=["#ff0000", "#00ff00"],
        images=images,
        selection=[3, 69],
        store=store,
    )
    assert [(layer.first_row, len(layer.dimensions)) for layer in args.layers] == [(1, 2), (3, 3)]
    assert args.palette == [[255, 0, 0], [0, 255, 0], [255, 0, 0]]
    points = np.fromfile(store.maps_dir / _name(args.url), dtype="<f4").reshape(args.rows, 70)
    np.testing.assert_array_equal(points[0], labels)
    np.testing.assert_array_equal(points[1:3], first.T)
    np.testing.assert_array_equal(points[3:], second.T)
    atlas = np.asarray(
        Image.open(io.BytesIO((store.images_dir / _name(args.thumbnails.url)).read_bytes()))
    )
    # Image 65 is the second row's second tile of 64 a row.
    np.testing.assert_array_equal(atlas[5:10, 6:12], images[65])
    assert len(args.model_dump_json()) < 2_000


def test_the_contract_refuses_points_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="values are"):
        matrix_args(
            "m",
            [MatrixColumns("a", "a", ["a0"], np.zeros((4, 2), np.float32))],
            labels=np.zeros(4, np.int64),
            class_names=["p"],
            palette=["#000000"],
            images=np.zeros((4, 2, 2, 3), np.uint8),
        )
    with pytest.raises(ValidationError, match="boxes for"):
        CellGrid(rows=2, columns=2, boxes=[[0, 0, 1, 1]])


def test_a_selection_event_is_parsed_or_dropped() -> None:
    event = parse_selection({"id": "e", "kind": "selection", "points": [1, 4]})
    assert event is not None
    assert event.points == [1, 4]
    assert parse_selection({"id": "e", "kind": "selection", "points": [-1]}) is None
    assert parse_selection(None) is None
