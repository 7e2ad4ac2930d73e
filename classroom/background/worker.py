"""The app's preparation worker: one background thread per process, most urgent job first.

A page render must never wait for a forward pass, and one session's preparation must not stall
another's page. Sessions only say what they want and poll its status.

Work nobody waits for is not done. A session *wants* jobs in named slots (``step``: what is on
its screen, urgent; ``rest``: the rest of its lesson); each call replaces that slot, so a
session that moves on (another step, another upload) drops what it no longer needs, and an
interest that is not renewed (a closed tab) lapses after :data:`INTEREST_SECONDS`. A queued job
that nobody wants is dropped; a running one stops at its next stage (before decoding, before
the forward pass). Jobs given with :meth:`PreparationWorker.submit` are kept until prepared.

A failure is remembered for :data:`FAILURE_SECONDS`, or until the picture's file changes,
never for the life of the process: a store made writable again, or a picture replaced, is
tried again.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from classroom import networks
from classroom.background.jobs import Job, JobStatus, Phase
from classroom.preparation import (
    Cause,
    Failure,
    ProgressEvent,
    prepare,
    unexpected,
)
from classroom.store import FeatureStore

__all__ = [
    "BACKGROUND",
    "FAILURE_SECONDS",
    "INTEREST_SECONDS",
    "URGENT",
    "PreparationWorker",
]


_LOGGER = logging.getLogger(__name__)

#: Queue priorities: what someone is looking at now, then everything else.
URGENT: Final = 0
BACKGROUND: Final = 1
#: A session's interest lapses this long after it was last renewed (a waiting page renews it
#: every second).
INTEREST_SECONDS: Final = 20.0
#: A failure stands this long; then the next session that wants the job has it tried again.
FAILURE_SECONDS: Final = 60.0
#: How much a new duration counts in a job's time estimate (an exponential moving average).
_ESTIMATE_WEIGHT: Final = 0.5
#: Seconds per billion operations of the network at 224 x 224 (:attr:`Architecture.gflops`),
#: for a 1024-pixel picture on a two-core laptop with hashing, encoding and writing: ResNet-101
#: (7.8 GFLOPs) took 2.0 s, ResNet-18 (1.8) 0.5 s (docs/benchmarks.md).
_SECONDS_PER_GFLOP: Final = 0.26
#: The guess for a network whose cost is unknown (a model file): ResNet-101's.
_UNKNOWN_COST_SECONDS: Final = 2.0


class _Abandoned(BaseException):
    """Raised in a running job's progress callback once nobody wants the job any more.

    A BaseException, so that preparation's handlers of ordinary errors let it pass; its locks
    and temporary files are released by their own ``with`` and ``finally`` blocks, as for a
    KeyboardInterrupt.
    """


@dataclass(frozen=True)
class _Interest:
    jobs: frozenset[Job]
    priority: int
    renewed: float


def _image_state(job: Job) -> tuple[int, int] | None:
    """Size and modification time of the job's picture (a failure's cause may be in it)."""
    try:
        status = job.request.image.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _first_guess(architecture: str) -> float:
    """Seconds a 1024-pixel job of ``architecture`` takes before one was timed."""
    if architecture not in networks.ARCHITECTURES:
        return _UNKNOWN_COST_SECONDS
    gflops = networks.architecture(architecture).gflops
    return gflops * _SECONDS_PER_GFLOP if gflops > 0 else _UNKNOWN_COST_SECONDS


def _estimate_key(job: Job) -> tuple[str, int]:
    return job.request.architecture, job.request.max_side


class PreparationWorker:
    """One background thread that prepares the jobs sessions want, most urgent first.

    A job is prepared at most once at a time; a finished job is not repeated unless it is
    wanted again after its files went missing, its failure was forgotten (:meth:`retry`, or
    :data:`FAILURE_SECONDS` later, or its picture changed), or it failed for pretrained
    weights that are on the machine by now (:func:`readiness` only reports it as pending then).
    """

    def __init__(
        self,
        *,
        interest_seconds: float = INTEREST_SECONDS,
        failure_seconds: float = FAILURE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interest_seconds = interest_seconds
        self._failure_seconds = failure_seconds
        self._clock = clock
        self._condition = threading.Condition()
        self._queue: dict[Job, tuple[int, int]] = {}
        self._held: dict[Job, int] = {}
        self._interest: dict[tuple[str, str], _Interest] = {}
        self._status: dict[Job, JobStatus] = {}
        self._failed_image: dict[Job, tuple[int, int] | None] = {}
        self._estimates: dict[tuple[str, int], float] = {}
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._running: Job | None = None
        self._running_held = False

    # -- what sessions call ---------------------------------------------------------------------

    def submit(self, jobs: Iterable[Job], *, urgent: bool) -> None:
        """Queue jobs to be prepared whoever waits for them (scripts, tests): kept until done.

        Jobs that are running or whose failure is remembered are left alone; queued ones are
        raised to ``urgent``.
        """
        priority = URGENT if urgent else BACKGROUND
        with self._condition:
            for job in jobs:
                if self._enqueue(job, priority):
                    self._held[job] = min(priority, self._held.get(job, priority))
            self._wake()

    def want(self, owner: str, slot: str, jobs: Iterable[Job], *, urgent: bool) -> None:
        """``owner`` (a session) now wants exactly ``jobs`` in ``slot``, instead of before.

        The jobs are queued as :meth:`submit` would; jobs nobody wants any more are dropped
        from the queue (and the running one stops at its next stage). Calling again with the
        same jobs renews the interest, which otherwise lapses after :data:`INTEREST_SECONDS`.
        """
        priority = URGENT if urgent else BACKGROUND
        wanted = frozenset(jobs)
        with self._condition:
            now = self._clock()
            if wanted:
                self._interest[owner, slot] = _Interest(wanted, priority, now)
            else:
                self._interest.pop((owner, slot), None)
            for job in wanted:
                self._enqueue(job, priority)
            self._drop_unwanted(now)
            self._wake()

    def status(self, job: Job) -> JobStatus | None:
        """The job's status, or None if it was never submitted (or was dropped or forgotten)."""
        with self._condition:
            self._forget_stale_failure(job)
            return self._status.get(job)

    def failure(self, job: Job) -> Failure | None:
        """Why the job failed, while that is remembered.

        Missing pretrained weights are not remembered here: once someone puts the file in
        place, :func:`readiness` reports the job as pending again.
        """
        status = self.status(job)
        if status is None or status.failure is None:
            return None
        return None if status.failure.cause is Cause.WEIGHTS_UNAVAILABLE else status.failure

    def ahead(self, job: Job) -> int:
        """How many jobs will be prepared before ``job``: queued ones first, and a running one."""
        with self._condition:
            mine = self._queue.get(job)
            if mine is None:
                return 0
            queued = sum(1 for order in self._queue.values() if order < mine)
            return queued + (self._running is not None)

    def estimate(self, job: Job) -> float:
        """Seconds ``job`` is expected to take: as jobs of its kind took so far, else a guess.

        The guess (the network's operations times :data:`_SECONDS_PER_GFLOP`, for a
        1024-pixel picture on a two-core laptop, scaled by the picture's area) only serves
        until one job of the kind is done.
        """
        key = _estimate_key(job)
        with self._condition:
            known = self._estimates.get(key)
        if known is not None:
            return known
        architecture, max_side = key
        guess = _first_guess(architecture)
        return guess * min(1.0, (max_side / 1024) ** 2)

    def now(self) -> float:
        """The worker's clock (``time.monotonic`` unless a test gave another)."""
        return self._clock()

    def retry(self, jobs: Iterable[Job]) -> None:
        """Forget failures, so that wanting the jobs again prepares them again."""
        with self._condition:
            for job in jobs:
                status = self._status.get(job)
                if status is not None and status.phase is Phase.FAILED:
                    del self._status[job]

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running; False on timeout (tests and scripts)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._queue and self._running is None, timeout=timeout
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
            self._held.clear()
            self._interest.clear()
            self._condition.wait_for(lambda: self._running is None, timeout=timeout)

    # -- the queue (callers hold the condition) -------------------------------------------------

    def _enqueue(self, job: Job, priority: int) -> bool:
        """Queue ``job`` unless it runs or its failure stands; False if it was left alone."""
        self._forget_stale_failure(job)
        status = self._status.get(job)
        if status is not None:
            if status.phase is Phase.RUNNING:
                return False
            failure = status.failure
            if failure is not None and failure.cause is not Cause.WEIGHTS_UNAVAILABLE:
                return False
        queued = self._queue.get(job)
        if queued is None or queued[0] > priority:
            self._queue[job] = (priority, next(self._order))
            self._status[job] = JobStatus(Phase.QUEUED, "waiting to be prepared")
        return True

    def _forget_stale_failure(self, job: Job) -> None:
        status = self._status.get(job)
        if status is None or status.phase is not Phase.FAILED:
            return
        expired = status.ended is not None and self._clock() - status.ended > self._failure_seconds
        if expired or _image_state(job) != self._failed_image.get(job):
            del self._status[job]
            self._failed_image.pop(job, None)

    def _wanted(self, now: float) -> dict[Job, int]:
        """Every job someone waits for, at the best priority anyone wants it at."""
        for key in [
            k for k, v in self._interest.items() if now - v.renewed > self._interest_seconds
        ]:
            del self._interest[key]
        wanted = dict(self._held)
        for interest in self._interest.values():
            for job in interest.jobs:
                wanted[job] = min(interest.priority, wanted.get(job, interest.priority))
        return wanted

    def _drop_unwanted(self, now: float) -> None:
        wanted = self._wanted(now)
        for job, (priority, order) in list(self._queue.items()):
            if job not in wanted:
                del self._queue[job]
                del self._status[job]
                _LOGGER.info("dropped %s: nobody waits for it any more", job.name)
            elif wanted[job] != priority:
                self._queue[job] = (wanted[job], order)

    def _still_wanted(self, job: Job) -> bool:
        with self._condition:
            return self._running_held or job in self._wanted(self._clock())

    def _wake(self) -> None:
        if self._queue:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="classroom-preparation", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    # -- the thread -----------------------------------------------------------------------------

    def _next(self) -> Job:
        with self._condition:
            while True:
                self._condition.wait_for(lambda: bool(self._queue))
                self._drop_unwanted(self._clock())
                if self._queue:
                    break
            job = min(self._queue, key=self._queue.__getitem__)
            del self._queue[job]
            self._running_held = self._held.pop(job, None) is not None
            self._running = job
            self._status[job] = JobStatus(Phase.RUNNING, "starting", None, self._clock())
            return job

    def _work(self) -> None:
        while True:
            job = self._next()
            status = self._prepare(job)
            with self._condition:
                if status is None:
                    self._status.pop(job, None)
                else:
                    self._status[job] = status
                    if status.phase is Phase.FAILED:
                        self._failed_image[job] = _image_state(job)
                self._running = None
                self._running_held = False
                self._condition.notify_all()

    def _prepare(self, job: Job) -> JobStatus | None:
        """Prepare one job; None if it was abandoned on the way."""
        started = self._clock()
        loading = 0.0  # seconds spent building a network, which later jobs do not repeat
        stage_started = started
        stage = "starting"

        def show(event: ProgressEvent) -> None:
            nonlocal loading, stage_started, stage
            now = self._clock()
            if stage.startswith("loading "):
                loading += now - stage_started
            stage, stage_started = event.stage, now
            if stage == "done":
                return
            if not self._still_wanted(job):
                raise _Abandoned
            with self._condition:
                self._status[job] = JobStatus(Phase.RUNNING, stage, None, started)

        _LOGGER.debug("preparing %s", job.name)
        try:
            report = prepare(
                [job.request],
                FeatureStore(job.store_root),
                untrained=job.untrained,
                weights_file=job.weights_file,
                progress=show,
            )
        except _Abandoned:
            _LOGGER.info("stopped preparing %s: nobody waits for it any more", job.name)
            return None
        except Exception as error:  # the worker must outlive any bug in one job
            _LOGGER.exception("preparing %s failed", job.name)
            return JobStatus(Phase.FAILED, failure=unexpected(error), ended=self._clock())
        ended = self._clock()
        [result] = report.results
        if result.failure is not None:
            _LOGGER.warning("could not prepare %s: %s", job.name, result.failure.message)
            return JobStatus(Phase.FAILED, failure=result.failure, ended=ended)
        if result.prepared:
            self._learn(job, ended - started - loading)
        _LOGGER.info("prepared %s in %.1f s", job.name, ended - started)
        return JobStatus(Phase.DONE, "prepared", ended=ended)

    def _learn(self, job: Job, seconds: float) -> None:
        key = _estimate_key(job)
        with self._condition:
            known = self._estimates.get(key)
            self._estimates[key] = (
                seconds if known is None else known + _ESTIMATE_WEIGHT * (seconds - known)
            )
