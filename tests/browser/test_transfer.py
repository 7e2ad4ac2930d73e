"""Feature bytes reach the browser once: not again on a rerun, a step or a pointer move."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import IFRAME, POLL_MS, PreparedViews, hook, view_frame


def test_feature_bytes_are_not_sent_again(page: Page, prepared_views: PreparedViews) -> None:
    # Count what the network delivers, independently of the page's own counter.
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    requests: dict[str, str] = {}
    received: dict[str, int] = {}

    def on_request(event: dict[str, Any]) -> None:
        path = urlsplit(event["request"]["url"]).path  # the URL carries ?v=<checksum>
        if path.startswith("/classroom/files/") and path.endswith(".cfm"):
            requests[event["requestId"]] = event["request"]["url"]

    def on_data(event: dict[str, Any]) -> None:
        # dataLength counts decoded bytes (the server may compress what it sends).
        if event["requestId"] in requests:
            received[event["requestId"]] = received.get(event["requestId"], 0) + event["dataLength"]

    session.on("Network.requestWillBeSent", on_request)
    session.on("Network.dataReceived", on_data)

    frames = [view_frame(page, index) for index in range(len(prepared_views.views))]
    expected_bytes = sum(
        layer.nbytes for layers in prepared_views.views.values() for layer in layers
    )
    layer_count = sum(len(layers) for layers in prepared_views.views.values())
    page.evaluate("0")  # a round trip: the protocol delivers earlier events first
    assert len(requests) == layer_count
    assert sorted(requests.values()) == sorted(set(requests.values()))
    assert sum(received.values()) == expected_bytes
    transfers = [hook(frame, "transfers") for frame in frames]
    assert sum(transfer["bytes"] for transfer in transfers) == expected_bytes
    assert all(
        entry["fetches"] == 1 for transfer in transfers for entry in transfer["perEntry"].values()
    )

    # A rerun (Python sends the arguments again) ...
    runs = page.get_by_text("runs: ", exact=False)
    expect(runs).to_have_text("runs: 1")
    page.get_by_role("button", name="Rerun").click()
    expect(runs).to_have_text("runs: 2")
    # ... and a new reference pixel in every view.
    for frame in frames:
        hook(frame, "setReference", 10, 20)
        frame.wait_for_function(
            "() => window.__classroomView.panels().every("
            "(panel) => panel.cell !== null && panel.cell.x === Math.floor(10 / panel.stride))",
            polling=POLL_MS,
        )
    page.frame_locator(IFRAME).first.get_by_test_id("panel").first.hover()

    page.evaluate("0")
    assert len(requests) == layer_count, "feature files were requested again"
    assert [hook(frame, "transfers") for frame in frames] == transfers
