"""Presenter mode on a projector (issue 11, "The projector"): at 1280x720 and 1920x1080 the
step row, the step title, every panel with its label and colour scale, and the controls are
on screen without scrolling; the panels take the width or the height they can; text in the
view is at least 18 px; the bar chart can be shown and hidden; ``?present=1`` opens at the top.

Real ``classroom run``, real Chromium. Each case saves a screenshot (to the folder named by
``CLASSROOM_SCREENSHOTS``, else the test's temporary folder) for a person to look at.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Frame, Locator, Page, expect

from harness.app import NAVIGATOR, classroom_app, classroom_program, wait_painted
from tests.browser.conftest import POLL_MS
from tests.conftest import picture
from tests.lesson_tree import LessonTree

LESSON = """\
title: On the projector
model: resnet18
layers: [conv2_x, conv3_x, conv4_x]
max_side: 160
images:
  wide: {path: wide.png, attribution: "made by the tests, CC0"}
  tall: {path: tall.png, attribution: "made by the tests, CC0"}
steps:
  - {id: three, title: Three layers side by side, image: wide, reference: [40, 30],
     text: Three panels of one picture.}
  - {id: one, title: One layer alone, image: wide, layers: [conv3_x], reference: [40, 30],
     text: One panel; on a wide screen the height binds.}
  - {id: tall, title: A portrait picture, image: tall, reference: [40, 30],
     text: A picture taller than wide.}
"""

TITLES = {
    "three": "Three layers side by side",
    "one": "One layer alone",
    "tall": "A portrait picture",
}
SCREENS = [(1280, 720), (1920, 1080)]
#: The smallest text a projector shows legibly at the back of a classroom (issue 11).
MIN_TEXT_PX = 18

#: Every visible element in the view's frame that holds text itself: its font size in px.
_TEXT_SIZES = """() => [...document.querySelectorAll('.view *')]
    .filter((element) => [...element.childNodes].some(
        (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== ''))
    .filter((element) => element.checkVisibility() && element.getClientRects().length > 0)
    .filter((element) => !element.closest('.visually-hidden'))
    .map((element) => ({
        text: element.textContent.trim().slice(0, 40),
        size: parseFloat(getComputedStyle(element).fontSize),
    }))"""

#: How far the page is scrolled (Streamlit scrolls its main section, not the window).
_SCROLLED = """() => window.scrollY
    + (document.querySelector('[data-testid=stMain]')?.scrollTop ?? 0)
    + (document.querySelector('[data-testid=stAppViewContainer]')?.scrollTop ?? 0)"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``classroom run --untrained`` on a three-step lesson, prepared ahead as before a class."""
    tree = LessonTree(tmp_path_factory.mktemp("projector"))
    Image.fromarray(picture(160, 120, seed=1)).save(tree.datasets / "wide.png")
    Image.fromarray(picture(96, 128, seed=2)).save(tree.datasets / "tall.png")
    lesson = tree.write(LESSON, "projector.yaml")
    store = tree.root / "store"
    environment = {**os.environ, "CLASSROOM_CACHE_DIR": str(store)}
    prepare = [*classroom_program(), "prepare", str(lesson), "--untrained"]
    subprocess.run(prepare, env=environment, check=True, capture_output=True)
    with classroom_app(tree.lessons, store) as server:
        yield server.url


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CLASSROOM_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def projector_tab(browser: BrowserContext, url: str, size: tuple[int, int]) -> Iterator[Page]:
    """A fresh tab of the window's size, opened on ``url`` (as a shared link is)."""
    tab = browser.new_page()
    tab.set_viewport_size({"width": size[0], "height": size[1]})
    tab.goto(url)
    try:
        yield tab
    finally:
        tab.close()


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}


