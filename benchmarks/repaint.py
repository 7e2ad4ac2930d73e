"""The per-pointer-move repaint of three layers: this renderer against the naive shader.

A pointer move that changes the reference cell of every panel makes the renderer run all its
passes for three layers (similarity, min/max reduction, colour) and composite three panels.
This measures that, for a 1024x768 image at ResNet-101 sizes (conv2_x 256x192x256,
conv3_x 128x96x512, conv4_x 64x48x1024, 8 bit), against the same pipeline with the
straightforward similarity shader of the original tool (which re-reads the reference texel
and both norms inside its loop). Both run in one page, interleaved move by move, each frame
closed with a one-pixel read-back so the times are real GPU times.

Run alone: ``.venv/bin/python -m benchmarks --only repaint``.
"""

from __future__ import annotations

import functools
import http.server
import random
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks.figures import Figure, Goal, Spec
from classroom.component import BUILD_DIR, layer_source
from classroom.store import FeatureStore
from tests.browser.chromium import launch
from tests.synthetic import RESNET101_STAGES, prepare_view

__all__ = ["SPECS", "measure"]

OURS: Final = Spec("repaint_ms_median", "repaint per pointer move, ours", "ms")
NAIVE: Final = Spec("repaint_naive_ms_median", "repaint per pointer move, naive shader", "ms")
RATIO: Final = Spec("repaint_ratio_vs_naive", "repaint ours / naive", "x", Goal("<=", 0.5))
UNPACKED: Final = Spec(
    "repaint_unpacked_ms_median", "  ours without packed codes (4 channels per fetch)", "ms"
)
STILL: Final = Spec("composite_only_ms_median", "  a frame without a reference change", "ms")
SPECS: Final[tuple[Spec, ...]] = (OURS, NAIVE, RATIO, UNPACKED, STILL)


@contextmanager
def _serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _moves(count: int, width: int, height: int, coarsest: int, seed: int) -> list[dict[str, int]]:
    """Pixels far enough apart that every layer's reference cell changes on every move."""
    generator = random.Random(seed)
    moves: list[dict[str, int]] = []
    while len(moves) < count:
        x, y = generator.randrange(width), generator.randrange(height)
        previous = moves[-1] if moves else None
        if previous and (x // coarsest, y // coarsest) == (
            previous["x"] // coarsest,
            previous["y"] // coarsest,
        ):
            continue
        moves.append({"x": x, "y": y})
    return moves


@dataclass(frozen=True)
class _Run:
    """Frame times in milliseconds per variant, and what the page reported."""

    ours: list[float]
    plain: list[float]
    naive: list[float]
    still: list[float]
    round_ratios: list[float]  # ours / naive, the medians of each round
    gpu: str
    max_abs_difference: float


def _measure_frames(
    *,
    moves: int,
    rounds: int,
    warmup: int,
    image_size: tuple[int, int] = (1024, 768),
    panel_size: tuple[int, int] = (384, 288),
    seed: int = 0,
) -> _Run:
    """``rounds`` rounds of ``moves`` pointer moves each, every variant timed on every move.

    Within a round the variants take turns on every move, so a slow spell of the machine
    (other processes) hits all of them alike. "plain" is our shader without packed codes (to
    separate the two improvements); "still" a frame without a reference change.
    """
    if not (BUILD_DIR / "bench.html").is_file():
        raise FileNotFoundError(f"{BUILD_DIR / 'bench.html'} is missing: run python3 dev.py setup")
    from playwright.sync_api import sync_playwright

    width, height = image_size
    with tempfile.TemporaryDirectory(prefix="classroom-bench-") as temporary:
        root = Path(temporary)
        store = FeatureStore(root / "store")
        layers = prepare_view(
            store,
            image_width=width,
            image_height=height,
            layers=RESNET101_STAGES,
            precision=8,
            dead_block=False,  # no all-zero cells, where a shader could return early
        )
        site = root / "site"
        site.mkdir()
        (site / "bundle").symlink_to(BUILD_DIR, target_is_directory=True)
        (site / "features").symlink_to(store.features_dir, target_is_directory=True)
        sources = [
            {**layer_source(entry).model_dump(by_alias=True), "url": f"/features/{entry.path.name}"}
            for entry in layers
        ]
        coarsest = max(spec.stride for spec in RESNET101_STAGES)
        with (
            _serve_directory(site) as base,
            sync_playwright() as playwright,
            launch(playwright) as context,
        ):
            page = context.new_page()
            page.goto(f"{base}/bundle/bench.html")
            page.wait_for_function("() => window.__bench !== undefined")
            gpu = page.evaluate(
                "(config) => window.__bench.setup(config)",
                {
                    "layers": sources,
                    "image": {"width": width, "height": height},
                    "panel": {"width": panel_size[0], "height": panel_size[1]},
                },
            )
            times: dict[str, list[float]] = {"ours": [], "plain": [], "naive": []}
            round_ratios: list[float] = []
            for round_index in range(rounds):
                path = _moves(moves + warmup, width, height, coarsest, seed + round_index)
                measured = page.evaluate(
                    "([moves, warmup]) => window.__bench.measure(moves, warmup)", [path, warmup]
                )
                for name, values in times.items():
                    values.extend(measured[name])
                round_ratios.append(
                    statistics.median(measured["ours"]) / statistics.median(measured["naive"])
                )
            still = page.evaluate("(count) => window.__bench.measureStill(count)", 10)
            difference = page.evaluate("() => window.__bench.compare()")
    return _Run(times["ours"], times["plain"], times["naive"], still, round_ratios, gpu, difference)


def measure(*, quick: bool = False) -> list[Figure]:
    """The repaint figures: medians over every move, the ratio of ours to naive per round."""
    if quick:
        run = _measure_frames(moves=8, rounds=2, warmup=2)
    else:
        run = _measure_frames(moves=40, rounds=5, warmup=4)
    how = (
        "three layers of a 1024x768 image at ResNet-101 sizes (256x192x256, 128x96x512, "
        f"64x48x1024; synthetic ReLU-like maps), 8 bit, headless Chromium on {run.gpu}; every "
        "move changes every layer's reference cell; ours and naive interleaved move by move, "
        "each frame closed by a one-pixel read-back"
    )
    ours, naive = statistics.median(run.ours), statistics.median(run.naive)
    rounds = run.round_ratios
    return [
        OURS.from_samples(run.ours, note=how),
        NAIVE.from_samples(run.naive),
        RATIO.measured(
            ours / naive,
            spread=max(rounds) - min(rounds),
            n=len(rounds),
            note=f"ratio of the medians over {len(run.ours)} moves; spread: min-max of the "
            f"{len(rounds)} rounds' ratios; the two maps agree within "
            f"{run.max_abs_difference:.1e}",
            samples=rounds,
        ),
        UNPACKED.from_samples(run.plain),
        STILL.from_samples(run.still),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "repaint", *sys.argv[1:]]))
