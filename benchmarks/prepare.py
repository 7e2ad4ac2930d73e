"""Preparation: seconds per image, against the bare torchvision forward pass of the same image.

``classroom.preparation.prepare`` of the 1024x768 benchmark image (ResNet-101, conv2_x,
conv3_x and conv4_x, 8 bit) into a fresh store, alternating with the bare forward pass of
the same picture through an identically built network in the same process (so the same torch
threads). The baseline runs the network up to ``layer3`` (conv4_x), the deepest layer
preparation needs: the least any tool must compute. Everything else preparation does counts
as overhead: hashing, reading the picture, storing the analysis image, encoding, writing.

Per image means without the one-time set-up of a run (building the network and tracing the
feature extractor, shared by all images of a lesson). That set-up is timed from
``prepare``'s own progress events and reported beside it.

Run alone: ``.venv/bin/python -m benchmarks --only prepare``.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.noise import QUIET_CORES, OthersMeter
from benchmarks.workload import (
    ARCHITECTURE,
    IMAGE_NOTE,
    bench_image,
    bench_request,
    untrained_model,
    write_bench_image,
)
from classroom import networks
from classroom.preparation import DEFAULT_LAYERS

if TYPE_CHECKING:
    import torch

__all__ = ["SPECS", "measure"]

PER_IMAGE: Final = Spec("prepare_s_per_image", "prepare: seconds per image", "s")
OVERHEAD: Final = Spec(
    "prepare_overhead_ratio", "prepare / bare forward pass", "x", Goal("<=", 1.10)
)
FORWARD: Final = Spec("forward_s_per_image", "  bare forward pass to conv4_x", "s")
SETUP: Final = Spec("prepare_setup_s", "  one-time set-up per run (network)", "s")
SPECS: Final[tuple[Spec, ...]] = (PER_IMAGE, OVERHEAD, FORWARD, SETUP)

#: ``prepare`` announces building the network with this, and then moves on to computing.
_LOADING: Final = "loading "


@dataclass(frozen=True)
class _PrepareTiming:
    total: float
    setup: float

    @property
    def per_image(self) -> float:
        return self.total - self.setup


def _time_prepare(image: Path, store_root: Path) -> _PrepareTiming:
    from classroom.preparation import LOADED_NETWORKS, ProgressEvent, prepare
    from classroom.store import FeatureStore

    # Every run builds the network (the app does once per process), so its set-up is timed
    # each time and taken out of the per-image figure.
    LOADED_NETWORKS.clear()
    events: list[tuple[float, str]] = []

    def record(event: ProgressEvent) -> None:
        events.append((time.perf_counter(), event.message))

    start = time.perf_counter()
    report = prepare(
        [bench_request(image)], FeatureStore(store_root), untrained=True, progress=record
    )
    end = time.perf_counter()
    if not report.ok:
        raise RuntimeError(f"preparation failed: {report.failures[0].error}")
    loading = [index for index, (_, message) in enumerate(events) if message.startswith(_LOADING)]
    if not loading or loading[0] + 1 >= len(events):
        raise RuntimeError(
            "prepare() did not report building the network ('loading ...' and the next "
            f"event); events were {[message for _, message in events]}"
        )
    setup = events[loading[0] + 1][0] - events[loading[0]][0]
    return _PrepareTiming(end - start, setup)


def _time_forward(trunk: torch.nn.Module, batch: torch.Tensor) -> float:
    import torch

    start = time.perf_counter()
    with torch.inference_mode():
        trunk(batch)
    return time.perf_counter() - start


@dataclass(frozen=True)
class _Pair:
    prepare: _PrepareTiming
    forward: float
    others_cores: float | None
    quiet: bool


def _pair(
    index: int, image: Path, store_root: Path, trunk: torch.nn.Module, batch: torch.Tensor
) -> _Pair:
    """One preparation and one forward pass, A-B or B-A by ``index``, with others' load."""
    with OthersMeter() as meter:
        # A-B, B-A, ...: a machine that speeds up or slows down during a pair does not
        # favour whichever of the two always ran first.
        if index % 2:
            forward = _time_forward(trunk, batch)
        prepared = _time_prepare(image, store_root)
        if not index % 2:
            forward = _time_forward(trunk, batch)
    return _Pair(prepared, forward, meter.others_cores, meter.quiet)


def measure(*, repeats: int = 9, budget_s: float = 120.0) -> list[Figure]:
    """``repeats`` undisturbed pairs of preparation and forward pass, after a warm-up.

    A pair during which other processes kept more than :data:`QUIET_CORES` busy is repeated,
    up to three times ``repeats`` pairs or ``budget_s`` seconds; if fewer than three pairs were
    undisturbed by then, all pairs are reported (and the note says so).
    """
    import torch

    model = untrained_model()
    # conv1, bn1, relu, maxpool, layer1 ... the stage of the deepest layer prepared (conv4_x:
    # layer3). The plain (NCHW) model, as anyone would run it; preparation runs channels-last.
    deepest = networks.layer(ARCHITECTURE, DEFAULT_LAYERS[-1]).node
    names = [name for name, _ in model.named_children()]
    trunk = torch.nn.Sequential(*list(model.children())[: names.index(deepest) + 1]).eval()
    weights = networks.untrained_weights(ARCHITECTURE)
    batch = networks.family_of(ARCHITECTURE).input_batch(bench_image(), weights.mean, weights.std)
    pairs: list[_Pair] = []
    with tempfile.TemporaryDirectory(prefix="classroom-bench-prepare-") as temporary:
        root = Path(temporary)
        image = write_bench_image(root)
        _pair(0, image, root / "warm-up", trunk, batch)
        deadline = time.monotonic() + budget_s
        while sum(pair.quiet for pair in pairs) < repeats and len(pairs) < 3 * repeats:
            if pairs and time.monotonic() > deadline:
                break
            store = root / f"store-{len(pairs)}"
            pairs.append(_pair(len(pairs), image, store, trunk, batch))
    quiet = [pair for pair in pairs if pair.quiet]
    chosen = quiet if len(quiet) >= 3 else pairs
    per_image = [pair.prepare.per_image for pair in chosen]
    forwards = [pair.forward for pair in chosen]
    loads = [pair.others_cores for pair in pairs if pair.others_cores is not None]
    which = (
        f"{len(chosen)} of {len(pairs)} pairs, those during which other processes kept at most "
        f"{QUIET_CORES:g} of a core busy"
        if chosen is quiet
        else f"all {len(pairs)} pairs: too few were undisturbed by other processes"
    )
    if loads:
        which += f" (others' load per pair: {min(loads):.2f} to {max(loads):.2f} cores)"
    how = (
        f"ResNet-101 (untrained, same cost) on {IMAGE_NOTE}; prepare() into a fresh store, "
        f"alternating with the forward pass, {torch.get_num_threads()} torch threads for both; "
        f"{which}"
    )
    return [
        PER_IMAGE.from_samples(per_image, note=how + "; without the one-time set-up"),
        OVERHEAD.ratio_of(
            per_image,
            forwards,
            note="median and IQR of the per-pair ratios; the baseline stops at layer3 "
            "(conv4_x), the deepest layer prepared, so the ratio is all of preparation's own work",
        ),
        FORWARD.from_samples(forwards),
        SETUP.from_samples([pair.prepare.setup for pair in chosen]),
    ]
