"""The app's preparation worker: one background thread per process, most urgent job first.

A page render must never wait for a forward pass, and one session's preparation must not stall
another's page. Sessions only submit jobs and poll their status.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Iterable
from typing import Final

from classroom.background.jobs import Job, JobStatus, Phase
from classroom.preparation import (
    Cause,
    ProgressEvent,
    prepare,
    unexpected,
)
from classroom.store import FeatureStore

__all__ = ["BACKGROUND", "URGENT", "PreparationWorker", "sticky"]


_LOGGER = logging.getLogger(__name__)

#: Queue priorities: what someone is looking at now, then everything else.
URGENT: Final = 0
BACKGROUND: Final = 1


class PreparationWorker:
    """One background thread that prepares submitted jobs, most urgent first.

    A job is prepared at most once at a time and a finished job is not repeated unless it is
    submitted again (after its files went missing), :meth:`retry` forgets its failure, or it
    failed for pretrained weights that are on the machine by now (:func:`readiness` only
    reports it as pending then).
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: dict[Job, tuple[int, int]] = {}
        self._status: dict[Job, JobStatus] = {}
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._busy = False

    def submit(self, jobs: Iterable[Job], *, urgent: bool) -> None:
        """Queue jobs that are not queued, running or failed (see :func:`_sticky`); raise queued
        ones to ``urgent``."""
        priority = URGENT if urgent else BACKGROUND
        with self._condition:
            for job in jobs:
                status = self._status.get(job)
                if status is not None and (status.phase is Phase.RUNNING or sticky(status)):
                    continue
                queued = self._queue.get(job)
                if queued is not None and queued[0] <= priority:
                    continue
                self._queue[job] = (priority, next(self._order))
                self._status[job] = JobStatus(Phase.QUEUED, "waiting to be prepared")
            if self._queue:
                self._start()
                self._condition.notify_all()

    def status(self, job: Job) -> JobStatus | None:
        """The job's status, or None if it was never submitted (or was forgotten)."""
        with self._condition:
            return self._status.get(job)

    def ahead(self, job: Job) -> int:
        """How many queued jobs will be prepared before ``job`` (0 if it is not queued)."""
        with self._condition:
            mine = self._queue.get(job)
            if mine is None:
                return 0
            return sum(1 for order in self._queue.values() if order < mine)

    def retry(self, jobs: Iterable[Job]) -> None:
        """Forget failures, so that submitting the jobs again prepares them again."""
        with self._condition:
            for job in jobs:
                status = self._status.get(job)
                if status is not None and status.phase is Phase.FAILED:
                    del self._status[job]

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running; False on timeout (tests and scripts)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._queue and not self._busy, timeout=timeout
            )

    def close(self, timeout: float) -> None:
        """Drop queued jobs and wait up to ``timeout`` seconds for the running one to finish.

        Called when the process exits: a forward pass cut off by interpreter shutdown aborts
        the process with a C++ error instead of exiting cleanly.
        """
        with self._condition:
            for job in self._queue:
                del self._status[job]
            self._queue.clear()
            self._condition.wait_for(lambda: not self._busy, timeout=timeout)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._work, name="classroom-preparation", daemon=True
            )
            self._thread.start()

    def _next(self) -> Job:
        with self._condition:
            self._condition.wait_for(lambda: bool(self._queue))
            job = min(self._queue, key=self._queue.__getitem__)
            del self._queue[job]
            self._busy = True
            self._status[job] = JobStatus(
                Phase.RUNNING, f"{job.name}: starting", None, time.monotonic()
            )
            return job

    def _work(self) -> None:
        while True:
            job = self._next()
            status = self._prepare(job)
            with self._condition:
                self._status[job] = status
                self._busy = False
                self._condition.notify_all()

    def _prepare(self, job: Job) -> JobStatus:
        started = time.monotonic()

        def show(event: ProgressEvent) -> None:
            if event.message != "done":
                with self._condition:
                    self._status[job] = JobStatus(Phase.RUNNING, event.message, None, started)

        try:
            report = prepare(
                [job.request],
                FeatureStore(job.store_root),
                untrained=job.untrained,
                weights_file=job.weights_file,
                progress=show,
            )
        except Exception as error:  # the worker must outlive any bug in one job
            _LOGGER.exception("preparing %s failed", job.name)
            return JobStatus(Phase.FAILED, failure=unexpected(error))
        [result] = report.results
        if result.failure is not None:
            return JobStatus(Phase.FAILED, failure=result.failure)
        return JobStatus(Phase.DONE, "prepared")


def sticky(status: JobStatus) -> bool:
    """A failure that stands until :meth:`PreparationWorker.retry`.

    Missing weights are the exception: once someone puts the file in place, :func:`readiness`
    reports the job as pending again, and submitting it prepares it.
    """
    failure = status.failure
    return failure is not None and failure.cause is not Cause.WEIGHTS_UNAVAILABLE
