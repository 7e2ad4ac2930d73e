"""`classroom run --untrained` in real Chromium: the first bundled lesson, from start to end.

The app prepares the lesson itself (into a fresh store), so this also covers the progress bar
giving way to the view. At every step the view must show the step's preset reference pixel in
every panel, and must have painted again since the previous step.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Frame, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from classroom import images, networks
from classroom.catalog import LessonCatalog
from classroom.lessons import Lesson
from classroom.settings import BUNDLED_LESSONS
from classroom.similarity import image_to_cell
from harness.app import NAVIGATOR, classroom_command, free_port, streamlit_server
from tests.browser.conftest import IFRAME, POLL_MS, hook, open_tab

#: The first visit prepares the step's image with ResNet-101 on the CPU before the view shows.
PREPARATION_S = 240.0

#: True once every panel of the view in this frame is ready and has drawn the expected
#: reference cell in a frame computed after the previous step's: a view that stayed mounted
#: must have repainted, and a view mounted anew painted from scratch.
_DRAWN = """([reference, cells, previousStep, after]) => {
    const view = window.__classroomView;
    if (view === undefined) return false;
    const state = view.state();
    const panels = view.panels();
    const mountedBefore = window.__classroomTestStep === previousStep;
    return state.reference !== null
        && state.reference.x === reference[0] && state.reference.y === reference[1]
        && panels.length === cells.length
        && panels.every((panel, i) => panel.status?.kind === "ready"
            && panel.cell !== null
            && panel.cell.x === cells[i][0] && panel.cell.y === cells[i][1]
            && panel.computedFrame > (mountedBefore ? after : -1));
}"""


@pytest.fixture(scope="module")
def app_caches(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's store and torch hub cache; the store holds a folder of an older format."""
    caches = tmp_path_factory.mktemp("classroom-run")
    old_format = caches / "store" / "features" / "v1"
    old_format.mkdir(parents=True)
    (old_format / "left-by-an-older-release.cfm").write_bytes(b"old")
    return caches


@pytest.fixture(scope="module")
def app_url(app_caches: Path) -> Iterator[str]:
    """``classroom run --untrained`` on the bundled lessons, with an empty store of its own."""
    caches = app_caches
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("CLASSROOM_")
    }
    environment |= {
        "CLASSROOM_CACHE_DIR": str(caches / "store"),
        "TORCH_HOME": str(caches / "torch"),
    }
    with streamlit_server(classroom_command(port), port, environment=environment) as server:
        yield server.url


@pytest.fixture
def app_page(browser: BrowserContext, app_url: str) -> Iterator[Page]:
    with open_tab(browser, app_url) as tab:
        yield tab


def _view_frame(page: Page) -> Frame:
    handle = page.locator(IFRAME).first.element_handle(timeout=PREPARATION_S * 1000)
    frame = handle.content_frame()
    assert frame is not None, "the view's iframe has no document"
    return frame


def _wait_until_drawn(page: Page, lesson: Lesson, index: int, after: int) -> list[dict[str, Any]]:
    """The view's panels once it shows step ``index`` with its preset (see :data:`_DRAWN`).

    While a step's image is still being prepared the page shows a progress bar instead of the
    view, so the previous step's view may go away and a new one appear: wait on the frame
    that is there, and start again when it is replaced.
    """
    step = lesson.steps[index]
    assert step.reference is not None, f"{lesson.id}: step {step.id} has no preset reference"
    original = images.upright_size(lesson.image(step.image).path)
    size = images.analysis_size(*original, lesson.max_side)
    # The preset in analysis-image pixels, and the cell it falls in for each panel's stride.
    reference = images.map_pixel(*step.reference, original, size)
    strides = [networks.layer(lesson.model, panel.layer).stride for panel in step.panels]
    cells = [list(image_to_cell(*reference, stride, *size)) for stride in strides]
    deadline = time.monotonic() + PREPARATION_S
    while True:
        frame = _view_frame(page)
        try:
            frame.wait_for_function(
                _DRAWN,
                arg=[list(reference), cells, index - 1, after],
                polling=POLL_MS,
                timeout=10_000,
            )
        except PlaywrightError as error:
            if frame.is_detached() or time.monotonic() < deadline:
                continue  # replaced by a new view, or still preparing: look again
            shown = {"state": hook(frame, "state"), "panels": hook(frame, "panels")}
            raise AssertionError(
                f"step {index + 1}: expected reference {reference} (cells {cells}); "
                f"the view shows {shown}"
            ) from error
        frame.evaluate("(step) => { window.__classroomTestStep = step; }", index)
        panels: list[dict[str, Any]] = hook(frame, "panels")
        return panels


