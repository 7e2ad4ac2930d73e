"""Without WebGL 2 every panel says so, in words; the view is never a blank box."""

from __future__ import annotations

from playwright.sync_api import Playwright, expect

from harness.chromium import launch
from tests.browser.conftest import IFRAME


def test_a_browser_without_webgl_gets_a_clear_message(
    playwright_instance: Playwright, server_url: str
) -> None:
    with launch(playwright_instance, extra_flags=("--disable-webgl",)) as context:
        page = context.new_page()
        page.goto(server_url)
        view = page.frame_locator(IFRAME).first
        panels = view.get_by_test_id("panel")
        expect(panels).to_have_count(3)
        for index in range(3):
            expect(panels.nth(index).get_by_role("alert")).to_contain_text(
                "WebGL 2 is not available"
            )
            expect(panels.nth(index)).to_be_visible()
        # The labels still say what each panel would show.
        expect(view.locator(".panel-name").nth(2)).to_have_text("conv4_x")
        expect(view.locator("canvas.stage-canvas")).to_be_hidden()
