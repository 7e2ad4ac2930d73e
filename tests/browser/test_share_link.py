"""The share box's "Copy link" in real Chromium: one click, the link on the clipboard.

On a secure page (the app on this computer's own address) with the clipboard permitted, a
real click on "Copy link" must put on the clipboard exactly the link the box shows, read back
through the Clipboard API; and the page must never ask for Streamlit's syntax highlighter (the
1.5 MB chunk ``st.code`` loads, which the share box dropped for the open's sake, issue 13).
On a page that is not a secure context (the same app under a name that is not this computer's
own, as a class on a LAN opens it) the browser has no Clipboard API: the button must select
the link in a text field, say why on screen, and still copy it with the older command.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
from PIL import Image
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from classroom.component.copy_link import COPIED, COPIED_BY_COMMAND, INSECURE
from harness.app import NAVIGATOR, classroom_app, wait_painted
from harness.chromium import launch
from tests.conftest import picture
from tests.lesson_tree import LessonTree

#: The first page of a process loads the lessons (seconds on a busy machine).
STARTUP_MS = 90_000
LESSON = """\
title: Sharing
model: resnet18
layers: [conv2_x]
max_side: 128
images:
  p0: {path: p0.png, attribution: "made by the tests, CC0"}
steps:
  - {id: s0, title: Step 1, image: p0, reference: [10, 20], text: One step.}
  - {id: s1, title: Step 2, image: p0, reference: [30, 40], text: Another step.}
"""
#: A name that is not this computer's own (so not a secure context) for the loopback address.
LAN_NAME = "classroom-lan.test"
#: The static file ``st.code`` makes Streamlit load (found by loading a page with ``st.code``).
HIGHLIGHTER = "StreamlitSyntaxHighlighter."


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``classroom run --untrained`` on a one-step lesson."""
    tree = LessonTree(tmp_path_factory.mktemp("share"))
    Image.fromarray(picture(128, 96, seed=3)).save(tree.datasets / "p0.png")
    tree.write(LESSON, "sharing.yaml")
    with classroom_app(tree.lessons, tree.root / "store") as server:
        yield server.url


@pytest.fixture(scope="module")
def lan_browser(playwright_instance: Playwright) -> Iterator[BrowserContext]:
    """Chromium that resolves :data:`LAN_NAME` to the loopback address, clipboard permitted.

    Launched from the suite's one Playwright (a second ``sync_playwright()`` in the same thread
    fails while the first runs, as it does when the whole browser suite runs).
    """
    with launch(
        playwright_instance, extra_flags=[f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1"]
    ) as context:
        context.set_default_timeout(60_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield context


def _wait_ready(page: Page) -> None:
    """Until the component's script has wired the button for the link on screen (a click
    before that does nothing: the button's HTML is there first)."""
    expect(page.locator(".classroom-copy-link button[data-ready*='step=']")).to_be_visible(
        timeout=STARTUP_MS
    )


def _open_share_box(page: Page, url: str) -> str:
    """The lesson at ``url`` with its share box open: the link the box shows."""
    page.goto(f"{url}/?lesson=sharing&step=s0")
    # The step's runs are over once its view is painted: the box then stays where it is.
    wait_painted(page, timeout_ms=STARTUP_MS)
    page.get_by_text("Share this view").click()
    _wait_ready(page)
    return _shown_link(page, "step=s0")


def _shown_link(page: Page, part: str) -> str:
    """The link the share box shows, once it contains ``part``."""
    box = page.get_by_test_id("stExpander").filter(has_text="Share this view")
    return str(box.locator(f'a[href*="{part}"]').get_attribute("href"))


def test_copy_link_puts_the_shown_link_on_the_clipboard_without_the_highlighter(
    lan_browser: BrowserContext, app_url: str
) -> None:
    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    assert list(js.glob(f"{HIGHLIGHTER}*.js")), "Streamlit renamed its highlighter's chunk"
    page = lan_browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        link = _open_share_box(page, app_url)
        assert page.evaluate("window.isSecureContext")
        copy = page.get_by_role("button", name="Copy link")
        said = page.locator(".classroom-copy-link [role=status]")
        copy.click()
        expect(said).to_have_text(COPIED)
        assert page.evaluate("navigator.clipboard.readText()") == link

        # Another step: another link, and "Copied." no longer said of it until it is copied.
        page.frame_locator(NAVIGATOR).get_by_role("button", name="Next").click()
        moved = _shown_link(page, "step=s1")
        expect(said).to_have_text("")
        expect(copy).to_have_attribute("data-ready", moved, timeout=STARTUP_MS)
        copy.click()
        expect(said).to_have_text(COPIED)
        assert page.evaluate("navigator.clipboard.readText()") == moved
        # The share box was drawn (with the rest of its script run) before the click: a
        # highlighter its elements needed was asked for by then.
        assert not [url for url in requested if HIGHLIGHTER in url]
    finally:
        page.close()


def test_on_a_page_without_the_clipboard_api_the_link_is_selected_and_the_page_says_why(
    lan_browser: BrowserContext, app_url: str
) -> None:
    lan_url = app_url.replace("127.0.0.1", LAN_NAME)
    page = lan_browser.new_page()
    try:
        link = _open_share_box(page, lan_url)
        assert LAN_NAME in link
        assert not page.evaluate("window.isSecureContext")
        assert page.evaluate("navigator.clipboard === undefined")
        page.get_by_role("button", name="Copy link").click()
        said = page.locator(".classroom-copy-link [role=status]")
        expect(said).to_contain_text(INSECURE)
        field = page.get_by_role("textbox", name="The link to copy")
        assert field.is_visible()
        assert field.input_value() == link
        assert field.evaluate(
            "(field) => document.activeElement === field && field.selectionStart === 0"
            " && field.selectionEnd === field.value.length"
        )
        # Chromium lets a click copy with the older command on any page: the clipboard, read
        # on a secure page of the same browser, holds the link.
        assert said.inner_text().startswith(COPIED_BY_COMMAND)
        secure = lan_browser.new_page()
        try:
            secure.goto(f"{app_url}/_stcore/health")
            assert secure.evaluate("navigator.clipboard.readText()") == link
        finally:
            secure.close()
    finally:
        page.close()
