"""What the GPU computes and paints equals classroom.similarity (the numpy reference)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import Frame, Page

from classroom.similarity import (
    angular_similarity,
    channel_values,
    colourise,
    image_to_cell,
    stretch,
)
from classroom.store import PreparedLayer
from tests.browser.conftest import IFRAME, IMAGE, POLL_MS, PreparedViews, hook, view_frame

#: Reference pixels: inside the image, at its far corner, and in the block of dead cells
#: (every vector zero there, so every similarity must be 0).
PIXELS = ((100, 60), (255, 191), (3, 2))
TOLERANCE = 1 / 255


def expected_similarity(layer: PreparedLayer, pixel: tuple[int, int]) -> npt.NDArray[np.float64]:
    vectors = layer.encoded().code_vectors()
    cell_x, cell_y = image_to_cell(*pixel, layer.header.info.stride, *IMAGE)
    return angular_similarity(vectors, vectors[cell_y, cell_x])


def gpu_values(frame: Frame, index: int, layer: PreparedLayer) -> npt.NDArray[np.float64]:
    read = hook(frame, "values", index)
    assert (read["width"], read["height"]) == (layer.header.width, layer.header.height)
    return np.asarray(read["values"], dtype=np.float64).reshape(read["height"], read["width"])


def frame_of(page: Page, prepared_views: PreparedViews, key: str) -> Frame:
    return view_frame(page, list(prepared_views.views).index(key))


@pytest.mark.parametrize("key", ["view8", "view16"])
def test_gpu_similarity_matches_numpy(page: Page, prepared_views: PreparedViews, key: str) -> None:
    frame = frame_of(page, prepared_views, key)
    for pixel in PIXELS:
        hook(frame, "setReference", *pixel)
        for index, layer in enumerate(prepared_views.views[key]):
            expected = expected_similarity(layer, pixel)
            got = gpu_values(frame, index, layer)
            within = np.abs(got - expected) <= TOLERANCE
            assert within.mean() >= 0.999, (
                f"{key} {layer.header.key.layer} at {pixel}: only {within.mean():.4%} of cells "
                f"within 1/255 (worst {np.abs(got - expected).max():.4f})"
            )
            # The reference cell itself is as similar as can be; zero vectors are 0 exactly.
            cell_x, cell_y = image_to_cell(*pixel, layer.header.info.stride, *IMAGE)
            if expected.any():
                assert got[cell_y, cell_x] == pytest.approx(1.0, abs=TOLERANCE)
            dead = ~layer.encoded().code_vectors().any(axis=2)
            assert dead.any()
            assert np.all(got[dead] == 0)


@pytest.mark.parametrize("key", ["view8", "view16"])
def test_painted_colours_match_the_numpy_colouring(
    page: Page, prepared_views: PreparedViews, key: str
) -> None:
    """At full heat-map opacity every cell shows colour_lut[floor(stretch(s) * 256)]."""
    index_of_view = list(prepared_views.views).index(key)
    frame = frame_of(page, prepared_views, key)
    # Full opacity through the control itself, as a user would set it.
    page.frame_locator(IFRAME).nth(index_of_view).get_by_test_id("opacity").fill("1")
    pixel = (140, 100)
    hook(frame, "setReference", *pixel)
    for index, layer in enumerate(prepared_views.views[key]):
        painted = hook(frame, "painted", index)
        got = np.asarray(painted["rgb"], dtype=np.int32).reshape(layer.header.height, -1, 3)
        name = f"{key} {layer.header.key.layer}"
        # Exactly the colours the GPU's own similarities call for: stretch and table are right.
        own = colourise(stretch(gpu_values(frame, index, layer))[0]).astype(np.int32)
        assert (got == own).all(axis=2).mean() >= 0.995, name
        # And close to the numpy reference: where the two similarities straddle a boundary of
        # the 256 colour bins a cell shows the neighbouring entry (a few units away).
        stretched, low, high = stretch(expected_similarity(layer, pixel))
        reference = colourise(stretched).astype(np.int32)
        difference = np.abs(got - reference).max(axis=2)
        assert (difference == 0).mean() >= 0.95, f"{name}: {difference}"
        assert (difference <= 6).mean() >= 0.999, f"{name}: {difference}"
        gpu_range = hook(frame, "range", index)
        assert gpu_range["min"] == pytest.approx(low, abs=TOLERANCE)
        assert gpu_range["max"] == pytest.approx(high, abs=TOLERANCE)


def test_single_channel_view_shows_that_channels_values(
    page: Page, prepared_views: PreparedViews
) -> None:
    frame = frame_of(page, prepared_views, "view16")
    chart = page.frame_locator(IFRAME).nth(1).get_by_test_id("bar-chart")
    chart.focus()
    for _ in range(6):  # channel 5 of the chart's layer (conv2_x)
        chart.press("ArrowRight")
    frame.wait_for_function(
        "() => document.querySelector('.badge-channel')?.textContent === 'channel 5'",
        polling=POLL_MS,
    )
    layer = prepared_views.views["view16"][0]
    encoded = layer.encoded()
    expected = channel_values(encoded.code_vectors(), encoded.scales, 5)
    got = gpu_values(frame, 0, layer)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    chart.press("Escape")
    frame.wait_for_function(
        "() => document.querySelector('.badge-channel') === null", polling=POLL_MS
    )
