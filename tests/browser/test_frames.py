"""Frames cost what they must: pan, zoom and opacity never re-run the value passes, and a
pointer sweep leaves the console free of WebGL warnings (no stalls, no misused buffers)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from tests.browser.conftest import IFRAME, POLL_MS, hook, view_frame

#: The passes that compute a panel's values (the colour scale's numbers and colours).
VALUE_PASSES = ("similarity", "reduction", "colour")
#: What the browser's WebGL implementation (and ANGLE below it) says when a program stalls
#: the GPU or misuses a buffer, a fence or a texture.
WEBGL_WORDS = ("webgl", "gl_", "gl driver", "performance warning", "read-usage", "readpixels")
#: Headless Chromium without a GPU composites the page in software, so it reads every WebGL
#: canvas back itself to show it, and ANGLE notes that read-back as a stall. It comes even
#: from a page that never reads a pixel (tried), so it is the browser's, not the view's: the
#: view's own reads are counted instead (no synchronous one allowed on the move path).
BROWSER_PRESENTATION = "GPU stall due to ReadPixels"
#: Counts, in every frame of the page, readPixels calls that wait for the GPU (those that
#: read into JavaScript memory rather than into a pixel-pack buffer).
COUNT_SYNCHRONOUS_READS = """
(() => {
  const read = WebGL2RenderingContext.prototype.readPixels;
  window.__synchronousReads = 0;
  WebGL2RenderingContext.prototype.readPixels = function (...args) {
    if (typeof args[6] !== "number") window.__synchronousReads += 1;
    return read.apply(this, args);
  };
})();
"""

_FRAMES_AFTER = "(after) => window.__classroomView.passCounts().frames > after"
#: Every panel has drawn the cell under the current reference pixel.
_DRAWN_AT_REFERENCE = """() => {
    const view = window.__classroomView;
    const reference = view.state().reference;
    return reference !== null && view.panels().every((panel) => panel.cell !== null
        && panel.computedFrame >= 0
        && panel.cell.x === Math.floor(reference.x / panel.stride)
        && panel.cell.y === Math.floor(reference.y / panel.stride));
}"""


def _value_runs(counts: dict[str, Any]) -> dict[str, int]:
    return {name: counts["passes"].get(name, 0) for name in VALUE_PASSES}


def test_pan_zoom_and_opacity_frames_do_not_rerun_the_value_passes(page: Page) -> None:
    frame = view_frame(page, 0)
    panel = page.frame_locator(IFRAME).first.get_by_test_id("panel").first
    box = panel.bounding_box()
    assert box is not None
    start = (box["x"] + 0.5 * box["width"], box["y"] + 0.5 * box["height"])
    # The pointer comes to rest where the pan will start: the reference is fixed from here on
    # (a drag, the keyboard and the slider never move it).
    page.mouse.move(*start)
    frame.wait_for_function(_DRAWN_AT_REFERENCE, polling=POLL_MS)
    before = hook(frame, "passCounts")
    assert all(count > 0 for count in _value_runs(before).values())

    page.mouse.down()  # also focuses the view, for the zoom key below
    page.mouse.move(start[0] - 40, start[1] - 30, steps=5)
    page.mouse.up()
    frame.wait_for_function(_FRAMES_AFTER, arg=before["frames"], polling=POLL_MS)
    panned = hook(frame, "passCounts")
    page.keyboard.press("+")
    frame.wait_for_function(_FRAMES_AFTER, arg=panned["frames"], polling=POLL_MS)
    zoomed = hook(frame, "passCounts")
    page.frame_locator(IFRAME).first.get_by_test_id("opacity").fill("0.8")
    frame.wait_for_function(_FRAMES_AFTER, arg=zoomed["frames"], polling=POLL_MS)
    after = hook(frame, "passCounts")

    assert hook(frame, "state")["view"]["zoom"] > 1
    assert after["frames"] > zoomed["frames"] > panned["frames"] > before["frames"]
    assert _value_runs(after) == _value_runs(before), "a still frame re-ran a value pass"

    # A new reference does run them, once per panel: the counts above can change.
    panels = len(hook(frame, "panels"))
    hook(frame, "setReference", 7, 9)
    frame.wait_for_function(
        "([name, count]) => (window.__classroomView.passCounts().passes[name] ?? 0) >= count",
        arg=["similarity", _value_runs(after)["similarity"] + panels],
        polling=POLL_MS,
    )
    moved = _value_runs(hook(frame, "passCounts"))
    assert all(moved[name] == _value_runs(after)[name] + panels for name in VALUE_PASSES)


def test_two_hundred_pointer_moves_log_no_webgl_warning(
    browser: BrowserContext, server_url: str
) -> None:
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in {"warning", "error"}:
            messages.append(f"{message.type}: {message.text}")

    page = browser.new_page()
    page.add_init_script(COUNT_SYNCHRONOUS_READS)
    page.on("console", on_console)
    page.goto(server_url)
    try:
        _sweep_and_check(page, messages)
    finally:
        page.close()


def _sweep_and_check(page: Page, messages: list[str]) -> None:
    frame = view_frame(page, 0)
    panels = hook(frame, "panels")
    # Loading reads back once per new map, so that its colour scale has numbers on its first
    # frame (issue 11.8); None would mean the counter is missing.
    loading_reads = frame.evaluate("() => window.__synchronousReads")
    assert loading_reads is not None
    assert loading_reads <= len(panels)
    origin = page.locator(IFRAME).first.bounding_box()
    assert origin is not None
    before = hook(frame, "passCounts")["passes"].get("similarity", 0)
    last = (0.0, 0.0)
    for move in range(200):
        panel = panels[move % len(panels)]["box"]
        # A path over every panel in turn, far enough apart to change every reference cell.
        fraction_x = ((move * 37) % 97 + 1) / 99
        fraction_y = ((move * 53) % 89 + 1) / 91
        last = (
            origin["x"] + panel["x"] + fraction_x * panel["width"],
            origin["y"] + panel["y"] + fraction_y * panel["height"],
        )
        page.mouse.move(*last)
    # Wait until the last move was drawn and its min/max numbers came back.
    frame.wait_for_function(
        "(count) => (window.__classroomView.passCounts().passes.similarity ?? 0) > count",
        arg=before,
        polling=POLL_MS,
    )
    page.frame_locator(IFRAME).first.get_by_test_id("colour-scale").first.get_by_title(
        "current maximum"
    ).wait_for()
    page.evaluate("0")  # a round trip: console messages sent before it have arrived
    assert frame.evaluate("() => window.__synchronousReads") == loading_reads, "none on moves"
    webgl = [
        text
        for text in messages
        if any(word in text.lower() for word in WEBGL_WORDS) and BROWSER_PRESENTATION not in text
    ]
    assert webgl == [], "\n".join(webgl[:10])
