"""The reference cell's theoretical receptive field, drawn on every panel from the registry.

The square each panel reports (and draws) is the registry's receptive field of the layer at
the reference cell, as :func:`classroom.similarity.receptive_field_spans` places it; later
layers' cells see more of the image.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from classroom.networks import registry
from classroom.similarity import image_to_cell, receptive_field_spans
from tests.browser.conftest import IFRAME, IMAGE, PreparedViews, hook
from tests.browser.test_fidelity import frame_of


def test_each_panel_draws_its_reference_cells_receptive_field(
    page: Page, prepared_views: PreparedViews
) -> None:
    frame = frame_of(page, prepared_views, "view8")
    layers = prepared_views.views["view8"]
    pixel = (100, 60)
    hook(frame, "setReference", *pixel)
    frame.wait_for_function(
        "() => window.__classroomView.panels().every((panel) => panel.receptiveField !== null)"
    )
    sizes = []
    for panel, layer in zip(hook(frame, "panels"), layers, strict=True):
        spec = registry.layer(layer.header.key.model, layer.header.key.layer)
        assert spec.receptive_field is not None
        assert spec.centre is not None
        cell_x, cell_y = image_to_cell(*pixel, spec.stride, *IMAGE)
        columns = receptive_field_spans(
            spec.receptive_field, spec.jump, spec.centre, layer.header.width
        )
        rows = receptive_field_spans(
            spec.receptive_field, spec.jump, spec.centre, layer.header.height
        )
        expected = (*columns[cell_x], *rows[cell_y])
        field = panel["receptiveField"]
        got = (field["x0"], field["x1"], field["y0"], field["y1"])
        assert got == pytest.approx((expected[0], expected[1], expected[2], expected[3]))
        sizes.append(field["x1"] - field["x0"])
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[-1]  # conv4_x's cells see more than conv2_x's


def test_the_receptive_field_is_painted_over_the_image(
    page: Page, prepared_views: PreparedViews
) -> None:
    frame = frame_of(page, prepared_views, "view8")
    # The heat map fully transparent: the image is grey, so amber ink stands out.
    page.frame_locator(IFRAME).nth(0).get_by_test_id("opacity").fill("-1")
    hook(frame, "setReference", 100, 60)
    frame.wait_for_function("() => window.__classroomView.panels()[0].receptiveField !== null")
    field = hook(frame, "panels")[0]["receptiveField"]
    middle = (field["y0"] + field["y1"]) / 2
    edge = hook(frame, "paintedWithMarkers", 0, field["x0"], middle)
    inside = hook(frame, "paintedWithMarkers", 0, field["x0"] + 5, middle)
    plain = hook(frame, "paintedPixel", 0, int(field["x0"]), int(middle))
    assert abs(plain[0] - plain[2]) <= 2  # grey without the markers
    assert edge[0] - edge[2] > 60, edge  # amber on the field's edge
    assert abs(inside[0] - inside[2]) <= 2, inside  # and only on its edge
