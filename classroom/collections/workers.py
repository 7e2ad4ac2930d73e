"""A collection's forward passes, chunk by chunk, on one worker or several.

Preparing a collection is embarrassingly parallel per image: :func:`chunk_maps` turns one
chunk of images into each layer's maps and depends on nothing else, so the chunks can run on
any worker in any order and be put back in order. With one worker (the app's choice) torch
spreads each convolution over its own threads; with ``workers=N`` each of N threads runs whole
chunks with one torch thread each, which keeps both cores of a small machine busier during
the parts of a pass that torch runs on one thread (copies, pooling, small layers). The
chunks are the same either way, so the maps are too: byte for byte against one worker on one
torch thread (tests/test_collection_workers.py); torch's own threads may sum in another order.

Torch is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from classroom.trained.architectures import TrainedCNN

__all__ = ["CHUNK", "chunk_maps", "chunks", "forward_maps"]

#: Images per forward pass: large enough to keep the convolutions busy, small enough that a
#: batch of 96-pixel shapes stays well under 100 MB of activations.
CHUNK: Final = 64
Float32Array = npt.NDArray[np.float32]
_THREADS_LOCK: Final = threading.Lock()


def chunks(total: int, size: int = CHUNK) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges covering ``0..total`` in order."""
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def chunk_maps(
    network: TrainedCNN, layers: Sequence[str], images: npt.NDArray[np.uint8]
) -> dict[str, Float32Array]:
    """The per-chunk function: ``(n, H, W, 3)`` images → each layer's ``(n, h, w, D)`` maps."""
    import torch

    from classroom.trained.data import to_input

    with torch.inference_mode():
        # A copy: a collection's images are read-only, which torch warns about.
        maps = network.feature_maps(to_input(np.array(images), network.spec))
        return {
            name: maps[name].permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32)
            for name in layers
        }


@contextmanager
def _one_torch_thread_each() -> Iterator[None]:
    """Torch's intra-op threads at one while the workers run, restored afterwards.

    What this changes beyond the workers (measured with torch 2.15's OpenMP build): a thread
    keeps the count it had when it first used torch, so a page or worker thread already
    running (an extraction on the shared network) is not slowed; a thread that first uses
    torch inside this window keeps one thread for its life. The app never calls this (its
    collections use one worker); only the benchmarks and tests ask for more workers.
    """
    import torch

    with _THREADS_LOCK:
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(before)


def forward_maps(
    network: TrainedCNN,
    images: npt.NDArray[np.uint8],
    layers: Sequence[str],
    progress: Callable[[int, int], None],
    *,
    workers: int = 1,
) -> dict[str, Float32Array]:
    """Every layer's ``(N, h, w, D)`` maps of ``images``, chunk by chunk, in order.

    ``progress(done, total)`` is called as chunks finish (from the calling thread).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    total = len(images)
    ranges = chunks(total)
    parts: list[dict[str, Float32Array]] = []
    if workers == 1:
        for start, stop in ranges:
            parts.append(chunk_maps(network, layers, images[start:stop]))
            progress(stop, total)
    else:
        with _one_torch_thread_each(), ThreadPoolExecutor(workers) as pool:
            futures = [
                pool.submit(chunk_maps, network, layers, images[start:stop])
                for start, stop in ranges
            ]
            for future, (_, stop) in zip(futures, ranges, strict=True):
                parts.append(future.result())
                progress(stop, total)
    return {name: np.concatenate([part[name] for part in parts]) for name in layers}
