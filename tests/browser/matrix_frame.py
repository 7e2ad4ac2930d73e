"""The scatter-plot matrix frame as the browser tests drive it: its test hook, its cells in
page coordinates, its points file read from the store (the numpy oracle's input), a real
mouse brush and lasso, the lasso's numpy oracle (ray casting in data space), and a point no
other lies near (one the pointer can hover unambiguously)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from playwright.sync_api import Frame, Page

from tests.browser.conftest import POLL_MS

__all__ = [
    "MARGIN",
    "MATRIX_FRAME",
    "STARTUP_MS",
    "brush",
    "call",
    "cell",
    "enclosed",
    "inside_polygon",
    "lasso",
    "lone_points",
    "matrix",
    "raw",
    "scaled",
    "to_data",
]

#: Making 60 digits and their vectors (torch's first import included) on a busy CPU.
STARTUP_MS: Final = 240_000
MARGIN: Final = 0.04  # matrixLayout.ts: points keep this fraction of a cell free at each edge
MATRIX_FRAME: Final = 'iframe[title="classroom.component.scatter_matrix"]'


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
