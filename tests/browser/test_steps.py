"""Every Back and Next press counts, however fast they come (issue 11.6, issue 17.10).

A presenter's remote sends PageDown several times in a row when the instructor skips ahead;
students double-click Next. On a busy machine the page is still rerunning for the first press
when the next arrive. Real `classroom run`, real Chromium, and two processes that keep both
cores busy, so each rerun takes as long as on a loaded classroom laptop.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from harness.app import NAVIGATOR, classroom_app, classroom_program, wait_painted
from tests.browser.conftest import IFRAME, POLL_MS, hook, open_tab
from tests.conftest import picture
from tests.lesson_tree import LessonTree

STEPS = 10
LESSON = "title: Skipping ahead\nmodel: resnet18\nlayers: [conv2_x, conv3_x]\nmax_side: 128\n"
LESSON += "images:\n" + "".join(
    f'  p{index}: {{path: p{index}.png, attribution: "made by the tests, CC0"}}\n'
    for index in range(3)
)
LESSON += "steps:\n" + "".join(
    f"  - {{id: s{index}, title: Step {index + 1}, image: p{index % 3}, "
    f"reference: [{10 + index}, 20], text: Step number {index + 1}.}}\n"
    for index in range(STEPS)
)


@pytest.fixture(scope="module")
def lesson_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``classroom run --untrained`` on a ten-step lesson, prepared ahead as before a class."""
    tree = LessonTree(tmp_path_factory.mktemp("steps"))
    for index in range(3):
        Image.fromarray(picture(128, 96, seed=index)).save(tree.datasets / f"p{index}.png")
    lesson = tree.write(LESSON, "skipping.yaml")
    store = tree.root / "store"
    environment = {**os.environ, "CLASSROOM_CACHE_DIR": str(store)}
    prepare = [*classroom_program(), "prepare", str(lesson), "--untrained"]
    subprocess.run(prepare, env=environment, check=True, capture_output=True)
    with classroom_app(tree.lessons, store) as server:
        yield f"{server.url}/?lesson=skipping&step=s0"


