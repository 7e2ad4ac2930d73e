"""Pointing at one panel moves the reference in all of them, in the same frame."""

from __future__ import annotations

import math
from typing import Any

import pytest
from playwright.sync_api import Page

from classroom.similarity import image_to_cell
from tests.browser.conftest import IFRAME, IMAGE, POLL_MS, hook, view_frame


def to_image(
    x: float, y: float, box: dict[str, float], view: dict[str, float]
) -> tuple[float, float]:
    """geometry.ts's screenToImage, written out: the image point under a panel-local point."""
    scale = min(box["width"] / IMAGE[0], box["height"] / IMAGE[1]) * view["zoom"]
    return (
        view["centerX"] + (x - box["width"] / 2) / scale,
        view["centerY"] + (y - box["height"] / 2) / scale,
    )


@pytest.mark.parametrize("zoom_steps", [0, 3])
def test_pointing_repaints_all_panels_and_their_markers_agree(page: Page, zoom_steps: int) -> None:
    frame = view_frame(page, 0)
    origin = page.locator(IFRAME).first.bounding_box()
    assert origin is not None
    if zoom_steps:
        page.frame_locator(IFRAME).first.get_by_role("button", name="Zoom in").click()
        for _ in range(zoom_steps - 1):
            page.keyboard.press("+")
    view = hook(frame, "state")["view"]
    assert view["zoom"] == pytest.approx(1.25**zoom_steps)
    before = hook(frame, "panels")
    target = before[1]["box"]  # point at the middle panel (conv3_x)
    local = (0.37 * target["width"], 0.61 * target["height"])
    page.mouse.move(origin["x"] + target["x"] + local[0], origin["y"] + target["y"] + local[1])
    x, y = (math.floor(value) for value in to_image(*local, target, view))
    cells = [list(image_to_cell(x, y, panel["stride"], *IMAGE)) for panel in before]
    frame.wait_for_function(
        "(cells) => window.__classroomView.panels()"
        ".every((panel, i) => panel.cell !== null && panel.cell.x === cells[i][0]"
        " && panel.cell.y === cells[i][1])",
        arg=cells,
        polling=POLL_MS,
    )
    assert hook(frame, "state")["reference"] == {"x": x, "y": y}
    panels: list[dict[str, Any]] = hook(frame, "panels")
    for panel in panels:
        # The marker sits on the same image location in every panel: the pixel's centre.
        marker = to_image(
            panel["marker"]["x"] - panel["box"]["x"],
            panel["marker"]["y"] - panel["box"]["y"],
            panel["box"],
            view,
        )
        assert marker == pytest.approx((x + 0.5, y + 0.5), abs=1e-6)
    # Every panel recomputed its map in one and the same frame, after the move.
    computed = {panel["computedFrame"] for panel in panels}
    assert len(computed) == 1
    assert computed.pop() > max(panel["computedFrame"] for panel in before)
