"""The collection views' WebGL plots as the page builds them (Streamlit's AppTest, the real
digits network): per cell, the matrices show one layer's cells, each cell's receptive field
from the registry, with the A/B weight sets side by side; the embedding maps are pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest


def _page(store: str, view: dict[str, object]) -> None:
    """The page script (AppTest runs this function's source alone: builtins in its types)."""
    from pathlib import Path

    from classroom.app.collection_page import collection_view
    from classroom.lessons.collection_views import CollectionView, LessonCollection

    entry = LessonCollection.model_validate({"name": "few", "source": "digits", "count": 12})
    chosen = CollectionView.model_validate({"collection": "few", **view})
    collection_view(entry, "digits", chosen, "test", Path(store))


def _frames(at: AppTest) -> list[dict[str, Any]]:
    """The arguments of each scatter-matrix frame the page drew."""
    frames = []
    for element in at.get("component_instance"):
        raw = json.loads(element.proto.json_args)
        if "matrix" in raw:
            frames.append(json.loads(raw["matrix"]))
    return frames


def _run(tmp_path: Path, view: dict[str, Any]) -> AppTest:
    at = AppTest.from_function(_page, args=(str(tmp_path), view), default_timeout=180)
    return at.run()


@pytest.mark.slow
def test_per_cell_matrices_show_one_layers_cells_with_their_receptive_fields(
    tmp_path: Path,
) -> None:
    from classroom.collections.patches import receptive_box
    from classroom.networks import registry

    view = {
        "kind": "matrix",
        "layers": ["block2", "block3"],
        "weights": ["trained", "untrained"],
        "points": "cells",
    }
    at = _run(tmp_path, view)
    assert not at.exception
    assert any("show block2 only" in caption.value for caption in at.caption)
    (frame,) = _frames(at)
    assert [layer["title"] for layer in frame["layers"]] == [
        "block2 · trained · per cell",
        "block2 · untrained · per cell",
    ]
    cells = frame["cells"]
    assert (cells["rows"], cells["columns"]) == (16, 16)  # block2: stride 2 on 32 x 32
    assert frame["count"] == 12 * 16 * 16
    layer = registry.architecture("digits").layer("block2")
    assert cells["boxes"][16 * 3 + 5] == list(receptive_box(layer, 3, 5, (32, 32)))


@pytest.mark.slow
def test_embedding_maps_are_pairs_of_their_coordinates(tmp_path: Path) -> None:
    at = _run(tmp_path, {"kind": "embedding", "layers": ["block3"], "method": "pca"})
    assert not at.exception
    (frame,) = _frames(at)
    assert frame["layers"] == [
        {
            "layer": "block3",
            "title": "block3 · trained · PCA",
            "dimensions": ["PCA 1", "PCA 2"],
            "firstRow": 1,
            "pair": True,
        }
    ]
    assert frame["cells"] is None


def _average_then_matrix(store: str) -> None:
    """A selection's average grid above the same layer's matrix, as two lesson steps show them
    (AppTest runs this function's source alone)."""
    from pathlib import Path

    from classroom.app.collection_page import collection_view
    from classroom.lessons.collection_views import CollectionView, LessonCollection

    entry = LessonCollection.model_validate({"name": "few", "source": "digits", "count": 12})
    for kind in ("average", "matrix"):
        view = CollectionView.model_validate(
            {"collection": "few", "kind": kind, "layers": ["block2"], "select": ["1"]}
        )
        collection_view(entry, "digits", view, kind, Path(store))


def test_clicking_a_strong_channel_of_the_average_plots_it_first_in_the_matrix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seein' In: from the average feature map to the dimension. The buttons name the average
    grid's strongest channels (checked against numpy on the stored vectors); clicking one puts
    that channel first in the layer's matrix. The mosaic and the buttons read one average
    grid: the mean over the selection is taken once per layer and run."""
    from classroom.app.collection_page import collection_data
    from classroom.collections.selection import average_grid
    from classroom.lessons.collection_views import LessonCollection

    means_taken: list[int] = []

    def counted(cells: Any, indices: Any) -> Any:
        means_taken.append(len(indices))
        return average_grid(cells, indices)

    # The real maths, counted where CollectionData calls it.
    monkeypatch.setattr("classroom.collections.views.average_grid", counted)
    at = AppTest.from_function(_average_then_matrix, args=(str(tmp_path),), default_timeout=180)
    at.run()
    assert not at.exception
    assert len(means_taken) == 1  # one layer, one weight set, one run
    entry = LessonCollection.model_validate({"name": "few", "source": "digits", "count": 12})
    data = collection_data(entry, "digits", str(tmp_path))
    ones = np.flatnonzero(data.collection.labels == data.collection.class_names.index("1"))
    means = data.vectors("trained", "block2").cells[ones].mean(axis=(0, 1, 2))
    buttons = [b for b in at.button if b.label.startswith("channel ")]
    assert [int(b.label.split()[1]) for b in buttons] == list(np.argsort(-means)[:5])
    (before,) = _frames(at)
    assert before["layers"][0]["dimensions"][:1] == ["block2[0]"]

    clicked = next(b for b in buttons if int(b.label.split()[1]) >= 4)  # not plotted already
    channel = int(clicked.label.split()[1])
    clicked.click().run()
    assert not at.exception
    assert len(means_taken) == 2  # and once more on the click's rerun
    (after,) = _frames(at)
    assert after["layers"][0]["dimensions"][0] == f"block2[{channel}]"
    assert any(f"Channel {channel} is plotted first" in c.value for c in at.caption)


def _collections_page(store: str) -> None:
    """The app's Collections page alone (AppTest runs this function's source alone)."""
    from pathlib import Path

    from classroom.app.collection_page import collections_page

    collections_page(Path(store))


def test_a_strong_channels_button_on_the_collections_page_switches_its_view_to_the_matrix(
    tmp_path: Path,
) -> None:
    """On the Collections page the button also turns the View menu to the matrix, where that
    channel is plotted first (on a lesson step, with no such menu, it only reorders)."""
    from classroom.app.collection_page import VIEW_MENU

    at = AppTest.from_function(_collections_page, args=(str(tmp_path),), default_timeout=180)
    at.session_state["collections/count"] = 50  # set before the first run: no 300 images
    at.session_state[VIEW_MENU] = "average"
    at.run()
    assert not at.exception
    assert at.selectbox(key=VIEW_MENU).value == "average"
    assert not _frames(at)
    clicked = next(b for b in at.button if b.label.startswith("channel "))
    channel = int(clicked.label.split()[1])
    clicked.click().run()
    assert not at.exception
    assert at.selectbox(key=VIEW_MENU).value == "matrix"
    (frame,) = _frames(at)
    assert frame["layers"][0]["dimensions"][0].endswith(f"[{channel}]")
