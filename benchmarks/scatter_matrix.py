"""The scatter-plot matrix while brushing (issue 14): Plotly's WebGL against a plain 2D canvas.

10,000 points (ten seeded Gaussian classes, 8 dimensions) in an 8 x 8 matrix, 1,000 x 1,000
pixels, in headless Chromium. A box brush grows across one off-diagonal cell, one mouse move
per animation frame (events dispatched in the page, as a hand's arrive: down, moves, up), and
each frame's duration is the time between its animation-frame stamps, so it holds the
selection, the redraw and any wait for the raster to catch up. Three pages take turns in each
round, in one browser:

* ``splom``: Plotly's scatter-plot-matrix trace (one WebGL scene for all 64 cells; Plotly
  selects and redraws at most every 100 ms while a brush moves, its own choice for fluidity);
* ``subplots``: what the app's :func:`classroom.collections.figures.matrix_figure` draws
  today (64 ``scattergl`` traces on shared axes);
* ``canvas``: the same points on a 2D canvas, the selection and all 64 cells redrawn on every
  move (one path per colour: what a careful hand-written canvas does);
* ``panel``: the collection page's own WebGL panel (``frontend/src/bench/matrixBench.ts``: its
  ``ScatterRenderer`` and brush maths, all 64 cells redrawn with the selection on every move),
  on the bundle's ``matrix-bench.html``, served beside the others in the same browser.

The panel's pan and zoom are timed in the same run: frames that each zoom one cell by 10 %
(``zoom``; its column's and row's cells follow) against frames that redraw the same picture
(``still``). Zooming only changes one uniform per cell, so the ratio should stay near 1.

Headless Chromium draws WebGL with SwiftShader (on the CPU), so absolute times are far above a
laptop's with a GPU; the ratio is measured side by side. Run alone:
``.venv/bin/python -m benchmarks --only matrix``.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any, Final

import numpy as np

from benchmarks.figures import Figure, Goal, Spec

__all__ = ["SPECS", "measure"]

POINTS: Final = 10_000
DIMENSIONS: Final = 8
SIDE: Final = 1000
#: The brushed cell: row 1, column 0 (dimension 0 on x, dimension 1 on y), Plotly's "xy2".
CELL: Final = (1, 0)
#: The brush grows from 10 % to 70 % of the cell in both directions.
BOX: Final = (0.1, 0.1, 0.7, 0.7)
_PAGE: Final = Path(__file__).with_name("pages") / "brushing.js"

SPLOM_MS: Final = Spec("matrix_splom_frame_ms", "scatter matrix brushing frame, Plotly splom", "ms")
SUBPLOTS_MS: Final = Spec(
    "matrix_subplots_frame_ms", "scatter matrix brushing frame, 64 scattergl (the app's)", "ms"
)
CANVAS_MS: Final = Spec("matrix_canvas_frame_ms", "scatter matrix brushing frame, 2D canvas", "ms")
SPLOM_RATIO: Final = Spec(
    "matrix_splom_vs_canvas", "brushing frame, splom / 2D canvas", "x", Goal("<=", 1.0)
)
SUBPLOTS_RATIO: Final = Spec(
    "matrix_subplots_vs_canvas", "brushing frame, 64 scattergl / 2D canvas", "x"
)
PANEL_MS: Final = Spec(
    "matrix_panel_frame_ms", "scatter matrix brushing frame, our WebGL panel", "ms"
)
PANEL_RATIO: Final = Spec(
    "matrix_panel_vs_splom", "brushing frame, our panel / Plotly splom", "x", Goal("<=", 1.0)
)
PANEL_CANVAS_RATIO: Final = Spec(
    "matrix_panel_vs_canvas", "brushing frame, our panel / 2D canvas", "x", Goal("<=", 1.0)
)
ZOOM_RATIO: Final = Spec(
    "matrix_panel_zoom_vs_still",
    "our panel, a zooming frame / a still redraw",
    "x",
    Goal("<=", 1.25),
)
#: Each zooming frame narrows the cell's two ranges to this fraction.
ZOOM_FACTOR: Final = 0.9
SPECS: Final[tuple[Spec, ...]] = (
    SPLOM_MS,
    SUBPLOTS_MS,
    CANVAS_MS,
    PANEL_MS,
    SPLOM_RATIO,
    SUBPLOTS_RATIO,
    PANEL_RATIO,
    PANEL_CANVAS_RATIO,
    ZOOM_RATIO,
)


def _points(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(POINTS, DIMENSIONS)`` values in ten classes, and each point's class."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, POINTS)
    centres = rng.normal(0, 3, (10, DIMENSIONS))
    values = centres[labels] + rng.normal(0, 1, (POINTS, DIMENSIONS))
    return values.astype(np.float32), labels


def _splom(values: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    import plotly.graph_objects as go

    from classroom.collections.figures import PALETTE

    figure = go.Figure(
        go.Splom(
            dimensions=[
                {"label": f"d{i}", "values": values[:, i].tolist()} for i in range(DIMENSIONS)
            ],
            customdata=list(range(POINTS)),
            marker={"color": [PALETTE[label] for label in labels], "size": 3},
            unselected={"marker": {"opacity": 0.15}},
            showupperhalf=True,
        )
    )
    figure.update_layout(
        width=SIDE, height=SIDE, dragmode="select", margin={"l": 30, "r": 10, "t": 10, "b": 30}
    )
    return _plain(figure)


def _subplots(values: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    from classroom.collections.figures import matrix_figure

    columns = {f"d{i}": values[:, i] for i in range(DIMENSIONS)}
    figure = matrix_figure(columns, labels, [str(i) for i in range(10)], (), "benchmark")
    figure.update_layout(width=SIDE, height=SIDE, dragmode="select", showlegend=False)
    return _plain(figure)


def _plain(figure: Any) -> dict[str, Any]:
    """The figure as the JSON the browser's Plotly takes (arrays as plain lists)."""
    import json

    import plotly.io

    result: dict[str, Any] = json.loads(plotly.io.to_json(figure, engine="json"))
    return result


