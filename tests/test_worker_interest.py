"""The worker does only work someone waits for, forgets failures, and says how long is left.

Issue 17, findings 5 and 8, and issue 11's progress: real networks, a real store, the real
worker thread; a test clock where time matters, and the worker held on its first job (the real
preparation runs once it is released) where order matters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from classroom import preparation
from classroom.background import (
    Job,
    LessonJobs,
    PreparationWorker,
    PreparedCache,
    progress,
    readiness,
)
from classroom.background import worker as background_worker
from classroom.preparation import PrepareRequest, prepare
from classroom.store import FeatureStore
from tests.conftest import picture
from tests.lesson_tree import LessonTree


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Held:
    """The worker, held at the start of each job until released, recording what started."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[Path] = []
        self.release = threading.Event()
        self._changed = threading.Condition()
        real_prepare: Callable[..., Any] = preparation.prepare

        def observed(requests: list[PrepareRequest], *args: Any, **kwargs: Any) -> Any:
            with self._changed:
                self.started.append(requests[0].image)
                self._changed.notify_all()
            self.release.wait(timeout=60)
            return real_prepare(requests, *args, **kwargs)

        monkeypatch.setattr(background_worker, "prepare", observed)

    def wait_started(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.started) >= count, timeout=60)


def _job(path: Path, title: str = "") -> Job:
    request = PrepareRequest(
        image=path, architecture="resnet18", weights="untrained", layers=("conv2_x",), max_side=64
    )
    return Job(request, True, FeatureStore().root, title=title)


@pytest.fixture
def pictures(tmp_path: Path) -> list[Path]:
    """Eleven different pictures, as ten uploads and one lesson image would be."""
    paths = []
    for index in range(11):
        path = tmp_path / f"picture-{index}.png"
        Image.fromarray(picture(64, 48, seed=index)).save(path)
        paths.append(path)
    return paths


def _prepared(job: Job) -> bool:
    return PreparedCache().load(job) is not None


