"""The controls tell the truth and the keyboard never goes dead (issue 11, items 3, 5 and 7)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    IFRAME,
    POLL_MS,
    PreparedViews,
    hook,
    open_tab,
    view_frame,
    views_url,
)

CHART_LABEL = "Feature vector of the reference pixel in"
CHART_ASK = "choose a channel to show it alone"


def test_a_view_that_opens_locked_shows_it_and_l_unlocks_it(
    browser: BrowserContext, server_url: str
) -> None:
    # What a step with `locked: true` or a link with lock=1 sends: a locked preset.
    with open_tab(browser, views_url(server_url, "locked")) as page:
        frame = view_frame(page)
        view = page.frame_locator(IFRAME).first
        assert hook(frame, "state")["locked"]
        lock = view.get_by_test_id("lock")
        expect(lock).to_have_text("Unlock (L)")
        expect(lock).to_have_attribute("aria-pressed", "true")
        expect(view.get_by_role("button", name="Release (Esc)")).to_be_enabled()
        expect(view.get_by_text("pinned (100, 60) · locked")).to_be_visible()

        view.locator(".view").focus()
        page.keyboard.press("l")
        frame.wait_for_function("() => !window.__classroomView.state().locked", polling=POLL_MS)
        expect(lock).to_have_text("Lock (L)")
        expect(lock).to_have_attribute("aria-pressed", "false")
        expect(view.get_by_text("· locked")).to_have_count(0)


def test_the_same_layer_of_two_networks_is_two_choices_and_one_channel_view(
    browser: BrowserContext, server_url: str, prepared_views: PreparedViews
) -> None:
    trained, untrained = prepared_views.extra["twins"]
    with open_tab(browser, views_url(server_url, "twins")) as page:
        frame = view_frame(page)
        view = page.frame_locator(IFRAME).first
        choice = view.get_by_label("Bar chart")
        names = [
            f"conv2_x · {trained.header.info.weights_label}",
            f"conv2_x · {untrained.header.info.weights_label}",
        ]
        expect(choice.locator("option")).to_have_text(names)

        choice.select_option(label=names[1])
        chart = view.get_by_test_id("bar-chart")
        expect(chart).to_have_attribute("aria-label", f"{CHART_LABEL} {names[1]}: {CHART_ASK}")
        box = chart.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
        frame.wait_for_function(
            "() => window.__classroomView.state().channel !== null", polling=POLL_MS
        )
        channel = hook(frame, "state")["channel"]
        assert channel["panel"] == untrained.entry_id, "the chart's own panel, not its layer"
        # One panel shows that channel: channel k of another network is another feature.
        labels = view.locator(".panel-label")
        expect(view.locator(".badge-channel")).to_have_count(1)
        expect(labels.nth(1).locator(".badge-channel")).to_have_text(f"channel {channel['index']}")


def test_keys_still_work_after_a_button_disables_itself(page: Page) -> None:
    frame = view_frame(page, 0)
    view = page.frame_locator(IFRAME).first
    view.get_by_test_id("panel").nth(0).click(position={"x": 40, "y": 30})
    frame.wait_for_function("() => window.__classroomView.state().pinned !== null", polling=POLL_MS)

    release = view.get_by_role("button", name="Release (Esc)")
    release.click()
    expect(release).to_be_disabled()
    page.keyboard.press("l")  # the focus was on Release, which has just been disabled
    frame.wait_for_function("() => window.__classroomView.state().locked", polling=POLL_MS)

    view.get_by_role("button", name="Zoom in").click()
    fit = view.get_by_role("button", name="Fit")
    fit.click()
    expect(fit).to_be_disabled()
    page.keyboard.press("+")
    frame.wait_for_function("() => window.__classroomView.state().view.zoom > 1", polling=POLL_MS)
    assert view.locator(".view").evaluate("(root) => document.activeElement === root")
