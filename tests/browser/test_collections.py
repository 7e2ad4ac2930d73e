"""Brushing and linking in real Chromium: a lasso in one layer's map selects the same images
in another layer's map (Seein' In, section 3.5), through the app's one selection per view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import POLL_MS, open_tab
from tests.browser.harness import classroom_app
from tests.lesson_tree import LessonTree

#: Making 60 digits and their vectors (torch's first import included) on a busy CPU.
STARTUP_MS = 240_000

LESSON = """\
title: Linked maps
model: digits
images:
  photo: {path: photo.png, attribution: test image. CC0.}
collections:
  digits: {source: digits, count: 60}
steps:
  - title: Two layers
    text: Brush one map.
    view: {kind: embedding, collection: digits, layers: [block2, block3], method: pca}
"""

#: Both plots drawn: their data and axes exist.
_PLOTS_READY = """() => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length === 2 && plots.every((gd) => gd._fullLayout && gd._fullLayout.xaxis
        && gd.data && gd.data.length > 0);
}"""

#: The images whose points fall inside a page rectangle in the first plot.
_INSIDE = """([left, top, right, bottom]) => {
    const gd = document.querySelectorAll('.js-plotly-plot')[0];
    const xaxis = gd._fullLayout.xaxis, yaxis = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect();
    const inside = [];
    gd._fullData.forEach((trace) => Array.from(trace.x).forEach((x, i) => {
        const px = box.left + xaxis._offset + xaxis.l2p(x);
        const py = box.top + yaxis._offset + yaxis.l2p(trace.y[i]);
        if (px > left && px < right && py > top && py < bottom) inside.push(trace.customdata[i]);
    }));
    return inside.sort((a, b) => a - b);
}"""

#: Every plot highlights exactly the ``expected`` images.
_LINKED = """(expected) => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    if (plots.length !== 2) return false;
    return plots.every((gd) => {
        const chosen = [];
        for (const trace of gd.data) {
            if (!Array.isArray(trace.selectedpoints)) return false;
            trace.selectedpoints.forEach((i) => chosen.push(trace.customdata[i]));
        }
        chosen.sort((a, b) => a - b);
        return JSON.stringify(chosen) === JSON.stringify(expected);
    });
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tree = LessonTree(tmp_path_factory.mktemp("linked"))
    tree.write(LESSON, "linked.yaml")
    cache = tree.root / "store"
    with classroom_app(tree.lessons, cache, untrained=False) as server:
        yield server.url


@pytest.fixture
def app_page(browser: BrowserContext, app_url: str) -> Iterator[Page]:
    with open_tab(browser, app_url) as tab:
        yield tab


def test_a_lasso_in_one_layer_selects_the_same_images_in_the_other(app_page: Page) -> None:
    page = app_page
    page.wait_for_function(_PLOTS_READY, polling=POLL_MS, timeout=STARTUP_MS)
    area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first.bounding_box()
    assert area is not None
    # The left 45 % of the first map, as a lasso drawn along the rectangle's edges.
    left, top = area["x"] + 2, area["y"] + 2
    right, bottom = area["x"] + area["width"] * 0.45, area["y"] + area["height"] - 2
    expected: list[int] = page.evaluate(_INSIDE, [left, top, right, bottom])
    assert 0 < len(expected) < 60, expected
    page.mouse.move(left, top)
    page.mouse.down()
    for x, y in ((right, top), (right, bottom), (left, bottom), (left, top + 1)):
        page.mouse.move(x, y, steps=12)
    page.mouse.up()
    page.wait_for_function(_LINKED, arg=expected, polling=POLL_MS, timeout=60_000)
    # The summary names the selection's size.
    page.get_by_text(f"Selected {len(expected)} images").wait_for(timeout=30_000)


def test_the_lesson_page_shows_both_layers_maps(app_page: Page) -> None:
    page = app_page
    page.wait_for_function(_PLOTS_READY, polling=POLL_MS, timeout=STARTUP_MS)
    titles = page.locator(".js-plotly-plot .gtitle").all_inner_texts()
    assert titles == ["block2 · trained · PCA", "block3 · trained · PCA"]
