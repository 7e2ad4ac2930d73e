"""Deliberate actions reach Python once each; pointing never does."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import IFRAME, POLL_MS, hook, view_frame


def last_event(last: Locator, kind: str) -> Any:
    """The page's last event, once it is one of ``kind``.

    The page updates its lines one after another within a rerun, so "events: ..." can show
    the new counts while "last event: ..." still shows the previous event: wait for this one.
    """
    expect(last).to_have_text(re.compile(r'^last event: \{.*"kind":"' + kind + '"'))
    return json.loads(last.inner_text().removeprefix("last event: "))


def test_pin_lock_release_and_step_each_send_one_event(page: Page) -> None:
    frame = view_frame(page, 0)
    runs = page.get_by_text("runs: ", exact=False)
    events = page.get_by_text("events: ", exact=False)
    last = page.get_by_text("last event: ", exact=False)
    expect(runs).to_have_text("runs: 1")
    panels = page.frame_locator(IFRAME).first.get_by_test_id("panel")

    # Hovering moves the reference but does not rerun the script.
    for fraction in (0.2, 0.4, 0.6, 0.8):
        box = panels.nth(0).bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + fraction * box["width"], box["y"] + fraction * box["height"])
        frame.wait_for_function(
            "(x) => window.__classroomView.state().reference?.x === x",
            arg=int(fraction * 256 * 0.999999),
            polling=POLL_MS,
        )

    panels.nth(2).click(position={"x": 30, "y": 20})
    expect(events).to_have_text("events: pin=1 lock=0 release=0 step=0")
    expect(runs).to_have_text("runs: 2")  # the clicks were the first rerun: hovering made none
    pinned = hook(frame, "state")["pinned"]
    assert last_event(last, "pin")["state"]["pinned"] == pinned

    page.keyboard.press("l")
    expect(events).to_have_text("events: pin=1 lock=1 release=0 step=0")
    assert last_event(last, "lock")["state"]["locked"] is True

    page.keyboard.press("Escape")
    expect(events).to_have_text("events: pin=1 lock=1 release=1 step=0")
    last_event(last, "release")
    assert hook(frame, "state")["pinned"] is None

    page.keyboard.press("PageDown")
    expect(events).to_have_text("events: pin=1 lock=1 release=1 step=1")
    assert last_event(last, "step")["delta"] == 1
    expect(runs).to_have_text("runs: 5")

    # The lock button does what L does.
    page.frame_locator(IFRAME).first.get_by_test_id("lock").click()
    expect(events).to_have_text("events: pin=1 lock=2 release=1 step=1")
    expect(runs).to_have_text("runs: 6")

    # A rerun hands the component's last value to Python again: it is not a new event.
    page.get_by_role("button", name="Rerun").click()
    expect(runs).to_have_text("runs: 7")
    expect(events).to_have_text("events: pin=1 lock=2 release=1 step=1")
