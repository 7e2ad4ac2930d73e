"""The page's "What does a channel want to see?": one click, progress, then the facets beside
the collection's top images (AppTest, the real shapes network, a private store)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from classroom import shared
from classroom.app.state import VIEW_KEY
from classroom.background import GenerationJob
from classroom.maximization import Settings
from classroom.store import FeatureStore
from tests.conftest import REPO_ROOT
from tests.lesson_tree import LessonTree

APP = REPO_ROOT / "classroom" / "app" / "main.py"
LESSON = """\
title: Shapes
model: shapes
layers: [block3, block4]
max_side: 128
images:
  one: {path: one.png, attribution: "made by the tests, CC0"}
steps:
  - title: Only step
    image: one
    text: A channel of block4.
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LessonTree:
    tree = LessonTree(tmp_path)
    tree.image("one.png", (96, 96))
    tree.write(LESSON, "shapes.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    monkeypatch.setattr("classroom.app.channel_images.STEPS", 4)
    return tree


def _captions(at: AppTest) -> list[str]:
    return [caption for node in at.get("image") for caption in node.captions]  # type: ignore[union-attr]


@pytest.mark.usefixtures("tree")
def test_one_click_generates_the_channel_image_beside_its_top_images() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    for _ in range(5):  # the step's features are prepared first, by the other worker
        if any(e.label == "What does a channel want to see?" for e in at.expander):
            break
        assert shared.worker().wait_idle(timeout=120)
        at.run()
    assert "What does a channel want to see?" in [e.label for e in at.expander]
    at.selectbox(key="channel-images/layer").set_value("block4")
    at.number_input(key="channel-images/channel").set_value(43)
    at.slider(key="channel-images/facets").set_value(2)
    [button] = [b for b in at.button if b.label == "Generate its image"]
    button.click().run()
    job = GenerationJob("shapes", "trained", "channel:block4:43", Settings(steps=4, facets=2))
    worker = shared.generation_worker(str(FeatureStore().root))
    status = worker.wait(job, timeout=300)
    assert status is not None
    assert status.result is not None, status.error
    at.run()
    captions = _captions(at)
    assert any(caption.startswith("noise: ") for caption in captions)
    assert any(caption.startswith("from held-out ") for caption in captions)
    assert sum(caption.startswith("held-out ") for caption in captions) == 6


def _channel_event(layer: str, channel: int) -> dict[str, object]:
    """What the component returns when a student double-clicks a channel's tile or bar."""
    state = {"reference": {"x": 10, "y": 12}, "pinned": None, "locked": False}
    return {"id": "ask-1", "kind": "channel", "layer": layer, "channel": channel, "state": state}


@pytest.mark.usefixtures("tree")
def test_a_channel_event_from_the_view_asks_for_that_channel_image() -> None:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    for _ in range(5):  # the step's features are prepared first, by the other worker
        if VIEW_KEY in at.session_state:
            break
        assert shared.worker().wait_idle(timeout=120)
        at.run()
    worker = shared.generation_worker(str(FeatureStore().root))
    job = GenerationJob("shapes", "trained", "channel:block3:5", Settings(steps=4, facets=2))
    assert worker.status(job) is None  # nothing asked before the event
    at.session_state[at.session_state[VIEW_KEY]] = _channel_event("block3", 5)
    at.run()
    heading = "What does channel 5 of block3 want to see?"
    assert any(heading in markdown.value for markdown in at.markdown)
    status = worker.wait(job, timeout=300)  # the job the event asked for, no button pressed
    assert status is not None
    assert status.result is not None, status.error
    at.run()
    captions = _captions(at)
    assert any(caption.startswith("noise: ") for caption in captions)
    # The shapes network has a collection: the channel's strongest images sit beside it.
    assert sum(caption.startswith("held-out ") for caption in captions) == 6
