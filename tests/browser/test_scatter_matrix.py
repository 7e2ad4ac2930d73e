"""The collection view's scatter-plot matrix in real Chromium: brushed in the browser, one event.

A real mouse drags a box in one cell of block3's matrix; the points the GPU draws highlighted
in a cell of block2's matrix (read back by transform feedback through the test hook) must be
exactly the points the brush selected, which the numpy oracle bounds from the points file the
browser fetched (the store's own file), and the page (Python) must report the images of the one
selection event it received. Hovering a per-cell point must show that cell's receptive field
cut from the image, pixel for pixel as numpy cuts it from the collection's images. A real wheel
and a real Shift-drag zoom and pan a cell: the GPU then draws exactly the points inside the
visible ranges, and a brush selects in data space what numpy finds inside it. A real Alt-drag
lasso (concave) selects exactly the points numpy's ray casting finds inside it in data space,
highlighted in every layer, and Escape clears the selection, for Python too; in a zoomed and
panned cell the lasso goes through the visible ranges (its outline where the mouse went, its
polygon in data space) and selects what numpy's ray casting finds inside that polygon; dragged
past the cell's edge it stops there, selecting no point the zoomed cell hides.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import BrowserContext, Frame, Page

from tests.browser.conftest import POLL_MS, open_tab
from tests.browser.matrix_frame import (
    MARGIN,
    OUTLINE_DRAWN,
    U_PATH,
    bounds,
    brush,
    call,
    cell,
    digits_app,
    digits_lesson,
    enclosed,
    hover,
    inside_polygon,
    lasso,
    lassoed,
    lone_points,
    matrix,
    one_selection,
    raw,
    scaled,
    visible_ranges,
    zoom_and_pan,
)

#: The page's rerun after the brush is released.
RERUN_MS = 90_000
COUNT = 60

LESSON = digits_lesson(
    "Matrix",
    COUNT,
    """\
  - title: Two layers
    id: images
    text: Brush one matrix.
    view: {kind: matrix, collection: digits, layers: [block2, block3]}
  - title: Cells
    id: cells
    text: Point at a cell.
    view: {kind: matrix, collection: digits, layers: [block3], points: cells}
