"""The page's technique panels (``classroom/app/technique_panels.py``) through AppTest: a
step's techniques beside the view with their legends and the top-5, and the picker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from classroom import shared
from tests.lesson_tree import LessonTree

APP = Path(__file__).resolve().parent.parent / "classroom" / "app" / "main.py"

LESSON = """\
title: Techniques
model: shapes
max_side: 96
images:
  one: {path: one.png, attribution: "made by the tests, CC0"}
steps:
  - title: Why
    reference: [40, 30]
    text: Compare.
    layers: [block1]
    techniques:
      - predict
      - {technique: grad_cam, target: circle}
"""


def _literal(markdown: str) -> str:
    """Markdown as people read it (without the escapes that keep it literal)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _captions(at: AppTest) -> list[str]:
    return [_literal(str(element.value)) for element in at.caption]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LessonTree:
    tree = LessonTree(tmp_path)
    tree.image("one.png", (96, 64))
    tree.write(LESSON, "techniques.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    return tree


@pytest.mark.usefixtures("tree")
def test_a_step_shows_its_techniques_with_legend_and_top5_and_offers_the_picker() -> None:
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    for _ in range(10):  # until the step is prepared (the progress fragment's reruns)
        if not any(bar.proto.text.startswith("Preparing") for bar in at.progress):
            break
        assert shared.worker().wait_idle(timeout=180)
        at.run()
    assert not at.exception
    captions = _captions(at)
    assert any("raise the score of 'circle'" in caption for caption in captions)
    assert len(at.table) == 1  # the top-5, once per step
    headings = {_literal(str(element.value)) for element in at.markdown}
    assert {"**Top-5 classes**", "**Grad-CAM**"} <= headings

    key = "techniques/step-1/0"
    at.selectbox(key=f"{key}/technique").set_value("saliency")
    at.toggle(key=f"{key}/run").set_value(True)
    at.run()
    assert not at.exception
    captions = _captions(at)
    assert any("change changes the score of" in caption for caption in captions)
