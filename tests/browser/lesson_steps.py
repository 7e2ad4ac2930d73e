"""Opening a bundled lesson's step in the app and waiting until its view is painted.

Shared by the browser tests of the lessons whose text makes claims about what the view shows
(``test_shapes_lesson.py``, ``test_four_ways_lesson.py``): they wait on the view's own state
(every panel ready and drawn at the step's preset reference), never on time.
"""

from __future__ import annotations

from typing import Final

from playwright.sync_api import Frame, Page

from classroom.lessons import Step
from harness.app import IFRAME, POLL_MS

__all__ = ["PREPARATION_MS", "drawn_view"]

#: The first visit starts the app and prepares the step's picture (a small network, but a
#: loaded machine), and computes its techniques, before the view shows.
PREPARATION_MS: Final = 240_000

#: True once every panel is ready and has drawn the reference cell of the preset pixel.
_DRAWN: Final = """([reference, layers]) => {
    const view = window.__classroomView;
    if (view === undefined) return false;
    const state = view.state();
    const panels = view.panels();
    return state.reference !== null
        && state.reference.x === reference[0] && state.reference.y === reference[1]
        && panels.length === layers.length
        && panels.every((panel, i) => panel.layer === layers[i]
            && panel.status?.kind === "ready" && panel.cell !== null && panel.computedFrame >= 0);
}"""


def drawn_view(page: Page, step: Step) -> Frame:
    """The view's frame once it shows ``step`` painted at its preset reference."""
    assert step.reference is not None
    handle = page.locator(IFRAME).first.element_handle(timeout=PREPARATION_MS)
    frame = handle.content_frame()
    assert frame is not None, "the view's iframe has no document"
    layers = [panel.layer for panel in step.panels]
    frame.wait_for_function(
        _DRAWN, arg=[list(step.reference), layers], polling=POLL_MS, timeout=PREPARATION_MS
    )
    return frame
