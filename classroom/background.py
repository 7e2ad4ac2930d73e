"""Preparing features in the background for the app, and reading what is prepared.

A page render must never wait for a forward pass, and one session's preparation must not stall
another's page. So one :class:`PreparationWorker` per process (the app keeps it in
``st.cache_resource``) runs :func:`classroom.preparation.prepare` on a thread, one request at
a time, most urgent first: the image a student is looking at now before the rest of the
lesson. Sessions only submit jobs and poll their status.

:class:`PreparedCache` is the app's read side: :func:`classroom.preparation.load_prepared`
validates every file it maps, so each prepared image is loaded once per process and then
shared by all sessions (one memory-mapped copy).
"""

from __future__ import annotations

import enum
import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from classroom.images import ImageError, content_sha256
from classroom.lessons import Lesson, Step
from classroom.models import WeightsUnavailableError
from classroom.preparation import (
    PreparedImage,
    PrepareRequest,
    ProgressEvent,
    load_prepared,
    prepare,
    requests_for_lesson,
)
from classroom.store import FeatureStore

__all__ = [
    "BACKGROUND",
    "URGENT",
    "Job",
    "JobStatus",
    "LessonJobs",
    "Phase",
    "PreparationWorker",
    "PreparedCache",
    "Progress",
    "Readiness",
    "progress",
    "readiness",
]

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One request, prepared with the session's weights choice, into one store.

    The store root is part of the job because it is read from the environment when the job
    is made, not when the worker gets to it.
    """

    request: PrepareRequest
    untrained: bool
    store_root: Path

    @property
    def name(self) -> str:
        return self.request.name


class Phase(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class JobStatus:
    """Where a job stands.

    Attributes:
        phase: queued, running, done or failed.
        message: what the worker is doing, e.g. ``edges-to-parts: camera: computing conv2_x``.
        error: why it failed (it names the file).
        since: ``time.monotonic()`` when the job started running.
    """

    phase: Phase
    message: str = ""
    error: str | None = None
    since: float | None = None

    @property
    def finished(self) -> bool:
        return self.phase in {Phase.DONE, Phase.FAILED}


#: Queue priorities: what someone is looking at now, then everything else.
URGENT: Final = 0
BACKGROUND: Final = 1


class PreparationWorker:
    """One background thread that prepares submitted jobs, most urgent first.

    A job is prepared at most once at a time and a finished job is not repeated unless it is
    submitted again (after its files went missing) or :meth:`retry` forgets its failure.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._queue: dict[Job, tuple[int, int]] = {}
        self._status: dict[Job, JobStatus] = {}
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._busy = False

    def submit(self, jobs: Iterable[Job], *, urgent: bool) -> None:
        """Queue jobs that are not queued, running or failed; raise queued ones to ``urgent``."""
        priority = URGENT if urgent else BACKGROUND
        with self._condition:
            for job in jobs:
                status = self._status.get(job)
                if status is not None and status.phase in {Phase.RUNNING, Phase.FAILED}:
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
                [job.request], FeatureStore(job.store_root), untrained=job.untrained, progress=show
            )
        except Exception as error:  # the worker must outlive any bug in one job
            _LOGGER.exception("preparing %s failed", job.name)
            return JobStatus(Phase.FAILED, error=f"{type(error).__name__}: {error}")
        [result] = report.results
        if result.error is not None:
            return JobStatus(Phase.FAILED, error=result.error)
        return JobStatus(Phase.DONE, "prepared")


class PreparedCache:
    """Prepared images, validated once per process and shared by every session."""

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[Job, PreparedImage] = OrderedDict()

    def load(self, job: Job) -> PreparedImage | None:
        """The job's prepared image, or None while anything of it is missing.

        Raises:
            classroom.models.WeightsUnavailableError: pretrained weights are not on this machine.
            classroom.images.ImageError: the image file cannot be read.
        """
        with self._lock:
            known = self._entries.get(job)
            if known is not None and _still_valid(job, known):
                self._entries.move_to_end(job)
                return known
        prepared = load_prepared(job.request, FeatureStore(job.store_root), untrained=job.untrained)
        if prepared is not None:
            with self._lock:
                self._entries[job] = prepared
                while len(self._entries) > self._capacity:
                    self._entries.popitem(last=False)
        return prepared


def _still_valid(job: Job, prepared: PreparedImage) -> bool:
    """Cheap checks that the image is unchanged and nobody cleared the store since loading."""
    try:
        image_sha256 = content_sha256(job.request.image)  # remembered while size and mtime hold
    except ImageError:
        return False
    layers = prepared.layers.values()
    return all(layer.header.key.image_sha256 == image_sha256 for layer in layers) and all(
        path.is_file() for path in [prepared.image_path, *(layer.path for layer in layers)]
    )


