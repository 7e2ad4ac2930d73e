"""The collection view's scatter-plot matrix in real Chromium: brushed in the browser, one event.

A real mouse drags a box in one cell of block3's matrix; the points the GPU draws highlighted
in a cell of block2's matrix (read back by transform feedback through the test hook) must be
exactly the points the brush selected, which the numpy oracle bounds from the points file the
browser fetched (the store's own file), and the page (Python) must report the images of the one
selection event it received. Hovering a per-cell point must show that cell's receptive field
cut from the image, pixel for pixel as numpy cuts it from the collection's images.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import BrowserContext, Frame, Page

from tests.browser.conftest import POLL_MS, open_tab
from tests.browser.harness import classroom_app
from tests.browser.matrix_frame import brush, call, cell, enclosed, lone_points, matrix, raw, scaled
from tests.lesson_tree import LessonTree

#: The page's rerun after the brush is released.
RERUN_MS = 90_000
COUNT = 60

LESSON = f"""\
title: Matrix
model: digits
images:
  photo: {{path: photo.png, attribution: test image. CC0.}}
collections:
  digits: {{source: digits, count: {COUNT}}}
steps:
  - title: Two layers
    id: images
    text: Brush one matrix.
    view: {{kind: matrix, collection: digits, layers: [block2, block3]}}
  - title: Cells
    id: cells
    text: Point at a cell.
    view: {{kind: matrix, collection: digits, layers: [block3], points: cells}}
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tree = LessonTree(tmp_path_factory.mktemp("matrix"))
    tree.write(LESSON, "matrix.yaml")
    store = tree.root / "store"
    with classroom_app(tree.lessons, store, untrained=False) as server:
        yield server.url, store


def _assert_ranges_written(frame: Frame, store: Path) -> None:
    """Each diagonal cell names its dimension and writes its range (the plots' only axes)."""
    values = raw(frame, store)
    written = frame.locator(".matrix-axis").all_inner_texts()
    assert [text.split(" ")[0] for text in written] == [
        *(f"block2[{d}]" for d in range(4)),
        *(f"block3[{d}]" for d in range(4)),
    ]
    for row, text in enumerate(written, start=1):
        _, low, _, high = text.split(" ")
        assert float(low) == pytest.approx(values[row].min(), rel=1e-2, abs=1e-3)
        assert float(high) == pytest.approx(values[row].max(), rel=1e-2, abs=1e-3)


def assert_summary(page: Page, points: npt.NDArray[np.float64], selected: list[int]) -> None:
    """The page (Python, after the one event) reports the selected images by class."""
    labels = points[0][selected].astype(int)
    counts = {str(label): int((labels == label).sum()) for label in set(labels)}
    shown = ", ".join(f"{count} of {name}" for name, count in sorted(counts.items()))
    page.get_by_text(f"Selected {len(selected)} images: {shown}").wait_for(timeout=RERUN_MS)


def test_a_brush_in_one_layer_highlights_exactly_its_points_in_another(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=images") as page:
        frame = matrix(page)
        points = scaled(frame, store)
        _assert_ranges_written(frame, store)
        assert call(frame, "highlighted", 0, 2, 3) == []
        # block3 is the second matrix (layer 1): its rows 5..8 after block2's four.
        unit = brush(page, cell(frame, 1, 1, 0), (0.15, 0.2, 0.75, 0.8))
        inner, outer = enclosed(points, (5, 6), unit, -1e-4), enclosed(points, (5, 6), unit, 1e-4)
        assert inner, "the brush encloses no point"
        assert len(outer) < COUNT, "the brush encloses every point"

        sent = call(frame, "sent")
        assert len(sent) == 1, "one event per released brush"
        selected = sent[0]
        assert inner <= set(selected) <= outer, (sorted(inner), selected, sorted(outer))
        assert call(frame, "selection") == selected
        # Another layer's cell (block2, dimensions 3 against 2) and the brushed cell itself.
        assert call(frame, "highlighted", 0, 2, 3) == selected
        assert call(frame, "highlighted", 1, 1, 0) == selected
        assert_summary(page, points, selected)


def test_hovering_a_cell_point_shows_its_receptive_field_crop(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    from classroom.collections.patches import receptive_box
    from classroom.collections.sources import load_collection
    from classroom.networks import registry

    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=cells") as page:
        frame = matrix(page)
        px, py, alone = lone_points(scaled(frame, store), (1, 2), cell(frame, 0, 1, 0), 8)
        grid = 8 * 8  # block3 of 32 x 32 digits: stride 4
        # Not a corner cell: its receptive field is not the image's corner.
        point = int(next(p for p in alone if p % grid not in {0, grid - 1}))
        page.mouse.move(px[point], py[point])
        frame.wait_for_function(
            "(p) => window.__classroomMatrix.hovered()?.point === p && "
            "window.__classroomMatrix.patch() !== null",
            arg=point,
            polling=POLL_MS,
        )
        image, cell_index = divmod(point, grid)
        layer = registry.architecture("digits").layer("block3")
        left, top, right, bottom = receptive_box(layer, *divmod(cell_index, 8), (32, 32))
        hovered = call(frame, "hovered")
        assert (hovered["image"], hovered["cell"]) == (image, cell_index)
        assert hovered["box"] == [left, top, right, bottom]
        images = load_collection("digits", name="digits", count=COUNT).images
        patch = call(frame, "patch")
        shown = np.array(patch["rgb"], dtype=np.uint8).reshape(patch["height"], patch["width"], 3)
        np.testing.assert_array_equal(shown, images[image, top:bottom, left:right])
