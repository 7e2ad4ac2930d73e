"""The background worker and the prepared-image cache, on real networks and a real store."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from classroom import networks, preparation
from classroom.background import (
    Job,
    JobStatus,
    LessonJobs,
    Phase,
    PreparationWorker,
    PreparedCache,
    progress,
    readiness,
)
from classroom.background import worker as background_worker
from classroom.lessons import Lesson
from classroom.preparation import Cause, PrepareRequest
from classroom.store import FeatureStore
from tests.lesson_tree import LessonTree

LESSON = """\
title: Three pictures
model: resnet18
weights: untrained
layers: [conv2_x]
max_side: 64
images:
  one: {path: one.png, attribution: "the tests, CC0"}
  two: {path: two.png, attribution: "the tests, CC0"}
  three: {path: three.png, attribution: "the tests, CC0"}
steps:
  - {text: One., image: one}
  - {text: Two., image: two, layers: [conv2_x, {layer: conv3_x, weights: imagenet}]}
  - {text: Three., image: three}
"""


def _tree(root: Path) -> LessonTree:
    tree = LessonTree(root)
    # Different sizes, so that the three pictures differ in content (and store entries).
    for name, width in (("one.png", 64), ("two.png", 72), ("three.png", 80)):
        tree.image(name, (width, 48))
    return tree


@pytest.fixture
def lesson(tmp_path: Path) -> Lesson:
    return _tree(tmp_path).load(LESSON)


@pytest.fixture
def jobs(lesson: Lesson) -> LessonJobs:
    return LessonJobs.of(lesson, untrained=True, store_root=FeatureStore().root)


@pytest.fixture
def worker() -> PreparationWorker:
    return PreparationWorker()


def test_lesson_jobs_follow_the_steps_panels(lesson: Lesson, jobs: LessonJobs) -> None:
    assert [job.name for job in jobs.jobs] == [
        "lesson: one",
        "lesson: two",
        "lesson: two (imagenet)",
        "lesson: three",
    ]
    assert all(job.untrained for job in jobs.jobs)
    second = jobs.for_step(lesson.steps[1])
    assert sorted(second) == ["imagenet", "untrained"]
    assert second["imagenet"].request.layers == ("conv3_x",)
    assert list(jobs.for_step(lesson.steps[0]).values()) == [jobs.jobs[0]]


def test_a_submitted_job_is_prepared_and_then_loads_from_the_cache(
    jobs: LessonJobs, worker: PreparationWorker
) -> None:
    job = jobs.jobs[0]
    cache = PreparedCache()
    assert cache.load(job) is None
    assert worker.status(job) is None

    worker.submit([job], urgent=True)
    assert worker.wait_idle(timeout=120)

    status = worker.status(job)
    assert status is not None
    assert (status.phase, status.finished) == (Phase.DONE, True)
    prepared = cache.load(job)
    assert prepared is not None
    assert list(prepared.layers) == ["conv2_x"]
    assert prepared.weights.untrained
    assert cache.load(job) is prepared, "validated once, then shared"


def test_the_cache_notices_a_cleared_store_and_a_resubmission_refills_it(
    jobs: LessonJobs, worker: PreparationWorker
) -> None:
    job = jobs.jobs[0]
    worker.submit([job], urgent=True)
    assert worker.wait_idle(timeout=120)
    cache = PreparedCache()
    prepared = cache.load(job)
    assert prepared is not None

    prepared.layers["conv2_x"].path.unlink()
    assert cache.load(job) is None

    worker.submit([job], urgent=True)
    assert worker.wait_idle(timeout=120)
    assert cache.load(job) is not None


def test_the_cache_notices_an_edited_image(
    lesson: Lesson, jobs: LessonJobs, worker: PreparationWorker
) -> None:
    job = jobs.jobs[0]
    worker.submit([job], urgent=True)
    assert worker.wait_idle(timeout=120)
    cache = PreparedCache()
    assert cache.load(job) is not None

    Image.new("RGB", (64, 48), (200, 30, 30)).save(lesson.image("one").path)

    assert cache.load(job) is None, "features of the old picture are not shown"


class Held:
    """The worker, held on its first job until released, recording the order jobs start in."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[str] = []
        self.release = threading.Event()
        real_prepare: Callable[..., Any] = preparation.prepare

        def observed(requests: list[PrepareRequest], *args: Any, **kwargs: Any) -> Any:
            self.started.append(requests[0].name)
            self.release.wait(timeout=60)
            return real_prepare(requests, *args, **kwargs)

        monkeypatch.setattr(background_worker, "prepare", observed)

    def wait_for_first(self) -> None:
        assert _eventually(lambda: bool(self.started)), "the worker never started a job"