def _page(context: Any) -> Any:
    from plotly.offline import get_plotlyjs

    page = context.new_page()
    page.set_content(
        f'<body style="margin:0"><div id="plot" style="width:{SIDE}px"></div>'
        f'<canvas id="canvas" width="{SIDE}" height="{SIDE}"></canvas></body>'
    )
    page.add_script_tag(content=get_plotlyjs())
    page.add_script_tag(path=str(_PAGE))
    page.wait_for_function("() => window.__brushing !== undefined && window.Plotly !== undefined")
    return page


def _mean_frame(run: dict[str, Any], what: str) -> float:
    if run["selected"] <= 0 or run["selecting"] <= 0:
        raise RuntimeError(f"{what}: the brush selected nothing ({run})")
    return float(statistics.fmean(run["times"]))


def _zoom_frame(panel: Any, args: list[Any], what: str) -> float:
    """The panel's mean frame while zooming (or redrawing still), checking that a zoom hid
    points of the zoomed cell and a still redraw drew them all."""
    run = panel.evaluate("(a) => window.__matrixBench.zoom(...a)", args)
    if (run["drawn"] < POINTS) != (what == "zoom"):
        raise RuntimeError(f"{what}: the zoomed cell drew {run['drawn']} of {POINTS} points")
    return float(statistics.fmean(run["times"]))