def test_uploads_abandoned_one_after_another_are_not_prepared(
    pictures: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 8: ten files uploaded in a row by one session, while another opens a step.

    Only the last upload and the other session's step are prepared; the first, already
    running when it was replaced, stops before computing anything.
    """
    held = Held(monkeypatch)
    worker = PreparationWorker(clock=Clock())  # no interest lapses while the network loads
    *uploads, step = [_job(path) for path in pictures]

    worker.want("student", "step", [uploads[0]], urgent=True)
    held.wait_started(1)
    for upload in uploads[1:]:
        worker.want("student", "step", [upload], urgent=True)
    worker.want("someone else", "step", [step], urgent=True)
    assert [worker.status(job) for job in uploads[1:-1]] == [None] * 8, "dropped from the queue"
    assert worker.ahead(step) == 2, "the running job and the last upload, nothing else"
    held.release.set()

    assert worker.wait_idle(timeout=120)
    assert held.started == [uploads[0].request.image, uploads[-1].request.image, step.request.image]
    assert worker.status(uploads[0]) is None, "stopped: nobody waited for it any more"
    assert [_prepared(job) for job in uploads] == [False] * 9 + [True]
    assert _prepared(step)


def test_a_job_wanted_by_another_session_too_is_kept(pictures: list[Path]) -> None:
    worker = PreparationWorker(clock=Clock())
    shared_job = _job(pictures[0])
    worker.want("one", "step", [shared_job], urgent=True)
    worker.want("two", "rest", [shared_job], urgent=False)

    worker.want("one", "step", [], urgent=True)

    assert worker.wait_idle(timeout=120)
    assert _prepared(shared_job)


def test_an_interest_that_is_not_renewed_lapses(
    pictures: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A closed tab renews nothing: its jobs are dropped after INTEREST_SECONDS."""
    held = Held(monkeypatch)
    clock = Clock()
    worker = PreparationWorker(clock=clock)
    running, closed, kept = (_job(path) for path in pictures[:3])
    worker.submit([running], urgent=True)
    held.wait_started(1)
    worker.want("closed tab", "step", [closed], urgent=True)
    worker.want("open tab", "step", [kept], urgent=True)

    clock.now += background_worker.INTEREST_SECONDS / 2
    worker.want("open tab", "step", [kept], urgent=True)  # its page polls: renewed
    clock.now += background_worker.INTEREST_SECONDS / 2 + 1
    held.release.set()

    assert worker.wait_idle(timeout=120)
    assert held.started == [running.request.image, kept.request.image]
    assert not _prepared(closed)
    assert _prepared(running), "submitted jobs are kept until prepared"


def _cut(path: Path) -> bytes:
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return whole


def test_a_failure_is_forgotten_after_a_while(pictures: list[Path]) -> None:
    """Finding 5: a failure is remembered for FAILURE_SECONDS, not for the life of the process."""
    clock = Clock()
    worker = PreparationWorker(clock=clock)
    job = _job(pictures[0])
    _cut(pictures[0])
    worker.want("student", "step", [job], urgent=True)
    assert worker.wait_idle(timeout=120)
    failure = worker.failure(job)
    assert failure is not None
    assert "truncated or corrupt" in failure.message

    clock.now += background_worker.FAILURE_SECONDS - 1
    worker.want("student", "step", [job], urgent=True)
    assert worker.failure(job) == failure, "not tried again at once"
    clock.now += 2

    assert worker.failure(job) is None
    worker.want("student", "step", [job], urgent=True)
    assert worker.wait_idle(timeout=120)
    assert worker.failure(job) is not None, "tried again (and the file is still broken)"


def test_a_failure_is_forgotten_when_its_picture_changes(pictures: list[Path]) -> None:
    worker = PreparationWorker(clock=Clock())
    job = _job(pictures[0])
    whole = _cut(pictures[0])
    worker.want("student", "step", [job], urgent=True)
    assert worker.wait_idle(timeout=120)
    assert worker.failure(job) is not None

    pictures[0].write_bytes(whole)

    assert worker.failure(job) is None
    worker.want("student", "step", [job], urgent=True)
    assert worker.wait_idle(timeout=120)
    assert _prepared(job)


def test_what_the_store_holds_is_shown_whatever_the_worker_remembers(
    pictures: list[Path],
) -> None:
    """Finding 5: the store failed, then ``classroom prepare`` succeeded: the view is shown."""
    store = FeatureStore()
    store.root.mkdir(parents=True, exist_ok=True)
    store.locks_dir.write_text("a file where the store's lock folder belongs")
    worker = PreparationWorker(clock=Clock())
    job = _job(pictures[0])
    worker.want("student", "step", [job], urgent=True)
    assert worker.wait_idle(timeout=120)
    before = readiness([job], PreparedCache(), worker)
    [(_, failure)] = before.failed
    assert failure.message.startswith(f"cannot write {store.locks_dir}")
    assert "set CLASSROOM_CACHE_DIR" in failure.message

    store.locks_dir.unlink()
    assert prepare([job.request], store, untrained=True).ok  # classroom prepare, elsewhere

    after = readiness([job], PreparedCache(), worker)
    assert list(after.prepared) == [job]
    assert not after.failed


def test_progress_fills_by_the_time_a_job_is_expected_to_take(
    pictures: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: a bar with a percentage and the time left, not only a timer."""
    held = Held(monkeypatch)
    clock = Clock()
    worker = PreparationWorker(clock=clock)
    first, second = _job(pictures[0]), _job(pictures[1])
    worker.want("student", "step", [first], urgent=True)
    held.wait_started(1)
    clock.now += 10  # the first job takes ten seconds by this clock
    held.release.set()
    assert worker.wait_idle(timeout=120)
    assert worker.estimate(second) == 10, "learned from the first"
    held.release.clear()

    worker.want("student", "step", [second], urgent=True)
    held.wait_started(2)
    clock.now += 4
    state = progress(worker, [first, second], [second])

    assert (state.completed, state.total, state.current) == (1, 2, second)
    assert state.fraction == pytest.approx((1 + 0.4) / 2)
    assert state.seconds_left == pytest.approx(6)
    clock.now += 20
    late = progress(worker, [first, second], [second])
    assert late.fraction == pytest.approx((1 + 0.95) / 2), "never full before it is done"
    assert late.seconds_left == pytest.approx(0.5)
    worker.want("student", "step", [second], urgent=True)  # the waiting page renews, each second
    held.release.set()
    assert worker.wait_idle(timeout=120)
    assert progress(worker, [first, second], [second]).fraction == 1


def test_jobs_carry_titles_for_people_and_ids_for_logs(tmp_path: Path) -> None:
    tree = LessonTree(tmp_path)
    tree.image("one.png", (64, 48))
    lesson = tree.load(
        "title: Titles\nmodel: resnet18\nweights: untrained\nlayers: [conv2_x]\nimages:\n"
        '  one: {path: one.png, attribution: "the tests, CC0"}\n'
        "steps:\n"
        "  - {title: First look, text: One., image: one}\n"
        "  - {title: Trained, text: Two., layers: [{layer: conv2_x, weights: imagenet}]}\n"
    )
    first, trained = LessonJobs.of(lesson, untrained=False, store_root=FeatureStore().root).jobs

    assert (first.name, first.shown) == ("lesson: one", "the picture for “First look”")
    assert trained.shown == "the picture for “Trained” (imagenet weights)"
    assert first == Job(first.request, False, first.store_root), "titles are not identities"
    assert first.request.name == first.name