def _eventually(condition: Callable[[], bool], timeout: float = 60) -> bool:
    """Whether ``condition`` became true within ``timeout`` seconds (polled)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.01)
    return True


def test_urgent_jobs_overtake_queued_background_jobs(
    jobs: LessonJobs, worker: PreparationWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The image someone looks at now goes before the rest of the lesson."""
    held = Held(monkeypatch)
    first, second, second_imagenet, third = jobs.jobs

    worker.submit([first], urgent=False)
    held.wait_for_first()
    worker.submit([second, second_imagenet, third], urgent=False)
    assert worker.ahead(third) == 3, "two queued and the running one"
    worker.submit([third], urgent=True)
    assert worker.ahead(third) == 1
    assert worker.ahead(second) == 2
    running = progress(worker, jobs.jobs, jobs.jobs)
    assert (running.completed, running.stage, running.current) == (0, "starting", first)
    waiting = progress(worker, jobs.jobs, [second])
    assert (waiting.completed, waiting.ahead) == (3, 2)
    assert waiting.stage == "waiting for 2 other pictures to be prepared first"
    held.release.set()

    assert worker.wait_idle(timeout=120)
    assert held.started == ["lesson: one", "lesson: three", "lesson: two", "lesson: two (imagenet)"]


def test_closing_drops_the_queue_and_lets_the_running_job_finish(
    jobs: LessonJobs, worker: PreparationWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(monkeypatch)
    first, *rest = jobs.jobs
    worker.submit([first, *rest], urgent=True)
    held.wait_for_first()

    def release_once_the_queue_is_dropped() -> None:
        # close() forgets the queued jobs before it waits for the running one.
        _eventually(lambda: all(worker.status(job) is None for job in rest))
        held.release.set()

    threading.Thread(target=release_once_the_queue_is_dropped, daemon=True).start()
    worker.close(timeout=120)

    assert held.started == ["lesson: one"]
    assert [worker.status(job) for job in rest] == [None] * len(rest)
    status = worker.status(first)
    assert status is not None
    assert status.phase is Phase.DONE


def test_a_failure_names_the_image_and_is_not_retried_until_asked(
    lesson: Lesson, jobs: LessonJobs, worker: PreparationWorker
) -> None:
    job = jobs.jobs[-1]
    image = lesson.image("three").path
    good = image.read_bytes()
    image.write_bytes(good[: len(good) // 3])  # truncated after the lesson was checked

    worker.submit([job], urgent=True)
    assert worker.wait_idle(timeout=120)
    status = worker.status(job)
    assert status is not None
    assert status.phase is Phase.FAILED
    assert status.failure is not None
    assert status.failure.cause is Cause.OTHER, "the image is to blame, not the weights"
    assert str(image) in status.failure.message
    assert "truncated or corrupt" in status.failure.message

    worker.submit([job], urgent=True)
    assert worker.status(job) == status, "a failure stays until retried"

    image.write_bytes(good)
    worker.retry([job])
    assert worker.status(job) is None
    worker.submit([job], urgent=True)
    assert worker.wait_idle(timeout=120)
    assert worker.status(job) == JobStatus(Phase.DONE, "prepared")


def test_readiness_sorts_prepared_pending_and_failed(
    lesson: Lesson, jobs: LessonJobs, worker: PreparationWorker
) -> None:
    first, _, _, third = jobs.jobs
    lesson.image("three").path.write_bytes(b"not an image")
    worker.submit([first, third], urgent=True)
    assert worker.wait_idle(timeout=120)
    cache = PreparedCache()

    found = readiness([first, third, jobs.jobs[1]], cache, worker)

    assert list(found.prepared) == [first]
    assert found.pending == (jobs.jobs[1],)
    [(failed, failure)] = found.failed
    assert failed == third
    assert failure.message.startswith(f"{lesson.image('three').path}: is not an image file")
    assert failure.cause is Cause.OTHER
    assert not found.ready


def test_progress_counts_images_and_says_what_happens(
    jobs: LessonJobs, worker: PreparationWorker
) -> None:
    every = list(jobs.jobs)
    done = progress(worker, every, [])
    assert (done.completed, done.total, done.stage, done.fraction) == (4, 4, "done", 1.0)

    before = progress(worker, every, every[:2])
    assert (before.completed, before.total, before.finished) == (2, 4, False)
    assert before.fraction == 0.5
    assert before.seconds_left == 2 * worker.estimate(every[0]) > 0

    worker.submit(every[:2], urgent=True)
    assert worker.wait_idle(timeout=120)
    after = progress(worker, every, every[:2])
    assert (after.completed, after.finished, after.stage) == (4, True, "done")
    assert after.seconds_left == 0


def test_missing_pretrained_weights_are_downloaded_by_the_worker_once(
    tmp_path: Path, refused_hosts: list[str], resnet18_weights_file: Path
) -> None:
    lesson = _tree(tmp_path / "pretrained").load(
        LESSON.replace("weights: untrained", "weights: imagenet")
    )
    first, second, third = LessonJobs.of(
        lesson, untrained=False, store_root=FeatureStore().root
    ).jobs
    worker, cache = PreparationWorker(), PreparedCache()

    before = readiness([first], cache, worker)
    assert before.pending == (first,), "the page never downloads: the worker is to try"
    assert refused_hosts == []

    worker.submit([first], urgent=True)
    assert worker.wait_idle(timeout=120)
    assert refused_hosts == ["download.pytorch.org"]
    after = readiness([first, second], cache, worker)
    assert [job for job, _ in after.failed] == [first, second], "no second try for other images"
    for _, failure in after.failed:
        assert failure.cause is Cause.WEIGHTS_UNAVAILABLE
        assert failure.message.startswith(
            "The pretrained resnet18 weights (IMAGENET1K_V1) are not available: the download "
            "from download.pytorch.org failed ([Errno -2] tests must not use the network"
        )
    worker.submit([second, third], urgent=False)
    assert worker.wait_idle(timeout=120)
    assert refused_hosts == ["download.pytorch.org"]

    # Someone puts the file in place: the failed jobs become pending again and prepare.
    cached = networks.hub_checkpoint_path("resnet18")
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resnet18_weights_file, cached)
    again = readiness([first], cache, worker)
    assert again.pending == (first,)
    worker.submit(again.pending, urgent=True)
    assert worker.wait_idle(timeout=120)
    assert list(readiness([first], cache, worker).prepared) == [first]


def test_a_weights_file_replaces_pretrained_weights_and_a_wrong_one_is_blamed(
    lesson: Lesson, resnet18_weights_file: Path, worker: PreparationWorker, tmp_path: Path
) -> None:
    pretrained = _tree(tmp_path / "pretrained").load(
        LESSON.replace("weights: untrained", "weights: imagenet")
    )
    root = FeatureStore().root
    [job, *_] = LessonJobs.of(
        pretrained, untrained=False, store_root=root, weights_file=resnet18_weights_file
    ).jobs
    other = _tree(tmp_path / "resnet34").load(
        LESSON.replace("weights: untrained", "weights: imagenet").replace("resnet18", "resnet34")
    )
    [wrong, *_] = LessonJobs.of(
        other, untrained=False, store_root=root, weights_file=resnet18_weights_file
    ).jobs

    worker.submit([job, wrong], urgent=True)
    assert worker.wait_idle(timeout=120)
    found = readiness([job, wrong], PreparedCache(), worker)

    assert found.prepared[job].weights.label == "seeded-resnet18.pth"
    [(failed, failure)] = found.failed
    assert failed == wrong
    assert failure.cause is Cause.WEIGHTS_UNUSABLE
    assert failure.message.startswith(f"{resnet18_weights_file}: is not a resnet34 state dict")
    worker.submit([wrong], urgent=True)
    assert worker.status(wrong) == JobStatus(Phase.FAILED, failure=failure), (
        "the same file fails the same way: not tried again until asked"
    )
    untrained = LessonJobs.of(
        other, untrained=True, store_root=root, weights_file=resnet18_weights_file
    ).jobs[0]
    assert untrained.weights_file is None, "untrained weights need no file"
    with pytest.raises(ValueError, match="not both"):
        Job(job.request, True, root, resnet18_weights_file)


def test_a_job_remembers_its_store(tmp_path: Path, jobs: LessonJobs) -> None:
    job = jobs.jobs[0]
    elsewhere = Job(job.request, job.untrained, tmp_path / "other-store")

    assert elsewhere != job
    assert elsewhere.name == job.name


def test_readiness_of_a_subset_keeps_only_those_jobs(
    lesson: Lesson, jobs: LessonJobs, worker: PreparationWorker
) -> None:
    first, second, second_imagenet, third = jobs.jobs
    lesson.image("three").path.write_bytes(b"not an image")
    worker.submit([first, third], urgent=True)
    assert worker.wait_idle(timeout=120)
    every = readiness(jobs.jobs, PreparedCache(), worker)

    step = every.only(jobs.for_step(lesson.steps[1]).values())
    assert (list(step.prepared), step.pending, step.failed) == ([], (second, second_imagenet), ())
    last = every.only([third])
    assert (list(last.prepared), last.pending, [job for job, _ in last.failed]) == ([], (), [third])
    assert list(every.only([first]).prepared) == [first]
    assert every.only([first]).ready
