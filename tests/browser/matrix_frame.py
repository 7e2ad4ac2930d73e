"""The scatter-plot matrix frame as the browser tests drive it: the app on a lesson of digits,
its test hook, its cells in page coordinates, its points file read from the store (the numpy
oracle's input), a real mouse brush and the one selection it sends, a real lasso and its numpy
oracle (ray casting in data space), a real wheel zoom and Shift-drag pan of a cell, a point no
other lies near (one the pointer can hover unambiguously) and hovering it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import Frame, Page

from harness.app import classroom_app
from tests.browser.conftest import POLL_MS
from tests.lesson_tree import LessonTree

__all__ = [
    "MARGIN",
    "MATRIX_FRAME",
    "OUTLINE_DRAWN",
    "STARTUP_MS",
    "U_PATH",
    "bounds",
    "brush",
    "call",
    "cell",
    "digits_app",
    "digits_lesson",
    "enclosed",
    "hover",
    "inside_polygon",
    "lasso",
    "lassoed",
    "lone_points",
    "matrix",
    "one_selection",
    "raw",
    "scaled",
    "to_data",
    "visible_ranges",
    "zoom_and_pan",
]

#: Making 60 digits and their vectors (torch's first import included) on a busy CPU.
STARTUP_MS: Final = 240_000
MARGIN: Final = 0.04  # matrixLayout.ts: points keep this fraction of a cell free at each edge
MATRIX_FRAME: Final = 'iframe[title="classroom.component.scatter_matrix"]'


def digits_lesson(title: str, count: int, steps: str) -> str:
    """A lesson on the digits network with one collection, ``digits``, of ``count`` images
    (and the photo every lesson needs), whose ``steps`` (YAML, indented) show views of it."""
    return f"""\
title: {title}
model: digits
images:
  photo: {{path: photo.png, attribution: test image. CC0.}}
collections:
  digits: {{source: digits, count: {count}}}
steps:
{steps}"""


@contextmanager
def digits_app(root: Path, name: str, lesson: str) -> Iterator[tuple[str, Path]]:
    """``classroom run`` (trained weights) on ``lesson`` as ``name.yaml`` in a lesson tree at
    ``root``: the app's URL and its store (where the points files the browser fetches lie)."""
    tree = LessonTree(root)
    tree.write(lesson, f"{name}.yaml")
    store = tree.root / "store"
    with classroom_app(tree.lessons, store, untrained=False) as server:
        yield server.url, store


def matrix(page: Page) -> Frame:
    """The page's first matrix frame, once it has drawn its points."""
    element = page.locator(MATRIX_FRAME).first.element_handle(timeout=STARTUP_MS)
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_function(
        "() => window.__classroomMatrix !== undefined && window.__classroomMatrix.frames() > 0",
        polling=POLL_MS,
        timeout=STARTUP_MS,
    )
    return frame


def call(frame: Frame, name: str, *args: Any) -> Any:
    """``window.__classroomMatrix.<name>(...args)`` in the frame."""
    return frame.evaluate(f"(args) => window.__classroomMatrix.{name}(...args)", list(args))


def raw(frame: Frame, store: Path) -> npt.NDArray[np.float32]:
    """The points file the browser fetched, read from the store: rows x points."""
    source = call(frame, "source")
    name = source["url"].split("?", maxsplit=1)[0].rsplit("/", 1)[-1]
    rows, count = source["rows"], source["count"]
    return np.fromfile(store / "maps" / name, dtype="<f4").reshape(rows, count)


def scaled(frame: Frame, store: Path) -> npt.NDArray[np.float64]:
    """The points as a cell plots them: each dimension scaled into the cell's margins."""
    values = raw(frame, store).astype(np.float64)
    low, high = values.min(axis=1, keepdims=True), values.max(axis=1, keepdims=True)
    span = np.where(high > low, high - low, 1.0)
    scaled: npt.NDArray[np.float64] = MARGIN + (1 - 2 * MARGIN) * (values - low) / span
    scaled[0] = values[0]  # row 0: the classes
    return scaled


def cell(frame: Frame, layer: int, row: int, column: int) -> dict[str, float]:
    """The box of plot (row, column) of the frame's ``layer``-th matrix, in page pixels."""
    offset = frame.frame_element().bounding_box()
    assert offset is not None
    for place in call(frame, "cells"):
        if (place["layer"], place["row"], place["column"]) == (layer, row, column):
            box: dict[str, float] = place["box"]
            return {**box, "x": box["x"] + offset["x"], "y": box["y"] + offset["y"]}
    raise AssertionError(f"no cell ({layer}, {row}, {column})")


