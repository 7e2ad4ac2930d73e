"""What of a set of jobs can be shown now, and how far their preparation has come.

:class:`PreparedCache` is the app's read side: :func:`classroom.preparation.load_prepared`
validates every file it maps, so each prepared image is loaded once per process and then
shared by all sessions (one memory-mapped copy).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from classroom.background.jobs import Job, Phase
from classroom.background.worker import PreparationWorker
from classroom.image_headers import ImageError, content_sha256
from classroom.networks import WeightsFileError, WeightsUnavailableError
from classroom.preparation import (
    Failure,
    PreparedImage,
    load_prepared,
)
from classroom.store import FeatureStore

__all__ = ["PreparedCache", "Progress", "Readiness", "progress", "readiness"]


class PreparedCache:
    """Prepared images, validated once per process and shared by every session."""

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[Job, PreparedImage] = OrderedDict()

    def load(self, job: Job) -> PreparedImage | None:
        """The job's prepared image, or None while anything of it is missing.

        Raises:
            classroom.networks.WeightsUnavailableError: pretrained weights are not on this machine.
            classroom.networks.WeightsFileError: the job's weights file cannot be read.
            classroom.images.ImageError: the image file cannot be read.
        """
        with self._lock:
            known = self._entries.get(job)
            if known is not None and _still_valid(job, known):
                self._entries.move_to_end(job)
                return known
        prepared = load_prepared(
            job.request,
            FeatureStore(job.store_root),
            untrained=job.untrained,
            weights_file=job.weights_file,
        )
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
class Readiness:
    """What of some jobs can be shown now.

    Attributes:
        prepared: the jobs whose features are all in the store.
        pending: jobs still to prepare (want them from the worker), including jobs whose
            pretrained weights the worker is still to download.
        failed: jobs that cannot be prepared, with the failure (its message names the file;
            its cause tells weights problems from image problems).
    """

    prepared: dict[Job, PreparedImage]
    pending: tuple[Job, ...] = ()
    failed: tuple[tuple[Job, Failure], ...] = ()

    @property
    def ready(self) -> bool:
        return not (self.pending or self.failed)

    def only(self, jobs: Collection[Job]) -> Readiness:
        """The same answer for a subset of the jobs (one step's, out of the lesson's)."""
        return Readiness(
            {job: image for job, image in self.prepared.items() if job in jobs},
            tuple(job for job in self.pending if job in jobs),
            tuple(item for item in self.failed if item[0] in jobs),
        )


def readiness(jobs: Iterable[Job], cache: PreparedCache, worker: PreparationWorker) -> Readiness:
    """Sort ``jobs`` by what can be shown now; reads the store, never computes or downloads.

    What the store holds comes first: a job that failed here but was prepared since (by
    ``classroom prepare``, or another server on the same store) is shown. A failure counts
    while the worker remembers it (:meth:`PreparationWorker.failure`); then the job is
    pending again.
    """
    prepared: dict[Job, PreparedImage] = {}
    pending: list[Job] = []
    failed: list[tuple[Job, Failure]] = []
    for job in jobs:
        try:
            loaded = cache.load(job)
        except WeightsUnavailableError as error:
            if error.download_failed:
                failed.append((job, Failure.of(error)))
            else:
                pending.append(job)  # the worker will try to download them
            continue
        except (WeightsFileError, ImageError) as error:
            failed.append((job, Failure.of(error)))
            continue
        if loaded is not None:
            prepared[job] = loaded
        elif (failure := worker.failure(job)) is not None:
            failed.append((job, failure))
        else:
            pending.append(job)
    return Readiness(prepared, tuple(pending), tuple(failed))


@dataclass(frozen=True)
class Progress:
    """How far the preparation of a set of jobs has come, for a filling progress bar.

    Attributes:
        completed: jobs finished (prepared or failed).
        total: jobs in the set.
        fraction: 0 to 1, counting the running job's share by the time it is expected to take
            (at most 95 % of it until it is done), so that the bar fills while it runs.
        stage: what is being done now, in words without ids (``computing conv2_x``,
            ``waiting for 2 other pictures``).
        current: the job being worked on now (its title names it for people), or None.
        ahead: pictures of other people to be prepared before these.
        seconds_left: the estimated time until all are ready (queue ahead included).
    """

    completed: int
    total: int
    fraction: float
    stage: str
    current: Job | None = None
    ahead: int = 0
    seconds_left: float = 0.0

    @property
    def finished(self) -> bool:
        return self.completed >= self.total


#: The running job's share of the bar stops here until it is done: estimates are estimates.
_MOST_OF_A_JOB: Final = 0.95


def progress(worker: PreparationWorker, jobs: Sequence[Job], pending: Sequence[Job]) -> Progress:
    """Progress over ``jobs`` of which ``pending`` were missing when the page was drawn."""
    now = worker.now()
    statuses = {job: worker.status(job) for job in pending}
    waiting = [job for job, status in statuses.items() if status is None or not status.finished]
    completed = len(jobs) - len(waiting)
    running = [
        (job, status)
        for job in waiting
        if (status := statuses[job]) is not None and status.phase is Phase.RUNNING
    ]
    share, left = 0.0, 0.0
    for job in waiting:
        left += worker.estimate(job)
    ahead = 0
    if running:
        job, status = running[0]
        expected = worker.estimate(job)
        # The job may have started after ``now`` was read: no negative time.
        elapsed = max(0.0, now - (status.since if status.since is not None else now))
        share = min(elapsed / expected, _MOST_OF_A_JOB) if expected > 0 else 0.0
        left -= min(elapsed, expected * _MOST_OF_A_JOB)
        stage, current = status.message, job
    elif waiting:
        ahead = min(worker.ahead(job) for job in waiting)
        left += ahead * worker.estimate(waiting[0])
        stage = (
            f"waiting for {ahead} other picture{'s' if ahead != 1 else ''} to be prepared first"
            if ahead
            else "starting"
        )
        current = None
    else:
        stage, current = "done", None
    total = len(jobs)
    fraction = (completed + share) / total if total else 1.0
    return Progress(completed, total, fraction, stage, current, ahead, max(left, 0.0))
