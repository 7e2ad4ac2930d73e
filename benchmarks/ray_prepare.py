"""A collection's forward passes through a local Ray instance against the same passes here.

``.venv/bin/python -m benchmarks.ray_prepare`` (a few minutes on 2 cores; not part of the
suite's default run, it starts a Ray instance). The workload is the collection workers'
figure's (benchmarks/collection_views.py): 256 shapes (96 px, all four layers of the shapes
network). Per image, side by side in one run, median of the repeats:

* local: :func:`~classroom.collections.workers.forward_maps` with two workers (one torch
  thread each), the fastest local way on two cores;
* ray: :func:`~classroom.preparation.on_ray.ray_forward` on a local Ray instance with two
  CPUs (two tasks at once, one torch thread each), after one warm-up run in which each Ray
  worker starts and loads the network; the warm-up's time is reported too.

Prints the figures and their ratio (Ray's per-image time over the local one).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Final

__all__ = ["main"]

IMAGES: Final = 256
REPEATS: Final = 3


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    """Measure and print the per-image figures and their ratio."""
    import ray

    from classroom.collections.sources import shapes_collection
    from classroom.collections.vectors import load_network
    from classroom.collections.workers import forward_maps
    from classroom.networks import registry
    from classroom.preparation.on_ray import ray_forward

    collection = shapes_collection(IMAGES)
    layers = list(registry.architecture("shapes").layer_names)
    network = load_network("shapes", "trained")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        forward = ray_forward(ray.get_runtime_context().gcs_address)

        def on_ray() -> object:
            return forward(collection.images, "shapes", "trained", layers, lambda *_: None)

        def local() -> object:
            return forward_maps(network, collection.images, layers, lambda *_: None, workers=2)

        warm_up = _seconds(on_ray)
        local_times, ray_times = [], []
        for _ in range(REPEATS):
            local_times.append(_seconds(local))
            ray_times.append(_seconds(on_ray))
    finally:
        ray.shutdown()
    per_image_local = statistics.median(local_times) / IMAGES * 1000
    per_image_ray = statistics.median(ray_times) / IMAGES * 1000
    print(f"local, 2 workers:        {per_image_local:.2f} ms per image")
    print(f"local Ray, 2 CPUs:       {per_image_ray:.2f} ms per image")
    print(f"Ray / local:             {per_image_ray / per_image_local:.2f} x")
    print(f"Ray's first run (workers start, load the network): {warm_up:.1f} s")


if __name__ == "__main__":
    main()