@dataclass(frozen=True)
class LessonJobs:
    """A lesson's jobs, and which of them each step needs.

    Attributes:
        lesson: the lesson.
        jobs: one per (image, weights) the lesson shows, in order of first use.
    """

    lesson: Lesson
    jobs: tuple[Job, ...]

    @classmethod
    def of(cls, lesson: Lesson, *, untrained: bool, store_root: Path) -> LessonJobs:
        requests = requests_for_lesson(lesson)
        return cls(lesson, tuple(Job(request, untrained, store_root) for request in requests))

    def for_step(self, step: Step) -> dict[str, Job]:
        """The jobs behind a step's panels, by weights name."""
        path = self.lesson.image(step.image).path
        wanted = {panel.weights for panel in step.panels}
        return {
            job.request.weights: job
            for job in self.jobs
            if job.request.image == path and job.request.weights in wanted
        }


@dataclass(frozen=True)
class Readiness:
    """What of some jobs can be shown now.

    Attributes:
        prepared: the jobs whose features are all in the store.
        pending: jobs still to prepare (submit them).
        failed: jobs the worker could not prepare, with the reason (it names the file).
        weights_missing: jobs whose pretrained weights are not on this machine, with the
            message from :mod:`classroom.models` (which file, where, from where).
    """

    prepared: dict[Job, PreparedImage]
    pending: tuple[Job, ...] = ()
    failed: tuple[tuple[Job, str], ...] = ()
    weights_missing: tuple[tuple[Job, str], ...] = ()

    @property
    def ready(self) -> bool:
        return not (self.pending or self.failed or self.weights_missing)

    def only(self, jobs: Collection[Job]) -> Readiness:
        """The same answer for a subset of the jobs (one step's, out of the lesson's)."""
        return Readiness(
            {job: image for job, image in self.prepared.items() if job in jobs},
            tuple(job for job in self.pending if job in jobs),
            tuple(item for item in self.failed if item[0] in jobs),
            tuple(item for item in self.weights_missing if item[0] in jobs),
        )


def readiness(jobs: Iterable[Job], cache: PreparedCache, worker: PreparationWorker) -> Readiness:
    """Sort ``jobs`` by what can be shown now; reads the store, never computes."""
    prepared: dict[Job, PreparedImage] = {}
    pending: list[Job] = []
    failed: list[tuple[Job, str]] = []
    weights_missing: list[tuple[Job, str]] = []
    for job in jobs:
        status = worker.status(job)
        if status is not None and status.phase is Phase.FAILED:
            failed.append((job, status.error or "failed"))
            continue
        try:
            loaded = cache.load(job)
        except WeightsUnavailableError as error:
            weights_missing.append((job, str(error)))
        except ImageError as error:
            failed.append((job, str(error)))
        else:
            if loaded is None:
                pending.append(job)
            else:
                prepared[job] = loaded
    return Readiness(prepared, tuple(pending), tuple(failed), tuple(weights_missing))


@dataclass(frozen=True)
class Progress:
    """How far the preparation of a set of jobs has come, in words for a progress bar.

    ``running_since`` (``time.monotonic()``) lets the page show for how long the current image
    has been computing, so a slow forward pass does not look like a frozen page.
    """

    completed: int
    total: int
    text: str
    running_since: float | None = None

    @property
    def finished(self) -> bool:
        return self.completed >= self.total

    @property
    def fraction(self) -> float:
        return self.completed / self.total if self.total else 1.0


def progress(worker: PreparationWorker, jobs: Sequence[Job], pending: Sequence[Job]) -> Progress:
    """Progress over ``jobs`` of which ``pending`` were missing when the page was drawn."""
    statuses = {job: worker.status(job) for job in pending}
    waiting = [job for job, status in statuses.items() if status is None or not status.finished]
    completed = len(jobs) - len(waiting)
    running = [
        status
        for job in waiting
        if (status := statuses[job]) is not None and status.phase is Phase.RUNNING
    ]
    since = None
    if running:
        detail, since = running[0].message, running[0].since
    elif waiting:
        ahead = min(worker.ahead(job) for job in waiting)
        detail = (
            f"waiting for {ahead} other image{'s' if ahead != 1 else ''} to be prepared first"
            if ahead
            else "starting"
        )
    else:
        detail = "done"
    noun = "image" if len(jobs) == 1 else "images"
    return Progress(
        completed, len(jobs), f"{completed} of {len(jobs)} {noun} ready: {detail}", since
    )
