"""Activation maximization in the background: one thread, progress and a live preview.

Gradient ascent takes seconds to minutes, so a page never runs it: it asks
:class:`GenerationWorker` for a job, and polls :meth:`GenerationWorker.status`, which says how
many steps are done and carries the latest preview of the facets (every
``Settings.preview_every`` steps), until the result is there. Results are cached in the store
(:func:`classroom.maximization.technique.maximize`), so a job asked for again, by any session
or after a restart, is answered from the store. One job runs at a time, first asked first.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from classroom.maximization.settings import Settings
from classroom.store import FeatureStore

if TYPE_CHECKING:
    from classroom.maximization.technique import Maximized
    from classroom.networks import LoadedNetwork

__all__ = ["GenerationJob", "GenerationStatus", "GenerationWorker"]

_LOGGER = logging.getLogger(__name__)
#: Finished jobs remembered (results, failures); older ones are asked of the store again.
_REMEMBERED: Final = 64


@dataclass(frozen=True)
class GenerationJob:
    """What to generate: a network (and weights), a target (``channel:block4:43``), settings."""

    model: str
    weights: str | None
    target: str
    settings: Settings


@dataclass(frozen=True)
class GenerationStatus:
    """Where a job is: queued (``step`` 0), running, done (``result``) or failed (``error``)."""

    step: int
    steps: int
    preview: npt.NDArray[np.uint8] | None = None
    result: Maximized | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None or self.error is not None

    @property
    def fraction(self) -> float:
        """Progress in 0..1, for a progress bar."""
        if self.result is not None:
            return 1.0
        return self.step / self.steps if self.steps else 0.0


def _load(model: str, weights: str | None) -> LoadedNetwork:
    from classroom import networks

    return networks.build_network(networks.resolve_weights(model, weights))


class GenerationWorker:
    """One background thread that generates the jobs sessions ask for, in order.

    Args:
        store: where results are cached (default: the store of this machine).
        load: builds a network (tests and the app share loaded networks through it).
    """

    def __init__(
        self,
        store: FeatureStore | None = None,
        load: Callable[[str, str | None], LoadedNetwork] = _load,
    ) -> None:
        self._store = store if store is not None else FeatureStore()
        self._load = load
        self._networks: dict[tuple[str, str | None], LoadedNetwork] = {}
        self._condition = threading.Condition()
        self._queue: list[GenerationJob] = []
        self._status: OrderedDict[GenerationJob, GenerationStatus] = OrderedDict()
        self._thread: threading.Thread | None = None
        self._closed = False

    def request(self, job: GenerationJob) -> GenerationStatus:
        """Ask for ``job`` (queued unless it is queued, running or done) and say where it is."""
        with self._condition:
            status = self._status.get(job)
            if status is None or status.error is not None:
                status = GenerationStatus(0, job.settings.steps)
                self._status[job] = status
                self._queue.append(job)
                self._start()
                self._condition.notify_all()
            return status

    def status(self, job: GenerationJob) -> GenerationStatus | None:
        with self._condition:
            return self._status.get(job)

    def wait(self, job: GenerationJob, timeout: float) -> GenerationStatus | None:
        """Wait until ``job`` is finished or ``timeout`` seconds passed; its status then."""
        with self._condition:
            self._condition.wait_for(
                lambda: (status := self._status.get(job)) is None or status.finished, timeout
            )
            return self._status.get(job)

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the running job (queued ones are dropped)."""
        with self._condition:
            self._closed = True
            self._queue.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="maximize", daemon=True)
            self._thread.start()

    def _set(self, job: GenerationJob, status: GenerationStatus) -> None:
        with self._condition:
            self._status[job] = status
            self._status.move_to_end(job)
            while len(self._status) > _REMEMBERED:
                oldest = next(iter(self._status))
                if not self._status[oldest].finished:
                    break
                self._status.popitem(last=False)
            self._condition.notify_all()

    def _work(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._closed or bool(self._queue))
                if self._closed:
                    return
                job = self._queue.pop(0)
            self._run(job)

    def _run(self, job: GenerationJob) -> None:
        from classroom.maximization.objective import target_of
        from classroom.maximization.technique import maximize

        def progress(step: int, steps: int, preview: npt.NDArray[np.uint8] | None) -> None:
            with self._condition:
                last = self._status.get(job) or GenerationStatus(0, steps)
            shown = preview if preview is not None else last.preview
            self._set(job, replace(last, step=step, steps=steps, preview=shown))

        try:
            key = (job.model, job.weights)
            if key not in self._networks:
                self._networks = {key: self._load(*key)}  # one network kept: they are large
            network = self._networks[key]
            result = maximize(
                network,
                target_of(network, job.target),
                job.settings,
                store=self._store,
                on_progress=progress,
            )
        except Exception as error:  # reported to the page that waits, never a dead thread
            _LOGGER.warning("Generating %s failed: %s", job, error, exc_info=True)
            self._set(job, GenerationStatus(0, job.settings.steps, error=str(error)))
            return
        preview = np.round(result.images * 255).astype(np.uint8)
        self._set(job, GenerationStatus(job.settings.steps, job.settings.steps, preview, result))
