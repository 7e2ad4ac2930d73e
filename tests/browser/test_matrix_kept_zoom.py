"""A zoom in the Collections page's scatter-plot matrix survives other points, in Chromium.

Adding the untrained weights beside the trained ones sends another points file, in which the
trained block's dimensions sit on other rows (each layer's weight sets side by side). A real
wheel zoom in the trained block's matrix must stay: the same dimensions, on their new rows,
show the same data values, the GPU draws exactly the points inside them, and the untrained
matrix (new dimensions) is not zoomed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import BrowserContext, Frame, Page

from tests.browser.conftest import POLL_MS, open_tab
from tests.browser.harness import classroom_app
from tests.browser.matrix_frame import MATRIX_FRAME, STARTUP_MS, call, cell, matrix, raw, to_data
from tests.lesson_tree import LessonTree

LESSON = """\
title: Kept zoom
model: digits
images:
  photo: {path: photo.png, attribution: test image. CC0.}
steps:
  - title: A picture
    text: Nothing here; the Collections page is what is tested.
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tree = LessonTree(tmp_path_factory.mktemp("kept"))
    tree.write(LESSON, "kept.yaml")
    store = tree.root / "store"
    with classroom_app(tree.lessons, store, untrained=False) as server:
        yield server.url, store


def _choose(page: Page, widget: str, label: str, option: str) -> None:
    """Picks ``option`` in the page's Streamlit select box (or multiselect) labelled ``label``."""
    page.get_by_test_id(widget).filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def _data_ranges(frame: Frame, store: Path, rows: tuple[int, int]) -> list[list[float]]:
    """The hook's visible ranges of ``rows``, in the data's units of the frame's points file."""
    values = raw(frame, store).astype(np.float64)
    ranges = call(frame, "ranges")
    return [[float(v) for v in to_data(np.array(ranges[str(row)]), values[row])] for row in rows]


def test_a_zoom_stays_on_its_dimensions_when_other_points_arrive(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, url) as page:
        page.get_by_test_id("stSidebar").get_by_text("Collections", exact=True).click()
        _choose(page, "stSelectbox", "View", "matrix")
        frame = matrix(page)
        titles = frame.locator(".matrix-titles span").all_inner_texts()
        assert len(titles) == 2, titles
        assert not any("untrained" in title for title in titles), titles
        # The second layer's matrix: its dimensions 0 and 1 are rows 5 and 6 (4 a layer).
        box = cell(frame, 1, 1, 0)
        page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6)
        page.mouse.wheel(0, -400)
        frame.wait_for_function(
            "() => Object.keys(window.__classroomMatrix.ranges()).sort().join() === '5,6'",
            polling=POLL_MS,
        )
        before = _data_ranges(frame, store, (5, 6))
        first = call(frame, "source")["url"]

        _choose(page, "stMultiSelect", "Weights", "untrained")
        frame.wait_for_function(
            "(first) => window.__classroomMatrix.source().url !== first && "
            "window.__classroomMatrix.frames() > 0 && "
            "document.querySelectorAll('.matrix-titles span').length === 4",
            arg=first,
            polling=POLL_MS,
            timeout=STARTUP_MS,
        )
        titles = frame.locator(".matrix-titles span").all_inner_texts()
        # Each layer's weight sets side by side: the zoomed (trained) matrix is now the third,
        # its dimensions 0 and 1 rows 9 and 10.
        assert "untrained" in titles[3], titles
        assert "untrained" not in titles[2], titles
        frame.wait_for_function(
            "() => Object.keys(window.__classroomMatrix.ranges()).sort().join() === '10,9'",
            polling=POLL_MS,
        )
        after = _data_ranges(frame, store, (9, 10))
        np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-6)
        count = call(frame, "source")["count"]
        assert len(call(frame, "drawn", 2, 1, 0)) < count, "the zoomed cell draws every point"
        assert len(call(frame, "drawn", 3, 1, 0)) == count, "the untrained matrix is zoomed"
        assert page.locator(MATRIX_FRAME).count() == 1