def brush(page: Page, box: dict[str, float], corners: tuple[float, float, float, float]) -> Any:
    """A real mouse drag in a cell from one corner to the other (fractions of the cell, from
    its top left); returns the brush in the cell's unit coordinates (x right, y up):
    (u0, u1, v0, v1), low to high, where the pointer events really were."""
    start = (
        round(box["x"] + corners[0] * box["width"]),
        round(box["y"] + corners[1] * box["height"]),
    )
    end = (
        round(box["x"] + corners[2] * box["width"]),
        round(box["y"] + corners[3] * box["height"]),
    )
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=12)
    page.mouse.up()
    us = sorted((x - box["x"]) / box["width"] for x in (start[0], end[0]))
    vs = sorted(1 - (y - box["y"]) / box["height"] for y in (start[1], end[1]))
    return (*us, *vs)


def one_selection(frame: Frame, inner: set[int], outer: set[int]) -> list[int]:
    """The images of the one selection event a released brush sent, checked to lie between
    the points surely inside the brush (``inner``) and those maybe inside (``outer``)."""
    frame.wait_for_function("() => window.__classroomMatrix.sent().length > 0", polling=POLL_MS)
    sent = call(frame, "sent")
    assert len(sent) == 1, "one event per released brush"
    selected: list[int] = sent[0]
    assert inner <= set(selected) <= outer, (sorted(inner), selected, sorted(outer))
    return selected


def bounds(
    points: npt.NDArray[np.float64], rows: tuple[int, int], unit: tuple[float, ...]
) -> tuple[set[int], set[int]]:
    """The points surely inside the brush ``unit`` and those maybe inside (float rounding
    either way): what the browser selects or draws lies between them."""
    return enclosed(points, rows, unit, -1e-4), enclosed(points, rows, unit, 1e-4)


def enclosed(
    points: npt.NDArray[np.float64], rows: tuple[int, int], unit: tuple[float, ...], eps: float
) -> set[int]:
    """The points inside the brush ``unit`` grown (``eps`` > 0) or shrunk (< 0) by ``eps``."""
    u0, u1, v0, v1 = unit
    xs, ys = points[rows[0]], points[rows[1]]
    inside = (xs > u0 - eps) & (xs < u1 + eps) & (ys > v0 - eps) & (ys < v1 + eps)
    return {int(i) for i in np.flatnonzero(inside)}