def measure(*, rounds: int = 3, frames: int = 12) -> list[Figure]:
    """Mean frame time of each brush, per round; ratios of rounds' pairs."""
    from playwright.sync_api import sync_playwright

    from benchmarks.static_server import serve_directory
    from classroom.component import BUILD_DIR
    from harness.chromium import launch

    if not (BUILD_DIR / "matrix-bench.html").is_file():
        raise FileNotFoundError(f"{BUILD_DIR / 'matrix-bench.html'} is missing: run dev.py setup")

    values, labels = _points()
    splom, subplots = _splom(values, labels), _subplots(values, labels)
    columns = [values[:, i].tolist() for i in range(DIMENSIONS)]
    from classroom.collections.figures import PALETTE

    # The brushed cell's drag layer: splom names it by its two dimensions' axes, make_subplots
    # gives every cell axes of its own, numbered row by row.
    splom_cell = f"x{CELL[1] + 1 if CELL[1] else ''}y{CELL[0] + 1 if CELL[0] else ''}"
    number = CELL[0] * DIMENSIONS + CELL[1] + 1
    subplots_cell = f"x{number}y{number}" if number > 1 else "xy"
    times: dict[str, list[float]] = {
        "splom": [],
        "subplots": [],
        "canvas": [],
        "panel": [],
        "zoom": [],
        "still": [],
    }
    palette = [[int(colour[i : i + 2], 16) for i in (1, 3, 5)] for colour in PALETTE]
    with (
        serve_directory(BUILD_DIR) as base,
        sync_playwright() as playwright,
        launch(playwright, viewport=(SIDE, SIDE)) as context,
    ):
        page = _page(context)
        panel = context.new_page()
        panel.goto(f"{base}/matrix-bench.html")
        panel.wait_for_function("() => window.__matrixBench !== undefined")
        panel_call = "(a) => window.__matrixBench.run(...a)"
        panel_args = [columns, labels.tolist(), palette, SIDE, list(CELL), list(BOX)]
        panel.evaluate(panel_call, [*panel_args, 5])
        call = "([f, s, b, n]) => window.__brushing.plotly(f, s, b, n)"
        canvas_call = "(a) => window.__brushing.canvas(...a)"
        canvas_args = [columns, labels.tolist(), list(PALETTE), SIDE, list(CELL), list(BOX)]
        page.evaluate(call, [splom, splom_cell, list(BOX), 5])  # warm-up: shaders, JIT
        page.evaluate(canvas_call, [*canvas_args, 5])
        for _ in range(rounds):
            run = page.evaluate(call, [splom, splom_cell, list(BOX), frames])
            times["splom"].append(_mean_frame(run, "splom"))
            run = page.evaluate(call, [subplots, subplots_cell, list(BOX), frames])
            times["subplots"].append(_mean_frame(run, "subplots"))
            run = page.evaluate(canvas_call, [*canvas_args, frames])
            times["canvas"].append(_mean_frame(run, "canvas"))
            run = panel.evaluate(panel_call, [*panel_args, frames])
            times["panel"].append(_mean_frame(run, "panel"))
            for what, factor in (("zoom", ZOOM_FACTOR), ("still", 1.0)):
                times[what].append(_zoom_frame(panel, [*panel_args[:5], factor, frames], what))
    how = (
        f"{POINTS:,} points, {DIMENSIONS}x{DIMENSIONS} cells, {SIDE}x{SIDE} px, a box brush "
        f"over {frames} frames (one move per frame), mean frame per brush; headless Chromium, "
        "WebGL on SwiftShader"
    )
    return [
        SPLOM_MS.from_samples(times["splom"], note=how),
        SUBPLOTS_MS.from_samples(times["subplots"]),
        CANVAS_MS.from_samples(times["canvas"]),
        PANEL_MS.from_samples(times["panel"]),
        SPLOM_RATIO.ratio_of(times["splom"], times["canvas"]),
        SUBPLOTS_RATIO.ratio_of(times["subplots"], times["canvas"]),
        PANEL_RATIO.ratio_of(times["panel"], times["splom"]),
        PANEL_CANVAS_RATIO.ratio_of(times["panel"], times["canvas"]),
        ZOOM_RATIO.ratio_of(times["zoom"], times["still"]),
    ]
