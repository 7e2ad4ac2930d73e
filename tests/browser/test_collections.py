"""A collection's embedding maps in real Chromium: one map per layer, brushed and linked.

Seein' In's brushing and linking (section 3.5) on the component's WebGL panel (one 2-D plot per
layer): a real mouse box in block3's PCA map selects images in the browser, block2's map draws
exactly those highlighted (read back from the GPU), the page (Python) reports the images of the
one event it received, and pointing at a dot shows that image's thumbnail, pixel for pixel.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import BrowserContext

from tests.browser.conftest import open_tab
from tests.browser.matrix_frame import (
    bounds,
    brush,
    call,
    cell,
    digits_app,
    digits_lesson,
    hover,
    lone_points,
    matrix,
    one_selection,
    scaled,
)
from tests.browser.test_scatter_matrix import assert_summary

COUNT = 60

LESSON = digits_lesson(
    "Linked maps",
    COUNT,
    """\
  - title: Two layers
    text: Brush one map.
    view: {kind: embedding, collection: digits, layers: [block2, block3], method: pca}
""",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with digits_app(tmp_path_factory.mktemp("linked"), "linked", LESSON) as running:
        yield running


def test_a_box_in_one_layers_map_selects_the_same_images_in_the_other(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, url) as page:
        frame = matrix(page)
        titles = frame.locator(".matrix-titles span").all_inner_texts()
        assert titles == ["block2 · trained · PCA", "block3 · trained · PCA"]
        points = scaled(frame, store)
        # Each map is one plot, cell (1, 0) of its layer: block2's rows 1-2, block3's 3-4.
        unit = brush(page, cell(frame, 1, 1, 0), (0.1, 0.05, 0.9, 0.5))
        inner, outer = bounds(points, (3, 4), unit)
        assert inner, "the box encloses no point"
        assert len(outer) < COUNT, "the box encloses every point"
        selected = one_selection(frame, inner, outer)
        assert call(frame, "highlighted", 0, 1, 0) == selected
        assert_summary(page, points, selected)


def test_pointing_at_a_dot_shows_its_image(browser: BrowserContext, app: tuple[str, Path]) -> None:
    from classroom.collections.sources import load_collection

    url, store = app
    with open_tab(browser, url) as page:
        frame = matrix(page)
        px, py, alone = lone_points(scaled(frame, store), (1, 2), cell(frame, 0, 1, 0), 8)
        assert alone.size, "every dot has another within 8 pixels"
        point = int(alone[0])
        hover(page, frame, (px[point], py[point]), point, "thumbnail")
        assert call(frame, "hovered")["box"] is None  # an image, no cell
        shown = call(frame, "thumbnail")
        pixels = np.array(shown["rgb"], dtype=np.uint8).reshape(shown["height"], shown["width"], 3)
        images = load_collection("digits", name="digits", count=COUNT).images
        np.testing.assert_array_equal(pixels, images[point])
