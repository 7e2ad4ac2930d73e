"""Cross-image similarity: one image's reference pixel lights up other images, on the GPU,
exactly as classroom.similarity.compare_across (numpy) says, for every metric, at 8 and 16 bit.

The reference vector is the stage's conv3_x cell under the reference pixel; each other image's
conv3_x map is compared with it by the same passes as the stage, and all images share one
(min, max), so that a colour means the same value in every image.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from playwright.sync_api import BrowserContext, Frame

from classroom.similarity import METRIC_LEGENDS, METRICS, Metric, compare_across, image_to_cell
from harness.app import view_frame
from tests.browser.conftest import IFRAME, IMAGE, POLL_MS, PreparedViews, hook, open_tab, views_url
from tests.browser.test_metrics import BOUNDED, assert_matches_oracle

#: Inside the image, at its far corner, and in the block of dead (all-zero) cells.
PIXELS = ((100, 60), (255, 191), (3, 2))
#: The contract's panels: three similarity panels, then the cross-image panel.
ACROSS_INDEX = 3
#: The renderer's panel kind for each metric.
MODES: dict[Metric, str] = {
    "angular": "similarity",
    "cosine": "cosine",
    "euclidean": "euclidean",
    "dot": "dot",
}


def across(frame: Frame) -> dict[str, Any]:
    report = hook(frame, "technique", ACROSS_INDEX)
    assert report is not None
    assert report["kind"] == "across", report
    result: dict[str, Any] = report["across"]
    return result


@pytest.mark.parametrize("precision", [8, 16])
def test_cross_image_similarity_matches_numpy_on_every_image(
    browser: BrowserContext, server_url: str, prepared_views: PreparedViews, precision: int
) -> None:
    key = f"across{precision}"
    reference_layer = prepared_views.extra[key][1]
    others = prepared_views.across[key]
    assert reference_layer.header.key.layer == others[0].header.key.layer == "conv3_x"
    reference = reference_layer.encoded()
    with open_tab(browser, views_url(server_url, key)) as page:
        frame = view_frame(page)
        frame.wait_for_function(
            "(index) => window.__classroomView.technique(index)?.across?.ready === true",
            arg=ACROSS_INDEX,
            polling=POLL_MS,
        )
        control = page.frame_locator(IFRAME).first
        for metric in METRICS:
            control.get_by_test_id("metric").select_option(metric)
            frame.wait_for_function(
                "([index, mode]) => window.__classroomView.technique(index)?.across?.mode === mode",
                arg=[ACROSS_INDEX, MODES[metric]],
                polling=POLL_MS,
            )
            assert (
                METRIC_LEGENDS[metric][0]
                in page.frame_locator(IFRAME)
                .first.get_by_test_id("across-panel")
                .locator(".panel-name")
                .inner_text()
            )
            for pixel in PIXELS:
                hook(frame, "setReference", *pixel)
                cell_x, cell_y = image_to_cell(*pixel, reference_layer.header.info.stride, *IMAGE)
                codes = reference.code_vectors()[cell_y, cell_x]
                scale = float(reference.scales[cell_y, cell_x])
                read = across(frame)
                expected_all = []
                for other, got_read in zip(others, read["images"], strict=True):
                    encoded = other.encoded()
                    expected = compare_across(
                        metric, encoded.code_vectors(), encoded.scales, codes, scale
                    )
                    expected_all.append(expected)
                    assert got_read is not None, f"{key} {metric} at {pixel}: not computed"
                    assert (got_read["width"], got_read["height"]) == (
                        other.header.width,
                        other.header.height,
                    )
                    got = np.asarray(got_read["values"], dtype=np.float64).reshape(expected.shape)
                    assert_matches_oracle(got, expected, metric, f"{key} {other.path.name} {pixel}")
                    if not codes.any() and metric in BOUNDED:
                        assert np.all(got == 0), "a zero reference vector is like no cell"
                # One colour scale for all images: the range of every image's values together.
                low = min(float(values.min()) for values in expected_all)
                high = max(float(values.max()) for values in expected_all)
                span = 1.0 if metric in BOUNDED else max(high - low, 1e-12)
                assert read["range"]["min"] == pytest.approx(low, abs=span / 255)
                assert read["range"]["max"] == pytest.approx(high, abs=span / 255)
