"""The app's activation-maximization worker: progress, live previews, the store, failures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classroom.background import GenerationJob, GenerationStatus, GenerationWorker
from classroom.maximization import PRESETS, Settings
from classroom.store import FeatureStore


@pytest.fixture
def worker(tmp_path: Path) -> GenerationWorker:
    return GenerationWorker(FeatureStore(tmp_path))


def _job(target: str = "channel:block4:43", steps: int = 6) -> GenerationJob:
    settings = Settings(steps=steps, preview_every=2, facets=2, regularizers=PRESETS["none"])
    return GenerationJob("shapes", None, target, settings)


def test_a_job_runs_with_previews_and_ends_with_its_result(worker: GenerationWorker) -> None:
    job = _job()
    first = worker.request(job)
    assert first.steps == 6
    assert not first.finished
    try:
        status = worker.wait(job, timeout=300)
    finally:
        worker.close()
    assert status is not None
    assert status.error is None
    assert status.result is not None
    assert status.fraction == 1.0
    assert status.preview is not None
    assert status.preview.shape == (2, 96, 96, 3)
    assert status.preview.dtype == np.uint8
    assert status.result.target.spec == "channel:block4:43"


def test_previews_arrive_while_it_runs(tmp_path: Path) -> None:
    previews: list[int] = []

    class Watching(GenerationWorker):
        def _set(self, job: GenerationJob, status: GenerationStatus) -> None:
            if status.preview is not None and not status.finished:
                previews.append(status.step)
            super()._set(job, status)

    worker = Watching(FeatureStore(tmp_path))
    job = _job()
    worker.request(job)
    try:
        worker.wait(job, timeout=300)
    finally:
        worker.close()
    assert previews[0] == 2
    assert {2, 4, 6} <= set(previews)


def test_a_finished_job_is_answered_from_the_store(tmp_path: Path) -> None:
    job = _job(steps=2)
    first = GenerationWorker(FeatureStore(tmp_path))
    first.request(job)
    done = first.wait(job, timeout=300)
    first.close()
    assert done is not None
    assert done.result is not None
    again = GenerationWorker(FeatureStore(tmp_path))  # a new process, the same store
    again.request(job)
    cached = again.wait(job, timeout=300)
    again.close()
    assert cached is not None
    assert cached.result is not None
    assert cached.result.key == done.result.key
    np.testing.assert_allclose(cached.result.images, done.result.images, atol=1 / 255)


def test_a_bad_target_fails_with_a_message_and_the_worker_goes_on(
    worker: GenerationWorker,
) -> None:
    bad, good = _job("channel:block9:1", steps=1), _job("class:star", steps=1)
    worker.request(bad)
    worker.request(good)
    try:
        failed = worker.wait(bad, timeout=300)
        finished = worker.wait(good, timeout=300)
    finally:
        worker.close()
    assert failed is not None
    assert failed.error is not None
    assert "did you mean 'block4'" in failed.error
    assert finished is not None
    assert finished.result is not None