def test_a_bundled_lesson_steps_through_its_preset_references(app_page: Page) -> None:
    lesson = LessonCatalog(BUNDLED_LESSONS).snapshot().lessons[0]  # the one the app opens
    page = app_page
    after = -1
    for index, step in enumerate(lesson.steps):
        expect(page.get_by_role("heading", name=step.title, exact=True)).to_be_visible(
            timeout=PREPARATION_S * 1000
        )
        # The address bar is the share link of the step on screen.
        page.wait_for_function(
            "([lesson, step]) => { const query = new URLSearchParams(location.search);"
            " return query.get('lesson') === lesson && query.get('step') === step; }",
            arg=[lesson.id, step.id],
            polling=POLL_MS,
        )

        panels = _wait_until_drawn(page, lesson, index, after)

        assert [panel["layer"] for panel in panels] == [panel.layer for panel in step.panels]
        after = max(panel["computedFrame"] for panel in panels)
        if index + 1 < len(lesson.steps):
            # What a presenter remote sends; the app's step navigator listens for it.
            page.keyboard.press("PageDown")

    expect(next_button(page)).to_be_disabled()


def test_the_app_removes_older_store_formats_when_it_starts(
    app_page: Page, app_caches: Path
) -> None:
    expect(next_button(app_page)).to_be_visible(timeout=60_000)
    assert not (app_caches / "store" / "features" / "v1").exists()
    assert (app_caches / "store" / "features").is_dir(), "only the old version's folder goes"


#: Where the view's labels, panels and controls are, in the page's window (CSS pixels).
_VIEW_EXTENT = """() => {
    const frame = window.frameElement.getBoundingClientRect();
    const stage = document.querySelector(".stage").getBoundingClientRect();
    const controls = document.querySelector(".controls").getBoundingClientRect();
    const panels = window.__classroomView.panels();
    return {
        top: frame.top + stage.top,
        bottom: frame.top + controls.bottom,
        panelHeight: panels[0].box.height,
        ready: panels.every((panel) => panel.status?.kind === "ready"),
        windowHeight: window.parent.innerHeight,
    };
}"""


def next_button(page: Page) -> Locator:
    return page.frame_locator(NAVIGATOR).get_by_role("button", name="Next")


def _uncovered(button: Locator) -> bool:
    """Whether the navigator's frame is the element at the button's centre (nothing over it)."""
    box = button.bounding_box()
    assert box is not None, "no such button"
    return bool(
        button.page.evaluate(
            "([x, y, frame]) => document.elementFromPoint(x, y)?.matches(frame) ?? false",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, NAVIGATOR],
        )
    )


def test_presenter_mode_fits_the_view_in_the_window_and_refits_on_resize(
    browser: BrowserContext, app_url: str
) -> None:
    # Short enough that three panels side by side, at full width, would not fit with their
    # labels and controls; Streamlit's header (about 60 px) stays over the top of the page.
    with open_tab(browser, f"{app_url}/?present=1") as page:
        page.set_viewport_size({"width": 1600, "height": 440})
        expect(next_button(page)).to_be_visible(timeout=60_000)
        assert _uncovered(next_button(page)), "the step row must not be under Streamlit's header"

        frame = _view_frame(page)
        frame.wait_for_function(
            f"() => window.__classroomView !== undefined && ({_VIEW_EXTENT})().ready",
            polling=POLL_MS,
            timeout=PREPARATION_S * 1000,
        )
        short: dict[str, Any] = frame.evaluate(_VIEW_EXTENT)
        assert short["windowHeight"] == 440
        assert short["bottom"] - short["top"] <= 440 - 60, short

        page.set_viewport_size({"width": 1600, "height": 1000})
        frame.wait_for_function(
            f"(before) => ({_VIEW_EXTENT})().panelHeight > before",
            arg=short["panelHeight"],
            polling=POLL_MS,
        )
        tall: dict[str, Any] = frame.evaluate(_VIEW_EXTENT)
        assert tall["bottom"] - tall["top"] <= 1000 - 60, tall
