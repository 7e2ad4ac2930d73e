"""Preparing features in the background for the app, and reading what is prepared.

A page render must never wait for a forward pass, and one session's preparation must not stall
another's page. So one :class:`PreparationWorker` per process (the app keeps it in
``st.cache_resource``) runs :func:`classroom.preparation.prepare` on a thread, one request at
a time, most urgent first: the image a student is looking at now before the rest of the
lesson. Sessions only say which jobs they want (work nobody waits for any more is dropped)
and poll their status; failures are remembered for a while, not for the life of the process.

:class:`PreparedCache` is the app's read side: :func:`classroom.preparation.load_prepared`
validates every file it maps, so each prepared image is loaded once per process and then
shared by all sessions (one memory-mapped copy).

:class:`GenerationWorker` runs activation maximization the same way (one thread, progress
and a live preview for the page that waits; results cached in the store).

Pretrained weights missing from this machine are downloaded by the worker, never by a page:
:func:`readiness` counts such a job as pending until the worker has tried (once per process
and weights, see :func:`classroom.networks.resolve_weights`), and as failed, with the reason and
:attr:`~classroom.preparation.Cause.WEIGHTS_UNAVAILABLE`, after the download failed.
"""

from __future__ import annotations

from classroom.background.generation import GenerationJob, GenerationStatus, GenerationWorker
from classroom.background.jobs import Job, JobStatus, LessonJobs, Phase
from classroom.background.readiness import (
    PreparedCache,
    Progress,
    Readiness,
    progress,
    readiness,
)
from classroom.background.worker import BACKGROUND, URGENT, PreparationWorker

__all__ = [
    "BACKGROUND",
    "URGENT",
    "GenerationJob",
    "GenerationStatus",
    "GenerationWorker",
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
