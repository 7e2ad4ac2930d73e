"""The collection views' figures: every point names its image, selections map back to images,
and a selection highlights the same images in every figure."""

from __future__ import annotations

import numpy as np

from classroom.collections.figures import (
    embedding_figure,
    matrix_figure,
    mosaic_figure,
    selected_images,
    with_box,
)

LABELS = np.array([0, 1, 0, 2, 1])
NAMES = ("a", "b", "c")


def _highlighted(figure: object) -> set[int]:
    chosen: set[int] = set()
    for trace in figure.data:  # type: ignore[attr-defined]
        if trace.customdata is None or trace.selectedpoints is None:
            continue
        chosen |= {int(trace.customdata[i]) for i in trace.selectedpoints}
    return chosen


def test_embedding_has_one_trace_per_class_naming_images() -> None:
    figure = embedding_figure(np.arange(10.0).reshape(5, 2), LABELS, NAMES, {1, 3}, "map")
    assert [trace.name for trace in figure.data] == ["a", "b", "c"]
    assert sorted(int(i) for t in figure.data for i in t.customdata) == [0, 1, 2, 3, 4]
    assert _highlighted(figure) == {1, 3}
    assert all(trace.type == "scattergl" for trace in figure.data)


def test_no_selection_draws_every_point_normally() -> None:
    figure = embedding_figure(np.zeros((5, 2)), LABELS, NAMES, set(), "map")
    assert all(trace.selectedpoints is None for trace in figure.data)


def test_matrix_is_rows_by_columns_and_names_collection_images() -> None:
    columns = {"x": np.arange(3.0), "y": np.arange(3.0) * 2, "z": -np.arange(3.0)}
    figure = matrix_figure(columns, LABELS[[1, 3, 4]], NAMES, {3}, "m", images=[1, 3, 4])
    plots = [trace for trace in figure.data if trace.customdata is not None]
    assert len(plots) == 9
    # Row 2, column 1: x is dimension "x", y is dimension "y".
    np.testing.assert_array_equal(plots[3].x, columns["x"])
    np.testing.assert_array_equal(plots[3].y, columns["y"])
    assert _highlighted(figure) == {3}


def test_selection_events_name_images_by_customdata() -> None:
    event = {
        "selection": {
            "points": [
                {"curve_number": 0, "point_index": 0, "customdata": 7},
                {"curve_number": 1, "point_index": 2, "customdata": [3]},
                {"curve_number": 1, "point_index": 2, "customdata": 7},
            ]
        }
    }
    assert selected_images(event) == [3, 7]
    assert selected_images({"selection": {"points": []}}) == []
    assert selected_images(None) is None


def test_mosaic_hover_names_the_channel() -> None:
    tiled = np.zeros((5, 5), np.float32)  # 2 x 2 tiles of 2 x 2 cells, one-cell gaps
    figure = mosaic_figure(tiled, 2, 4, "avg")
    channels = np.asarray(figure.data[0].customdata)
    assert channels[0, 0] == 0
    assert channels[0, 3] == 1
    assert channels[3, 0] == 2
    assert channels[4, 4] == 3


def test_with_box_outlines_the_receptive_field() -> None:
    image = np.zeros((8, 8, 3), np.uint8)
    boxed = with_box(image, (2, 2, 6, 6), scale=2)
    assert boxed.shape == (16, 16, 3)
    assert boxed[4, 8].tolist() == [255, 221, 0]  # on the top edge
    assert boxed[8, 8].tolist() == [0, 0, 0]  # inside