""",
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with digits_app(tmp_path_factory.mktemp("matrix"), "matrix", LESSON) as running:
        yield running


def _assert_ranges_written(frame: Frame, store: Path) -> None:
    """Each diagonal cell names its dimension and writes its range (the plots' only axes)."""
    values = raw(frame, store)
    written = frame.locator(".matrix-axis").all_inner_texts()
    assert [text.split(" ")[0] for text in written] == [
        *(f"block2[{d}]" for d in range(4)),
        *(f"block3[{d}]" for d in range(4)),
    ]
    for row, text in enumerate(written, start=1):
        _, low, _, high = text.split(" ")
        assert float(low) == pytest.approx(values[row].min(), rel=1e-2, abs=1e-3)
        assert float(high) == pytest.approx(values[row].max(), rel=1e-2, abs=1e-3)


def assert_summary(page: Page, points: npt.NDArray[np.float64], selected: list[int]) -> None:
    """The page (Python, after the one event) reports the selected images by class."""
    labels = points[0][selected].astype(int)
    counts = {str(label): int((labels == label).sum()) for label in set(labels)}
    shown = ", ".join(f"{count} of {name}" for name, count in sorted(counts.items()))
    page.get_by_text(f"Selected {len(selected)} images: {shown}").wait_for(timeout=RERUN_MS)


def test_a_brush_in_one_layer_highlights_exactly_its_points_in_another(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=images") as page:
        frame = matrix(page)
        points = scaled(frame, store)
        _assert_ranges_written(frame, store)
        assert call(frame, "highlighted", 0, 2, 3) == []
        # block3 is the second matrix (layer 1): its rows 5..8 after block2's four.
        unit = brush(page, cell(frame, 1, 1, 0), (0.15, 0.2, 0.75, 0.8))
        inner, outer = bounds(points, (5, 6), unit)
        assert inner, "the brush encloses no point"
        assert len(outer) < COUNT, "the brush encloses every point"
        selected = one_selection(frame, inner, outer)
        assert call(frame, "selection") == selected
        # Another layer's cell (block2, dimensions 3 against 2) and the brushed cell itself.
        assert call(frame, "highlighted", 0, 2, 3) == selected
        assert call(frame, "highlighted", 1, 1, 0) == selected
        assert_summary(page, points, selected)


def test_hovering_a_cell_point_shows_its_receptive_field_crop(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    from classroom.collections.patches import receptive_box
    from classroom.collections.sources import load_collection
    from classroom.networks import registry

    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=cells") as page:
        frame = matrix(page)
        px, py, alone = lone_points(scaled(frame, store), (1, 2), cell(frame, 0, 1, 0), 8)
        grid = 8 * 8  # block3 of 32 x 32 digits: stride 4
        # Not a corner cell: its receptive field is not the image's corner.
        point = int(next(p for p in alone if p % grid not in {0, grid - 1}))
        hover(page, frame, (px[point], py[point]), point, "patch")
        image, cell_index = divmod(point, grid)
        layer = registry.architecture("digits").layer("block3")
        left, top, right, bottom = receptive_box(layer, *divmod(cell_index, 8), (32, 32))
        hovered = call(frame, "hovered")
        assert (hovered["image"], hovered["cell"]) == (image, cell_index)
        assert hovered["box"] == [left, top, right, bottom]
        images = load_collection("digits", name="digits", count=COUNT).images
        patch = call(frame, "patch")
        shown = np.array(patch["rgb"], dtype=np.uint8).reshape(patch["height"], patch["width"], 3)
        np.testing.assert_array_equal(shown, images[image, top:bottom, left:right])

        # Moves within the point change nothing: leaving it afterwards is the one change.
        changes = call(frame, "hoverChanges")
        page.mouse.move(px[point] + 1, py[point], steps=3)
        page.mouse.move(px[point], py[point] + 1)
        help_text = frame.locator(".matrix-help").bounding_box()
        assert help_text is not None
        page.mouse.move(help_text["x"] + 4, help_text["y"] + 4)  # one jump, over no point
        frame.wait_for_function(
            "() => window.__classroomMatrix.hovered() === null", polling=POLL_MS
        )
        assert call(frame, "hoverChanges") == changes + 1


def _assert_drawn(
    frame: Frame, points: npt.NDArray[np.float64], x: list[float], y: list[float]
) -> None:
    """Drawn: exactly the points inside both ranges; the cell sharing column 0 follows on x;
    the other layer's matrix (its own rows) is not zoomed."""
    inner, outer = bounds(points, (5, 6), (*x, *y))
    drawn = set(call(frame, "drawn", 1, 1, 0))
    assert inner, "the zoomed cell shows no point"
    assert len(outer) < COUNT, "the zoomed cell shows every point"
    assert inner <= drawn <= outer
    column = set(call(frame, "drawn", 1, 2, 0))
    full = [0.0, 1.0]
    low, high = bounds(points, (5, 7), (*x, *full))
    assert low <= column <= high
    assert len(call(frame, "drawn", 0, 1, 0)) == COUNT


def _assert_diagonal_shows(frame: Frame, store: Path, x: list[float]) -> None:
    """block3[0]'s diagonal cell writes the visible part of its range, in the data's units."""
    values = raw(frame, store)[5]
    low, high = float(values.min()), float(values.max())
    shown = [
        low + (float(np.clip(e, MARGIN, 1 - MARGIN)) - MARGIN) / (1 - 2 * MARGIN) * (high - low)
        for e in x
    ]
    frame.wait_for_function(
        "(shown) => { const [, low, , high] = document.querySelectorAll('.matrix-axis')[4]"
        ".innerText.split(' ').map(Number); const near = (a, b) => Math.abs(a - b) <= "
        "1e-3 + 1e-2 * Math.abs(b); return near(low, shown[0]) && near(high, shown[1]); }",
        arg=shown,
        polling=POLL_MS,
    )


def test_zoomed_and_panned_a_brush_selects_in_data_space_and_hidden_points_are_not_drawn(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=images") as page:
        frame = matrix(page)
        points = scaled(frame, store)
        box = cell(frame, 1, 1, 0)  # block3's dimension 0 (row 5) on x, dimension 1 (row 6) on y
        at, x, y = zoom_and_pan(page, frame, box, points)
        _assert_drawn(frame, points, x, y)
        _assert_diagonal_shows(frame, store, x)

        # A brush in the zoomed cell selects in data space: the pointer's cell fractions taken
        # through the visible ranges.
        unit = brush(page, box, (0.1, 0.1, 0.9, 0.9))
        data = (
            x[0] + unit[0] * (x[1] - x[0]),
            x[0] + unit[1] * (x[1] - x[0]),
            y[0] + unit[2] * (y[1] - y[0]),
            y[0] + unit[3] * (y[1] - y[0]),
        )
        inner, outer = bounds(points, (5, 6), data)
        assert inner, "the zoomed brush encloses no point"
        assert enclosed(points, (5, 6), unit, 0) != inner, "the zoom made no difference"
        selected = one_selection(frame, inner, outer)
        assert call(frame, "highlighted", 0, 2, 3) == selected

        assert cell(frame, 1, 1, 0) == box, "zooming moved the cells"
        # A double click shows every dimension whole again.
        page.mouse.dblclick(*at)
        visible_ranges(frame, "Object.keys(r).length === 0", None)
        assert len(call(frame, "drawn", 1, 1, 0)) == COUNT


def test_a_lasso_selects_exactly_the_points_inside_it_in_every_layer_and_escape_clears(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=images") as page:
        frame = matrix(page)
        values = raw(frame, store).astype(np.float64)
        box = cell(frame, 1, 1, 0)

        def outline_drawn() -> None:
            frame.wait_for_function(OUTLINE_DRAWN, polling=POLL_MS)

        lasso(page, box, U_PATH, before_release=outline_drawn)
        inside = lassoed(frame, values, 1)
        vertices = np.array(call(frame, "lasso")["vertices"])
        # The lasso went where the mouse went: each corner of the path is one of its vertices.
        for x, y in U_PATH:
            assert np.abs(vertices - [x, 1 - y]).max(axis=1).min() < 2 / box["width"]
        points = scaled(frame, store)
        boxed = enclosed(points, (5, 6), (0.1, 0.9, 0.1, 0.9), 0)
        assert inside, "the lasso encloses no point"
        assert inside != boxed, "no point lies in the notch: the shape made no difference"
        selected = call(frame, "sent")[0]
        assert selected == sorted(inside)
        assert call(frame, "highlighted", 0, 2, 3) == selected  # block2: linked
        assert call(frame, "highlighted", 1, 1, 0) == selected
        assert frame.locator(".matrix-lasso").evaluate("(svg) => svg.style.display") == "none"
        assert_summary(page, points, selected)

        frame.locator(".matrix-canvas").focus()
        page.keyboard.press("Escape")
        frame.wait_for_function("() => window.__classroomMatrix.sent().length === 2")
        assert call(frame, "sent")[1] == []
        assert call(frame, "highlighted", 0, 2, 3) == []
        page.get_by_text("Drag a box in any plot").wait_for(timeout=RERUN_MS)

        # The panel's Lasso toggle: a plain drag draws a lasso too (a triangle).
        frame.get_by_role("button", name="Lasso").click()
        lasso(page, box, [(0.15, 0.85), (0.85, 0.85), (0.5, 0.15)], alt=False)
        triangle = lassoed(frame, values, 3)
        assert triangle
        assert call(frame, "sent")[2] == sorted(triangle)
        assert call(frame, "highlighted", 0, 2, 3) == sorted(triangle)


def test_a_lasso_in_a_zoomed_and_panned_cell_selects_in_data_space(
    browser: BrowserContext, app: tuple[str, Path]
) -> None:
    url, store = app
    with open_tab(browser, f"{url}?lesson=matrix&step=images") as page:
        frame = matrix(page)
        values = raw(frame, store).astype(np.float64)
        points = scaled(frame, store)
        box = cell(frame, 1, 1, 0)
        _, x, y = zoom_and_pan(page, frame, box, points)
        outlines: list[str] = []

        def outline_drawn() -> None:
            frame.wait_for_function(OUTLINE_DRAWN, polling=POLL_MS)
            outlines.append(str(frame.locator(".matrix-lasso polygon").get_attribute("points")))

        lasso(page, box, U_PATH, before_release=outline_drawn)
        inside = lassoed(frame, values, 1)
        # The outline, in the cell's CSS pixels, went where the mouse went.
        outline = np.array([pair.split(",") for pair in outlines[0].split()], dtype=np.float64)
        # The polygon went through the visible ranges: each corner of the path, as a fraction of
        # the cell, is one of its vertices taken back through the ranges.
        vertices = np.array(call(frame, "lasso")["vertices"], dtype=np.float64)
        fractions = np.column_stack(
            [(vertices[:, 0] - x[0]) / (x[1] - x[0]), (vertices[:, 1] - y[0]) / (y[1] - y[0])]
        )
        for u, v in U_PATH:
            assert np.abs(outline - [u * box["width"], v * box["height"]]).max(axis=1).min() < 2
            assert np.abs(fractions - [u, 1 - v]).max(axis=1).min() < 2 / box["width"]

        assert inside, "the zoomed lasso encloses no point"
        path = np.array([(u, 1 - v) for u, v in U_PATH])
        at_zoom_1 = inside_polygon(points[5], points[6], path)
        assert {int(i) for i in np.flatnonzero(at_zoom_1)} != inside, "the zoom made no difference"
        bounds_in_data = (
            x[0] + 0.1 * (x[1] - x[0]),
            x[0] + 0.9 * (x[1] - x[0]),
            y[0] + 0.1 * (y[1] - y[0]),
            y[0] + 0.9 * (y[1] - y[0]),
        )
        boxed = enclosed(points, (5, 6), bounds_in_data, 0)
        assert inside < boxed, "no point lies in the notch: the shape made no difference"
        selected = call(frame, "sent")[0]
        assert selected == sorted(inside)
        assert set(selected) <= set(call(frame, "drawn", 1, 1, 0)), "a hidden point selected"
        assert call(frame, "highlighted", 1, 1, 0) == selected
        assert call(frame, "highlighted", 0, 2, 3) == selected  # block2: linked, not zoomed
        assert_summary(page, points, selected)

        # A lasso dragged past the cell's right edge stops there: it selects only points the
        # zoomed cell shows, though the mouse went round hidden ones beyond it.
        past = [(0.5, 0.1), (1.8, 0.1), (1.8, 0.9), (0.5, 0.9)]
        beyond = inside_polygon(
            points[5],
            points[6],
            np.array([(x[0] + u * (x[1] - x[0]), y[0] + (1 - v) * (y[1] - y[0])) for u, v in past]),
        )
        drawn = set(call(frame, "drawn", 1, 1, 0))
        assert set(np.flatnonzero(beyond).tolist()) - drawn, "no hidden point past the edge"
        lasso(page, box, past)
        kept = lassoed(frame, values, 2)
        assert kept, "the lasso encloses no point"
        assert kept <= drawn, "a hidden point selected"
        vertices = np.array(call(frame, "lasso")["vertices"], dtype=np.float64)
        assert (vertices[:, 0] <= x[1] + 1e-6).all(), "the lasso went past the cell's edge"
        assert call(frame, "sent")[1] == sorted(kept)
