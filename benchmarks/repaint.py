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

import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.static_server import serve_directory
from classroom.component import BUILD_DIR, layer_source
from classroom.store import FeatureStore
from harness.chromium import launch
from harness.synthetic import RESNET101_STAGES, prepare_view

__all__ = ["SPECS", "measure"]

OURS: Final = Spec("repaint_ms_median", "repaint per pointer move, ours", "ms")
NAIVE: Final = Spec(
    "repaint_naive_ms_median", "repaint per pointer move, the original tool's work (naive)", "ms"
)
RATIO: Final = Spec("repaint_ratio_vs_naive", "repaint ours / naive", "x", Goal("<=", 0.2))
NS_PER_VALUE: Final = Spec("repaint_ns_per_value", "  ours, per feature value", "ns")
FLOOR: Final = Spec(
    "read_floor_ns_per_value", "  read floor (a pass that only sums the codes), per value", "ns"
)
FLOOR_RATIO: Final = Spec("repaint_floor_ratio", "  ours / read floor", "x")
UNPACKED: Final = Spec(
    "repaint_unpacked_ms_median", "  ours without packed codes (4 channels per fetch)", "ms"
)
COMPOSITE_SHARE: Final = Spec(
    "repaint_composite_share_of_naive",
    "  a frame's composite alone / naive (every repaint pays it: a floor for the ratio)",
    "x",
)
VALUE_PASSES_RATIO: Final = Spec(
    "repaint_value_passes_ratio_vs_naive",
    "  value passes alone (repaint minus the composite), ours / naive",
    "x",
)
SIMILARITY_SHARE: Final = Spec(
    "repaint_similarity_share_of_naive",
    "  the similarity pass alone / naive (no other change to the chain can go below it)",
    "x",
)
STILL: Final = Spec("composite_only_ms_median", "a frame without a reference change", "ms")
STILL_RATIO: Final = Spec(
    "still_frame_ratio", "  frame without a reference change / repaint", "x", Goal("<=", 0.1)
)
STILL_NET_RATIO: Final = Spec(
    "still_frame_ratio_without_read_back",
    "  the same, each minus the one-pixel read-back that closes it (the view never waits so)",
    "x",
)
SPECS: Final[tuple[Spec, ...]] = (
    OURS,
    NAIVE,
    RATIO,
    COMPOSITE_SHARE,
    VALUE_PASSES_RATIO,
    SIMILARITY_SHARE,
    NS_PER_VALUE,
    FLOOR,
    FLOOR_RATIO,
    UNPACKED,
    STILL,
    STILL_RATIO,
    STILL_NET_RATIO,
)


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
    """Frame times in milliseconds per timed thing (every list in move order), and more."""

    times: dict[str, list[float]]
    values: int
    gpu: str
    max_abs_difference: float
    still_ran_value_passes: bool


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

    Within a move the variants take turns (the order rotates), then a still frame and the read
    floor follow, so a slow spell of the machine (other processes) hits all of them alike.
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
            serve_directory(site) as base,
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
            times: dict[str, list[float]] = {}
            values = 0
            still_ran = False
            for round_index in range(rounds):
                path = _moves(moves + warmup, width, height, coarsest, seed + round_index)
                measured = page.evaluate(
                    "([moves, warmup]) => window.__bench.measure(moves, warmup)", [path, warmup]
                )
                for name, samples in measured["times"].items():
                    times.setdefault(name, []).extend(samples)
                values = measured["values"]
                before, after = measured["passesBeforeStill"], measured["passesAfterStill"]
                still_ran |= before["passes"] != after["passes"]
            difference = page.evaluate("() => window.__bench.compare()")
    return _Run(times, values, gpu, difference, still_ran)


def measure(*, quick: bool = False) -> list[Figure]:
    """The repaint figures: medians over every move; ratios are medians of per-move pairs."""
    if quick:
        run = _measure_frames(moves=8, rounds=2, warmup=2)
    else:
        run = _measure_frames(moves=40, rounds=5, warmup=4)
    times = run.times
    how = (
        "three layers of a 1024x768 image at ResNet-101 sizes (256x192x256, 128x96x512, "
        f"64x48x1024; synthetic ReLU-like maps), 8 bit, three 384x288 panels, headless Chromium "
        f"on {run.gpu}; every move changes every layer's reference cell; each frame closed by "
        "a one-pixel read-back (GPU time); ours, unpacked and naive take turns move by move"
    )
    naive_how = (
        "the original tool's per-move work: similarity re-reading the reference texel and both "
        "norms in its loop (four channels per texel), the whole map read back to the CPU for "
        "its min/max, a separate stretch pass, the colour map; the same composite"
    )
    per_value = 1e6 / run.values
    still_note = (
        "the opacity changes, nothing else: "
        + ("NO value pass ran" if not run.still_ran_value_passes else "a value pass RAN (a bug)")
        + "; median of the per-move ratios"
    )
    return [
        OURS.from_samples(times["ours"], note=how),
        NAIVE.from_samples(times["naive"], note=naive_how),
        RATIO.ratio_of(
            times["ours"],
            times["naive"],
            note="median of the per-move ratios; the maps agree within "
            f"{run.max_abs_difference:.1e}",
        ),
        COMPOSITE_SHARE.ratio_of(
            times["still"],
            times["naive"],
            note="the still frame of the same move: image, cells and markers for every displayed "
            "pixel, which both sides draw alike",
        ),
        VALUE_PASSES_RATIO.ratio_of(
            [ours - still for ours, still in zip(times["ours"], times["still"], strict=True)],
            [naive - still for naive, still in zip(times["naive"], times["still"], strict=True)],
            note="each repaint minus the still frame of the same move",
        ),
        SIMILARITY_SHARE.ratio_of(
            times["similarity"],
            times["naive"],
            note="the similarity pass of ours over the three layers, the same move's reference, "
            "closed by a one-texel read-back of the map it wrote (as every repaint is closed)",
        ),
        NS_PER_VALUE.from_samples(
            [ms * per_value for ms in times["ours"]],
            note=f"the whole repaint over the {run.values:,} feature values of the three layers",
        ),
        FLOOR.from_samples([ms * per_value for ms in times["floor"]]),
        FLOOR_RATIO.ratio_of(times["ours"], times["floor"]),
        UNPACKED.from_samples(times["unpacked"]),
        STILL.from_samples(times["still"]),
        STILL_RATIO.ratio_of(times["still"], times["ours"], note=still_note),
        STILL_NET_RATIO.ratio_of(
            [still - wait for still, wait in zip(times["still"], times["finish"], strict=True)],
            [ours - wait for ours, wait in zip(times["ours"], times["finish"], strict=True)],
            note="the read-back timed alone after each still frame, the GPU idle "
            f"(median {statistics.median(times['finish']):.2f} ms), taken out of both frames of "
            "the move: the frames' own work, as the view draws them without waiting",
        ),
    ]
