"""The collection views on the page, through Streamlit's AppTest: a lesson's view steps and
the Collections page compute on the real digits network and say what they show."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from classroom import shared
from classroom.background import GenerationJob
from classroom.collections.sources import digits_collection
from classroom.maximization import Settings
from classroom.store import FeatureStore
from tests.conftest import REPO_ROOT
from tests.lesson_tree import LessonTree

APP = REPO_ROOT / "classroom" / "app" / "main.py"

LESSON = """\
title: Digits views
model: digits
images:
  photo: {path: photo.png, attribution: "made by the tests, CC0"}
collections:
  few: {source: digits, count: 40}
steps:
  - id: near
    text: Neighbours.
    view: {kind: neighbours, collection: few, layers: [block3], k: 4, query: 2}
  - id: mean
    text: The eights.
    view: {kind: average, collection: few, layers: [block1], select: ["8"]}
  - id: top
    text: Top patches.
    view: {kind: patches, collection: few, layers: [block2], channel: 5}
    question: {prompt: "What do they share?"}
"""


@pytest.fixture
def lessons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LessonTree:
    tree = LessonTree(tmp_path)
    tree.write(LESSON, "digits-views.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    return tree


def _open(step: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.query_params.update({"lesson": "digits-views", "step": step})
    return at.run()


def _markdown(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown]


@pytest.mark.usefixtures("lessons")
def test_neighbour_rows_count_the_shared_labels() -> None:
    at = _open("near")
    assert not at.exception
    rows = [text for text in _markdown(at) if "share the query's label" in text]
    assert [row.split(":")[0] for row in rows] == ["**block3 · trained", "**pixels"]
    assert all(" of 4 share" in row for row in rows)


@pytest.mark.usefixtures("lessons")
def test_the_average_step_selects_its_class() -> None:
    at = _open("mean")
    assert not at.exception
    eights = int(np.sum(digits_collection(40).labels == 8))
    assert any(caption.value == "Classes in the selection: 8" for caption in at.caption)
    assert eights > 0


@pytest.mark.usefixtures("lessons")
def test_the_patches_step_names_its_channel_and_keeps_its_question() -> None:
    at = _open("top")
    assert not at.exception
    assert any("block2 · trained, channel 5" in text for text in _markdown(at))
    assert any("What do they share?" in text for text in _markdown(at))


@pytest.mark.usefixtures("lessons")
def test_one_click_under_the_top_patches_generates_the_channels_image(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("classroom.app.channel_images.STEPS", 4)
    at = _open("top")
    [button] = [b for b in at.button if b.label == "Generate channel 5's image"]
    button.click().run()
    settings = Settings(steps=4, size=32, facets=2)
    job = GenerationJob("digits", "trained", "channel:block2:5", settings)
    status = shared.generation_worker(str(FeatureStore().root)).wait(job, timeout=300)
    assert status is not None
    assert status.result is not None, status.error
    at.run()
    assert not at.exception
    captions = [caption for node in at.get("image") for caption in node.captions]  # type: ignore[union-attr]
    assert any(caption.startswith("noise: ") for caption in captions)
    assert any(caption.startswith("from held-out ") for caption in captions)
    # Beside the real patches of the same channel.
    assert any("block2 · trained, channel 5" in text for text in _markdown(at))