def _on_screen(what: str, box: dict[str, float], size: tuple[int, int]) -> None:
    """The box lies wholly in the window (page coordinates of the top frame)."""
    width, height = size
    assert box["x"] >= 0, (what, box)
    assert box["y"] >= 0, (what, box)
    assert box["x"] + box["width"] <= width + 0.5, (what, box, size)
    assert box["y"] + box["height"] <= height + 0.5, (what, box, size)


def _open(page: Page) -> Frame:
    frame = wait_painted(page, timeout_ms=120_000)
    navigator = page.frame_locator(NAVIGATOR)
    expect(navigator.get_by_role("button", name="Next")).to_be_visible()
    # The layout settles once the frame knows its place in the page and its controls' height.
    frame.wait_for_function(
        "() => document.querySelectorAll('[data-testid=colour-scale][aria-label*=from]').length"
        " === document.querySelectorAll('[data-testid=panel]').length",
        polling=POLL_MS,
    )
    return frame


@pytest.mark.parametrize("size", SCREENS, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("step", ["three", "one", "tall"])
def test_presenter_mode_fits_a_projector(
    browser: BrowserContext, app_url: str, screenshots: Path, size: tuple[int, int], step: str
) -> None:
    url = f"{app_url}/?lesson=projector&step={step}&present=1"
    with projector_tab(browser, url, size) as page:
        frame = _open(page)
        view = page.frame_locator('iframe[title="classroom.component.similarity_view"]')
        shot = screenshots / f"presenter-{step}-{size[0]}x{size[1]}.png"
        page.screenshot(path=str(shot))

        assert page.evaluate(_SCROLLED) == 0, f"?present=1 must open at the top ({shot})"
        navigator = page.frame_locator(NAVIGATOR)
        for name in ("Back", "Next"):
            _on_screen(name, _box(navigator.get_by_role("button", name=name)), size)
        _on_screen("step title", _box(page.get_by_role("heading", name=TITLES[step])), size)
        surfaces = view.locator("[data-testid=panel]")
        count = surfaces.count()
        assert count == (1 if step == "one" else 3)
        panels = []
        for index in range(count):
            panels.append(_box(surfaces.nth(index)))
            _on_screen(f"panel {index}", panels[-1], size)
            _on_screen(f"label {index}", _box(view.locator(".panel-label").nth(index)), size)
            scale = view.locator("[data-testid=colour-scale]").nth(index)
            _on_screen(f"colour scale {index}", _box(scale), size)
            # The label is not cut: its lines fit its box.
            label: dict[str, int] = (
                view.locator(".panel-details")
                .nth(index)
                .evaluate(
                    "(line) => ({details: line.scrollWidth, detailsClient: line.clientWidth})"
                )
            )
            assert label["details"] <= label["detailsClient"], (index, label, shot)
        controls = _box(view.locator(".controls"))
        _on_screen("controls", controls, size)

        # The panels use what they can: the row spans the width, or the controls reach the
        # bottom of the window (the height binds).
        row_width = max(p["x"] + p["width"] for p in panels) - min(p["x"] for p in panels)
        frame_box = _box(page.locator('iframe[title="classroom.component.similarity_view"]'))
        width_used = row_width / frame_box["width"]
        slack_below = size[1] - (controls["y"] + controls["height"])
        assert width_used >= 0.8 or slack_below <= 80, (width_used, slack_below, shot)

        small = [text for text in frame.evaluate(_TEXT_SIZES) if text["size"] < MIN_TEXT_PX]
        assert not small, (small, shot)

        # The bar chart starts hidden on a projector, and the button shows and hides it.
        toggle = view.get_by_test_id("chart-toggle")
        expect(view.locator(".chart-canvas")).to_have_count(0)
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
        expect(view.locator(".chart-canvas")).to_be_visible()
        page.screenshot(path=str(shot.with_name(shot.stem + "-chart.png")))
        small = [text for text in frame.evaluate(_TEXT_SIZES) if text["size"] < MIN_TEXT_PX]
        assert not small, (small, shot)
        toggle.click()
        expect(view.locator(".chart-canvas")).to_have_count(0)
