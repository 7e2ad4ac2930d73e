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
from benchmarks.workload import IMAGE_NOTE, bench_image, bench_request, untrained_model

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
    from classroom.preparation import ProgressEvent, prepare
    from classroom.store import FeatureStore

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


def _input_batch() -> torch.Tensor:
    """The benchmark picture as preparation feeds it to the network."""
    import torch
    from torchvision.transforms.v2 import functional as tf

    from classroom.extraction import IMAGENET_MEAN, IMAGENET_STD

    pixels = tf.to_dtype(tf.to_image(bench_image()), torch.float32, scale=True)
    batch: torch.Tensor = tf.normalize(pixels, list(IMAGENET_MEAN), list(IMAGENET_STD))
    return batch.unsqueeze(0)


def _time_forward(trunk: torch.nn.Module, batch: torch.Tensor) -> float:
    import torch

    start = time.perf_counter()
    with torch.inference_mode():
        trunk(batch)
    return time.perf_counter() - start


def measure(*, repeats: int = 9) -> list[Figure]:
    """Prepare and forward ``repeats`` times each, in alternating order, after a warm-up."""
    import torch

    model = untrained_model()
    # conv1, bn1, relu, maxpool, layer1, layer2, layer3: the network up to conv4_x.
    trunk = torch.nn.Sequential(*list(model.children())[:7]).eval()
    batch = _input_batch()
    prepares: list[_PrepareTiming] = []
    forwards: list[float] = []
    with tempfile.TemporaryDirectory(prefix="classroom-bench-prepare-") as temporary:
        root = Path(temporary)
        image = root / "coffee-1024x768.png"
        bench_image().save(image, format="PNG")
        _time_prepare(image, root / "warm-up")
        _time_forward(trunk, batch)
        for index in range(repeats):
            # A-B, B-A, ...: a machine that speeds up or slows down during a pair does not
            # favour whichever of the two always ran first.
            if index % 2:
                forwards.append(_time_forward(trunk, batch))
            prepares.append(_time_prepare(image, root / f"store-{index}"))
            if not index % 2:
                forwards.append(_time_forward(trunk, batch))
    per_image = [timing.per_image for timing in prepares]
    threads = torch.get_num_threads()
    how = (
        f"ResNet-101 (untrained, same cost) on {IMAGE_NOTE}; prepare() into a fresh store, "
        f"alternating with the forward pass, {threads} torch threads for both"
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
        SETUP.from_samples([timing.setup for timing in prepares]),
    ]
