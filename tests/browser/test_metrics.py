"""Every metric of the view, computed on the GPU, equals classroom.similarity.compare (numpy).

The view's metric control switches every panel; the legend states what the colour scale then
means. Angle and cosine lie in [-1, 1] and must agree within 1/255; the distance and the dot
product have the units of the features, so they must agree within 1/255 of the map's span.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import Page

from classroom.similarity import METRIC_LEGENDS, METRICS, Metric, compare, image_to_cell
from tests.browser.conftest import IFRAME, IMAGE, POLL_MS, PreparedViews, hook
from tests.browser.test_fidelity import frame_of, gpu_values

#: Inside the image, at its far corner, and in the block of dead (all-zero) cells.
PIXELS = ((100, 60), (255, 191), (3, 2))
BOUNDED: frozenset[Metric] = frozenset({"angular", "cosine"})


@pytest.mark.parametrize("key", ["view8", "view16"])
def test_every_metric_matches_numpy(page: Page, prepared_views: PreparedViews, key: str) -> None:
    frame = frame_of(page, prepared_views, key)
    control = page.frame_locator(IFRAME).nth(list(prepared_views.views).index(key))
    for metric in METRICS:
        control.get_by_test_id("metric").select_option(metric)
        meaning = METRIC_LEGENDS[metric][1]
        frame.wait_for_function(
            "(text) => document.querySelector('[data-testid=metric-meaning]')?.textContent"
            "?.endsWith(text)",
            arg=meaning,
            polling=POLL_MS,
        )
        for pixel in PIXELS:
            hook(frame, "setReference", *pixel)
            for index, layer in enumerate(prepared_views.views[key]):
                encoded = layer.encoded()
                cell = image_to_cell(*pixel, layer.header.info.stride, *IMAGE)
                expected = compare(metric, encoded.code_vectors(), np.array(cell), encoded.scales)
                got = gpu_values(frame, index, layer)
                assert_matches_oracle(
                    got, expected, metric, f"{key} {metric} {layer.header.key.layer} at {pixel}"
                )


def assert_matches_oracle(
    got: npt.NDArray[np.float64], expected: npt.NDArray[np.float64], metric: Metric, name: str
) -> None:
    """Within 1/255 on >= 99.9 % of cells (of the map's span for distance and dot product)."""
    span = 1.0 if metric in BOUNDED else max(float(np.ptp(expected)), 1e-12)
    error = np.abs(got - expected) / span
    within = error <= 1 / 255
    assert within.mean() >= 0.999, (
        f"{name}: only {within.mean():.4%} of cells within 1/255 (worst {error.max():.5f})"
    )