def lone_points(
    points: npt.NDArray[np.float64], rows: tuple[int, int], box: dict[str, float], apart: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Each point's page position in the cell, and the points no other lies within ``apart``
    pixels of."""
    px = box["x"] + points[rows[0]] * box["width"]
    py = box["y"] + (1 - points[rows[1]]) * box["height"]
    distances = np.hypot(px[:, None] - px[None], py[:, None] - py[None])
    np.fill_diagonal(distances, np.inf)
    return px, py, np.flatnonzero(distances.min(axis=1) > apart)


def hover(page: Page, frame: Frame, at: tuple[float, float], point: int, shown: str) -> None:
    """A real pointer on ``point`` at page position ``at``, until the frame reports it hovered
    and shows its picture (``shown``: the hook's ``thumbnail`` or ``patch``)."""
    page.mouse.move(*at)
    frame.wait_for_function(
        f"(p) => window.__classroomMatrix.hovered()?.point === p && "
        f"window.__classroomMatrix.{shown}() !== null",
        arg=point,
        polling=POLL_MS,
    )


def lasso(
    page: Page,
    box: dict[str, float],
    path: Sequence[tuple[float, float]],
    *,
    alt: bool = True,
    before_release: Callable[[], None] | None = None,
) -> None:
    """A real mouse drag along ``path`` (fractions of the cell from its top left), with Alt
    held (a lasso) unless ``alt`` is False; ``before_release`` runs with the button still down."""
    corners = [
        (round(box["x"] + x * box["width"]), round(box["y"] + y * box["height"])) for x, y in path
    ]
    if alt:
        page.keyboard.down("Alt")
    page.mouse.move(*corners[0])
    page.mouse.down()
    for corner in corners[1:]:
        page.mouse.move(*corner, steps=5)
    if before_release is not None:
        before_release()
    page.mouse.up()
    if alt:
        page.keyboard.up("Alt")


def to_data(units: npt.NDArray[np.float64], values: npt.NDArray[np.float64]) -> Any:
    """Scaled units of a cell (as the browser holds them) in the data's units of ``values``."""
    low, high = float(values.min()), float(values.max())
    span = high - low if high > low else 1.0
    return low + (units - MARGIN) / (1 - 2 * MARGIN) * span


def inside_polygon(
    xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], polygon: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Which points (xs, ys) lie inside ``polygon`` ((V, 2), closed): even-odd ray casting,
    each edge taken from its lower end (numpy only; the oracle of the browser's lasso)."""
    inside = np.zeros(xs.shape, dtype=bool)
    previous = polygon[-1]
    for vertex in polygon:
        low, high = (vertex, previous) if vertex[1] < previous[1] else (previous, vertex)
        crosses = (vertex[1] > ys) != (previous[1] > ys)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = low[0] + (high[0] - low[0]) * (ys - low[1]) / (high[1] - low[1])
        inside ^= crosses & (xs < crossing)
        previous = vertex
    return inside


def visible_ranges(frame: Frame, expected: str, arg: object) -> dict[str, list[float]]:
    """The hook's visible ranges once ``expected`` (a JS predicate of them and ``arg``) holds."""
    frame.wait_for_function(
        f"(arg) => {{ const r = window.__classroomMatrix.ranges(); return {expected}; }}",
        arg=arg,
        polling=POLL_MS,
    )
    ranges: dict[str, list[float]] = call(frame, "ranges")
    return ranges


def zoom_and_pan(
    page: Page, frame: Frame, box: dict[str, float], points: npt.NDArray[np.float64]
) -> tuple[tuple[int, int], list[float], list[float]]:
    """A real wheel zoom in cell ``box`` (rows 5, 6) about the points' median, then a real
    Shift-drag; checks each against the ranges the hook reports and returns the pointer's place
    and the x and y ranges."""
    at = (
        round(box["x"] + float(np.median(points[5])) * box["width"]),
        round(box["y"] + (1 - float(np.median(points[6]))) * box["height"]),
    )
    u, v = (at[0] - box["x"]) / box["width"], 1 - (at[1] - box["y"]) / box["height"]
    page.mouse.move(*at)
    page.mouse.wheel(0, -400)  # a real wheel event: zoom in about the pointer
    zoomed = visible_ranges(frame, "r['5'] !== undefined && r['6'] !== undefined", None)
    x, y = zoomed["5"], zoomed["6"]
    assert x[1] - x[0] < 0.6, zoomed
    assert y[1] - y[0] < 0.6, zoomed
    # The data under the pointer stayed under it (to a pixel: the frame's offset in the page
    # is fractional, the pointer's position whole).
    assert x[0] + u * (x[1] - x[0]) == pytest.approx(u, abs=1 / box["width"])
    assert y[0] + v * (y[1] - y[0]) == pytest.approx(v, abs=1 / box["height"])

    # A real Shift-drag pans by what the pointer moved: a fifth of the cell right, a tenth up.
    dx, dy = round(box["width"] / 5), -round(box["height"] / 10)
    page.keyboard.down("Shift")
    page.mouse.down()
    page.mouse.move(at[0] + dx, at[1] + dy, steps=6)
    page.mouse.up()
    page.keyboard.up("Shift")
    x = [x[0] - dx / box["width"] * (x[1] - x[0]), x[1] - dx / box["width"] * (x[1] - x[0])]
    y = [y[0] + dy / box["height"] * (y[1] - y[0]), y[1] + dy / box["height"] * (y[1] - y[0])]
    visible_ranges(
        frame,
        "Math.abs(r['5'][0] - arg[0]) < 1e-6 && Math.abs(r['6'][0] - arg[1]) < 1e-6",
        [x[0], y[0]],
    )
    assert call(frame, "sent") == [], "a pan is not a brush"
    return at, x, y


#: A "U" upside down, in fractions of the cell from its top left: two legs joined at the top,
#: the notch between them (inside the lasso's bounds) left out.
U_PATH: Final = [
    (0.1, 0.1),
    (0.9, 0.1),
    (0.9, 0.9),
    (0.62, 0.9),
    (0.62, 0.4),
    (0.38, 0.4),
    (0.38, 0.9),
    (0.1, 0.9),
]
OUTLINE_DRAWN: Final = """() => {
    const shape = document.querySelector('.matrix-lasso polygon');
    return shape !== null && shape.closest('svg').style.display === 'block'
        && shape.getAttribute('points').trim().split(' ').length >= 8;
}"""


def lassoed(frame: Frame, values: npt.NDArray[np.float64], sent: int) -> set[int]:
    """Once ``sent`` selections went to Python: numpy's points inside the last lasso, in data
    space (block3's rows 5 and 6), with the lasso's cell and corners checked."""
    frame.wait_for_function(
        "(n) => window.__classroomMatrix.sent().length === n", arg=sent, polling=POLL_MS
    )
    drawn = call(frame, "lasso")
    assert (drawn["layer"], drawn["row"], drawn["column"]) == (1, 1, 0)
    vertices = np.array(drawn["vertices"], dtype=np.float64)
    polygon = np.column_stack(
        [to_data(vertices[:, 0], values[5]), to_data(vertices[:, 1], values[6])]
    )
    return {int(i) for i in np.flatnonzero(inside_polygon(values[5], values[6], polygon))}