@contextmanager
def busy_machine(processes: int = 2) -> Iterator[None]:
    """Processes that spin on every core, as other programs do on a classroom laptop."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def _ready(page: Page) -> None:
    # The first page of a process loads the lessons (seconds on a busy machine).
    expect(page.get_by_role("heading", name="Step 1", exact=True)).to_be_visible(timeout=60_000)
    wait_painted(page)
    expect(page.frame_locator(NAVIGATOR).get_by_role("button", name="Next")).to_be_enabled()


def _at_step(page: Page, index: int) -> None:
    """The page shows step ``index`` and the address bar (the share link) says so."""
    page.wait_for_function(
        "(step) => new URLSearchParams(location.search).get('step') === step",
        arg=f"s{index}",
        polling=POLL_MS,
    )
    heading = page.get_by_role("heading", name=f"Step {index + 1}", exact=True)
    expect(heading).to_be_visible(timeout=60_000)


@pytest.mark.parametrize("where", ["page", "view", "button"])
def test_three_quick_presses_move_three_steps(
    browser: BrowserContext, lesson_url: str, where: str
) -> None:
    with open_tab(browser, lesson_url) as page:
        _ready(page)
        if where == "view":  # the keys reach the view's frame, which hands them on
            page.frame_locator(IFRAME).first.locator(".view").focus()
        else:
            page.evaluate("() => document.activeElement?.blur()")

        with busy_machine():
            for _ in range(3):  # back to back: faster than any remote
                if where == "button":
                    page.frame_locator(NAVIGATOR).get_by_role("button", name="Next").click()
                else:
                    page.keyboard.press("PageDown")
            _at_step(page, 3)

            for key in ("PageUp", "PageUp", "PageDown", "PageUp"):
                page.keyboard.press(key)
            _at_step(page, 1)


#: A view frame in the page that has painted every panel (a deaf frame never renders a view).
_PAINTED_VIEW = """(selector) => [...document.querySelectorAll(selector)].some((frame) => {
    const view = frame.contentWindow?.__classroomView;
    return view !== undefined && view.panels().length > 0 && view.panels().every(
        (panel) => panel.status?.kind === "ready" && panel.computedFrame >= 0);
})"""


def test_a_view_frame_the_page_moved_is_drawn_anew(
    browser: BrowserContext, lesson_url: str
) -> None:
    """Issue 11.1: after a lesson switch while preparing, the view stayed blank until a reload.

    Streamlit listens to the window a component frame had when it was mounted; a frame moved
    in the page reloads with a new window, whose "ready" it ignores ("Received component
    message for unregistered ComponentInstance"), so the frame never gets its arguments.
    Here the frame is moved as the page did; the view must come back by itself.
    """
    with open_tab(browser, lesson_url) as page:
        _ready(page)
        unheard: list[str] = []
        page.on("console", lambda message: unheard.append(message.text))
        page.locator(IFRAME).first.evaluate(
            "(frame) => { const parent = frame.parentElement;"
            " parent.removeChild(frame); parent.appendChild(frame); }"
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('iframe')].some((frame) =>"
            " frame.contentDocument?.body?.innerText.includes('Starting the similarity view'))",
            polling=POLL_MS,
        )
        page.wait_for_function(_PAINTED_VIEW, arg=IFRAME, polling=POLL_MS, timeout=60_000)
        assert any("unregistered ComponentInstance" in text for text in unheard)
        expect(page.get_by_role("heading", name="Step 1", exact=True)).to_be_visible()


#: Per animation frame of the view: for each panel, whether its map of the current step is on
#: screen (computed after ``since``, no loading message over it) and what its colour scale says.
_RECORD = """(since) => {
    window.__scales = [];
    const record = () => {
        const view = window.__classroomView;
        if (view !== undefined) {
            const surfaces = [...document.querySelectorAll("[data-testid=panel]")];
            const scales = [...document.querySelectorAll("[data-testid=colour-scale]")];
            window.__scales.push(view.panels().map((panel, i) => ({
                shown: panel.status?.kind === "ready" && panel.computedFrame > since
                    && surfaces[i]?.querySelector(".panel-message") === null,
                scale: scales[i]?.getAttribute("aria-label") ?? "",
            })));
        }
        requestAnimationFrame(record);
    };
    requestAnimationFrame(record);
}"""


def test_colour_scales_show_the_maps_numbers_from_its_first_frame(
    browser: BrowserContext, lesson_url: str
) -> None:
    """Issue 11.8: right after a step change the legend was empty, or read 0 to 0, for a few
    frames while the map was already drawn."""
    with open_tab(browser, lesson_url) as page:
        _ready(page)
        frame = wait_painted(page)
        since = max(panel["frame"] for panel in hook(frame, "panels"))
        frame.evaluate(_RECORD, since)
        page.keyboard.press("PageDown")
        _at_step(page, 1)
        frame.wait_for_function(
            "(since) => window.__classroomView.panels().every((panel) =>"
            " panel.status?.kind === 'ready' && panel.computedFrame > since)",
            arg=since,
            polling=POLL_MS,
        )
        frame.wait_for_function(  # and a few frames more on screen
            "() => window.__scales.filter((panels) => panels.every((p) => p.shown)).length >= 5",
            polling=POLL_MS,
        )
        frames: list[list[dict[str, Any]]] = frame.evaluate("() => window.__scales")
        final = [panel["scale"] for panel in frames[-1]]
        for index, scale in enumerate(final):
            extremes = hook(frame, "range", index)
            assert "similarity from" in scale
            assert extremes["min"] < extremes["max"], scale
        for frame_panels in frames:
            for panel, scale in zip(frame_panels, final, strict=True):
                if panel["shown"]:
                    assert panel["scale"] == scale, (panel["scale"], scale)
