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
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import BrowserContext, Frame, Page

from tests.browser.conftest import POLL_MS, open_tab
from tests.browser.harness import classroom_app
from tests.lesson_tree import LessonTree

#: Making 60 digits and their vectors (torch's first import included) on a busy CPU.
STARTUP_MS = 240_000
#: The page's rerun after the brush is released.
RERUN_MS = 90_000
COUNT = 60
MARGIN = 0.04  # matrixLayout.ts: points keep this fraction of a cell free at each edge
MATRIX_FRAME = 'iframe[title="classroom.component.scatter_matrix"]'

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


def _matrix(page: Page) -> Frame:
    element = page.locator(MATRIX_FRAME).first.element_handle(timeout=STARTUP_MS)
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_function(
        "() => window.__classroomMatrix !== undefined && window.__classroomMatrix.frames() > 0",
        polling=POLL_MS,
        timeout=STARTUP_MS,
    )
    return frame


def _call(frame: Frame, name: str, *args: Any) -> Any:
    return frame.evaluate(f"(args) => window.__classroomMatrix.{name}(...args)", list(args))


def _raw(frame: Frame, store: Path) -> npt.NDArray[np.float32]:
    """The points file the browser fetched, read from the store: rows x points."""
    source = _call(frame, "source")
    name = source["url"].split("?", maxsplit=1)[0].rsplit("/", 1)[-1]
    rows, count = source["rows"], source["count"]
    return np.fromfile(store / "maps" / name, dtype="<f4").reshape(rows, count)


def _points(frame: Frame, store: Path) -> npt.NDArray[np.float64]:
    """The points as a cell plots them: each dimension scaled into the cell's margins."""
    values = _raw(frame, store).astype(np.float64)
    low, high = values.min(axis=1, keepdims=True), values.max(axis=1, keepdims=True)
    span = np.where(high > low, high - low, 1.0)
    scaled: npt.NDArray[np.float64] = MARGIN + (1 - 2 * MARGIN) * (values - low) / span
    scaled[0] = values[0]  # row 0: the classes
    return scaled


def _cell(frame: Frame, layer: int, row: int, column: int) -> dict[str, float]:
    offset = frame.frame_element().bounding_box()
    assert offset is not None
    for cell in _call(frame, "cells"):
        if (cell["layer"], cell["row"], cell["column"]) == (layer, row, column):
            box: dict[str, float] = cell["box"]
            return {**box, "x": box["x"] + offset["x"], "y": box["y"] + offset["y"]}
    raise AssertionError(f"no cell ({layer}, {row}, {column})")


def _assert_ranges_written(frame: Frame, store: Path) -> None:
    """Each diagonal cell names its dimension and writes its range (the plots' only axes)."""
    raw = _raw(frame, store)
    written = frame.locator(".matrix-axis").all_inner_texts()
    assert [text.split(" ")[0] for text in written] == [
        *(f"block2[{d}]" for d in range(4)),
        *(f"block3[{d}]" for d in range(4)),
    ]
    for row, text in enumerate(written, start=1):
        _, low, _, high = text.split(" ")
        assert float(low) == pytest.approx(raw[row].min(), rel=1e-2, abs=1e-3)
        assert float(high) == pytest.approx(raw[row].max(), rel=1e-2, abs=1e-3)


def test_a_brush_in_one_layer_highlights_exactly_its_points_in_another(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=images") as page:
        frame = _matrix(page)
        scaled = _points(frame, store)
        # block3 is the second matrix (layer 1); its rows 1..4 after block2's four.
        _assert_ranges_written(frame, store)
        box = _cell(frame, 1, 1, 0)
        start = (round(box["x"] + 0.15 * box["width"]), round(box["y"] + 0.2 * box["height"]))
        end = (round(box["x"] + 0.75 * box["width"]), round(box["y"] + 0.8 * box["height"]))
        assert _call(frame, "highlighted", 0, 2, 3) == []
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(*end, steps=12)
        page.mouse.up()

        (u0, u1), (v1, v0) = [
            sorted((p - box[axis]) / box[size] for p in (start[i], end[i]))
            for i, axis, size in ((0, "x", "width"), (1, "y", "height"))
        ]
        v0, v1 = 1 - v0, 1 - v1
        xs, ys = scaled[5], scaled[6]  # block3's dimension 0 on x, dimension 1 on y
        eps = 1e-4
        inner = set(
            np.flatnonzero((xs > u0 + eps) & (xs < u1 - eps) & (ys > v0 + eps) & (ys < v1 - eps))
        )
        outer = set(
            np.flatnonzero((xs > u0 - eps) & (xs < u1 + eps) & (ys > v0 - eps) & (ys < v1 + eps))
        )
        assert inner, "the brush encloses no point"
        assert len(outer) < COUNT, "the brush encloses every point"

        sent = _call(frame, "sent")
        assert len(sent) == 1, "one event per released brush"
        selected = sent[0]
        assert inner <= set(selected) <= outer, (sorted(inner), selected, sorted(outer))
        assert _call(frame, "selection") == selected
        # Another layer's cell (block2, dimensions 3 against 2) and the brushed cell itself.
        assert _call(frame, "highlighted", 0, 2, 3) == selected
        assert _call(frame, "highlighted", 1, 1, 0) == selected

        labels = scaled[0][selected].astype(int)
        counts = {str(label): int((labels == label).sum()) for label in set(labels)}
        shown = ", ".join(f"{count} of {name}" for name, count in sorted(counts.items()))
        page.get_by_text(f"Selected {len(selected)} images: {shown}").wait_for(timeout=RERUN_MS)


def test_hovering_a_cell_point_shows_its_receptive_field_crop(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    from classroom.collections.patches import receptive_box
    from classroom.collections.sources import load_collection
    from classroom.networks import registry

    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=cells") as page:
        frame = _matrix(page)
        scaled = _points(frame, store)
        box = _cell(frame, 0, 1, 0)
        px = box["x"] + scaled[1] * box["width"]
        py = box["y"] + (1 - scaled[2]) * box["height"]
        # A point no other lies within 8 pixels of, away from the cell's centre rows.
        distances = np.hypot(px[:, None] - px[None], py[:, None] - py[None])
        np.fill_diagonal(distances, np.inf)
        alone = np.flatnonzero(distances.min(axis=1) > 8)
        assert alone.size, "every point has a neighbour within 8 pixels"
        grid = 8 * 8  # block3 of 32 x 32 digits: stride 4
        point = int(next(p for p in alone if p % grid not in {0, grid - 1}))
        page.mouse.move(px[point], py[point])
        frame.wait_for_function(
            "(p) => window.__classroomMatrix.hovered()?.point === p && "
            "window.__classroomMatrix.patch() !== null",
            arg=point,
            polling=POLL_MS,
        )
        image, cell = divmod(point, grid)
        layer = registry.architecture("digits").layer("block3")
        left, top, right, bottom = receptive_box(layer, *divmod(cell, 8), (32, 32))
        hovered = _call(frame, "hovered")
        assert (hovered["image"], hovered["cell"]) == (image, cell)
        assert hovered["box"] == [left, top, right, bottom]
        images = load_collection("digits", name="digits", count=COUNT).images
        expected = images[image, top:bottom, left:right]
        patch = _call(frame, "patch")
        shown = np.array(patch["rgb"], dtype=np.uint8).reshape(patch["height"], patch["width"], 3)
        np.testing.assert_array_equal(shown, expected)
