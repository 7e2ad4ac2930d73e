"""A lost graphics context comes back by itself, and layers split across texture arrays
(as on devices with few array layers) still give the reference's similarities."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import POLL_MS, PreparedViews, hook, view_frame
from tests.browser.test_fidelity import TOLERANCE, expected_similarity, frame_of, gpu_values

PIXEL = (180, 40)


def assert_matches_numpy(page: Page, prepared_views: PreparedViews, key: str) -> None:
    frame = frame_of(page, prepared_views, key)
    hook(frame, "setReference", *PIXEL)
    for index, layer in enumerate(prepared_views.views[key]):
        difference = np.abs(gpu_values(frame, index, layer) - expected_similarity(layer, PIXEL))
        assert (difference <= TOLERANCE).mean() >= 0.999, layer.header.key.layer


def test_a_lost_context_is_restored_without_fetching_again(
    page: Page, prepared_views: PreparedViews
) -> None:
    frame = view_frame(page, 0)
    transfers = hook(frame, "transfers")
    assert hook(frame, "loseContext")
    frame.wait_for_function(
        "() => window.__classroomView.panels().every((panel) => panel.status.kind !== 'ready')",
        polling=POLL_MS,
    )
    frame.get_by_role("alert").filter(has_text="graphics context was lost").wait_for()
    assert hook(frame, "restoreContext")
    assert_matches_numpy(page, prepared_views, "view8")
    assert hook(frame, "transfers") == transfers


@pytest.mark.parametrize("key", ["view8", "view16"])
def test_layers_split_across_texture_arrays_match_numpy(
    page: Page, prepared_views: PreparedViews, key: str
) -> None:
    frame = frame_of(page, prepared_views, key)
    frame.evaluate("() => window.__classroomView.setLimits({ maxArrayLayers: 4 })")
    arrays = [hook(frame, "layerInfo", index)["arrays"] for index in range(3)]
    # conv4_x (256 channels) needs 16 (8 bit) or 32 (16 bit) texel slices: 4 or 8 arrays.
    assert arrays[2] == (4 if key == "view8" else 8)
    assert_matches_numpy(page, prepared_views, key)
