"""``classroom prepare --ray ADDRESS``: a collection's forward passes on a Ray cluster.

A collection that outgrows one machine is still embarrassingly parallel per image: each Ray
task runs the per-chunk function the local workers run
(:func:`classroom.collections.workers.chunk_maps`) on one chunk and returns that chunk's
arrays; the driver puts them back in order and writes them through the same cache, so the
store files are those of a local run (byte for byte against one torch thread, which is what a
Ray task with one CPU gets: tests/test_prepare_on_ray.py). Every node needs
``classroom[prepare]`` installed (the tasks import it and load the shipped weights there).

Ray is an optional extra (``classroom[ray]``); without it ``--ray`` says what to install.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from classroom.collections.vectors import ForwardPass, Progress
    from classroom.trained.architectures import TrainedCNN

__all__ = ["RayUnavailableError", "describe_cluster", "ray_forward", "require_ray"]

Float32Array = npt.NDArray[np.float32]


class RayUnavailableError(RuntimeError):
    """``--ray`` was asked for, but Ray is not installed here."""


def require_ray() -> None:
    """Raise, saying what to install, when Ray is missing (checked before any work)."""
    if importlib.util.find_spec("ray") is None:
        raise RayUnavailableError(
            "--ray needs Ray, which this install lacks: install 'classroom[ray]' "
            "(pip install 'classroom[prepare,ray]'), or leave out --ray to prepare on this machine."
        )


@functools.lru_cache(maxsize=4)
def _network(model: str, weights: str) -> TrainedCNN:
    """Each Ray worker loads a network once, however many chunks it runs."""
    from classroom.collections.vectors import load_network

    return load_network(model, weights)


def _chunk_task(
    model: str, weights: str, layers: Sequence[str], images: npt.NDArray[np.uint8]
) -> dict[str, Float32Array]:
    """What one Ray task runs: the local workers' per-chunk function, on one chunk."""
    from classroom.collections.workers import chunk_maps

    return chunk_maps(_network(model, weights), layers, images)


def _connect(address: str) -> Any:
    """Ray, connected to ``address`` (``auto``, ``host:port`` or ``ray://host:port``) once."""
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    return ray


def describe_cluster() -> str:
    """``Ray cluster at 10.0.0.1:6379: 1 node, 1 CPU``: where the tasks will run, as Ray
    itself reports it (so a run says which cluster it really used)."""
    ray: Any = importlib.import_module("ray")  # Ray's own functions are untyped
    nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
    cpus = int(ray.cluster_resources().get("CPU", 0))
    address = ray.get_runtime_context().gcs_address
    return (
        f"Ray cluster at {address}: {nodes} node{'s' if nodes != 1 else ''}, "
        f"{cpus} CPU{'s' if cpus != 1 else ''}"
    )


def ray_forward(address: str) -> ForwardPass:
    """A forward pass for :func:`~classroom.collections.vectors.layer_vectors` that runs each
    chunk (:data:`~classroom.collections.workers.CHUNK` images) as one Ray task on the
    cluster at ``address``, one CPU each.

    Connects at once, so a wrong address fails before anything is prepared.

    Raises:
        RayUnavailableError: Ray is not installed.
        ConnectionError: no cluster answers at ``address``.
    """
    require_ray()
    _connect(address)

    def forward(
        images: npt.NDArray[np.uint8],
        model: str,
        weights: str,
        layers: Sequence[str],
        progress: Progress,
    ) -> dict[str, Float32Array]:
        from classroom.collections.workers import chunks

        ray = _connect(address)
        task = ray.remote(num_cpus=1)(_chunk_task)
        total = len(images)
        ranges = chunks(total)
        pending = [
            task.remote(model, weights, list(layers), images[start:stop]) for start, stop in ranges
        ]
        parts: list[dict[str, Float32Array]] = []
        for reference, (_, stop) in zip(pending, ranges, strict=True):
            parts.append(ray.get(reference))
            progress(stop, total)
        return {name: np.concatenate([part[name] for part in parts]) for name in layers}

    return forward
