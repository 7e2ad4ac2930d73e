"""Jobs: one request prepared with a session's weights choice, and a lesson's jobs by step."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from pathlib import Path

from classroom.lessons import Lesson, Step
from classroom.preparation import (
    Failure,
    PrepareRequest,
    requests_for_lesson,
)

__all__ = ["Job", "JobStatus", "LessonJobs", "Phase"]

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One request, prepared with the session's weights choice, into one store.

    The store root and the weights file are part of the job because they are read from the
    environment when the job is made, not when the worker gets to it.

    Attributes:
        request: what to prepare.
        untrained: seeded random weights instead of pretrained ones.
        store_root: the store to prepare into.
        weights_file: a state dict replacing every pretrained source (``--weights-file``).
        title: what people call the picture, e.g. ``the picture for “Held still”`` (a job's
            :attr:`name` holds ids and belongs in logs). Not part of the job's identity: two
            sessions may call the same work differently.
    """

    request: PrepareRequest
    untrained: bool
    store_root: Path
    weights_file: Path | None = None
    title: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.untrained and self.weights_file is not None:
            raise ValueError("a job uses untrained weights or a weights file, not both")

    @property
    def name(self) -> str:
        """The request's name for logs (lesson and image ids, or the file)."""
        return self.request.name

    @property
    def shown(self) -> str:
        """How the page names the job: its title, else its name."""
        return self.title or self.name


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
        message: what the worker is doing, for people: ``computing conv2_x`` (no ids).
        failure: why it failed (the message names the file) and what is to blame.
        since: ``time.monotonic()`` when the job started running.
        ended: ``time.monotonic()`` when it finished (a failure is forgotten some time later).
    """

    phase: Phase
    message: str = ""
    failure: Failure | None = None
    since: float | None = None
    ended: float | None = field(default=None, compare=False)

    @property
    def finished(self) -> bool:
        return self.phase in {Phase.DONE, Phase.FAILED}


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
    def of(
        cls,
        lesson: Lesson,
        *,
        untrained: bool,
        store_root: Path,
        weights_file: Path | None = None,
    ) -> LessonJobs:
        """The lesson's jobs; ``weights_file`` is ignored with ``untrained``."""
        from classroom.preparation.across_collections import across_requests
        from classroom.store import FeatureStore

        file = None if untrained else weights_file
        requests = requests_for_lesson(lesson)
        # A step lighting up a collection's images: they are written as files and prepared
        # like the lesson's pictures (classroom/preparation/across_collections.py).
        try:
            collected = across_requests(lesson, FeatureStore(store_root))
        except OSError as error:  # a read-only store: the step shows without those images
            _LOGGER.warning("%s: a collection's images cannot be written: %s", lesson.path, error)
            collected = []
        return cls(
            lesson,
            tuple(
                Job(request, untrained, store_root, file, _title(lesson, request))
                for request in requests
            )
            + tuple(
                Job(request, untrained, store_root, file, _collection_title(request))
                for request in collected
            ),
        )

    def for_step(self, step: Step) -> dict[str, Job]:
        """The jobs behind a step's panels, by weights name."""
        path = self.lesson.image(step.image).path
        wanted = {panel.weights for panel in step.panels}
        return {
            job.request.weights: job
            for job in self.jobs
            if job.request.image == path and job.request.weights in wanted
        }

    def across(self, step: Step) -> list[Job]:
        """The jobs behind a step's other images (``across:``), in the step's order."""
        if step.across is None:
            return []
        by_image = {
            job.request.image: job
            for job in self.jobs
            if job.request.weights == step.across.weights
        }
        if step.across.collection is not None:
            from classroom.preparation.across_collections import step_across_requests
            from classroom.store import FeatureStore

            store = FeatureStore(self.jobs[0].store_root) if self.jobs else FeatureStore()
            try:
                wanted = step_across_requests(self.lesson, step, store)
            except OSError:
                return []
            return [by_image[request.image] for request, _ in wanted if request.image in by_image]
        return [by_image[self.lesson.image(image).path] for image in step.across.images]


def _collection_title(request: PrepareRequest) -> str:
    """A collection's image as people know it: ``circle (image 12) of shapes`` (its source)."""
    return request.source.split(": ", 1)[-1]


def _title(lesson: Lesson, request: PrepareRequest) -> str:
    """The picture as people know it: by the first step that shows it (with these weights)."""
    for step in lesson.steps:
        shown = {panel.weights for panel in step.panels}
        if lesson.image(step.image).path == request.image and request.weights in shown:
            weights = "" if request.weights == lesson.weights else f" ({request.weights} weights)"
            return f"the picture for “{step.title}”{weights}"
    return f"a picture in “{lesson.title}”"
