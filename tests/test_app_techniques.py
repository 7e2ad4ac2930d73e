"""The page's technique panels (``classroom/app/technique_panels.py``) through AppTest: a
step's image-sized maps go to the view as map panels (with their meaning for the legend), the
top-5 stays a table, the picker's maps join the view, and a bank of filters goes to the view
as a tiles panel (which enlarges the filter under the pointer)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from classroom import shared
from classroom.app.technique_panels import FIRST_LAYER
from classroom.component.contract import MapPanel, TilesPanel
from tests.app.page import _png, drop_file, labelled, prepared, view
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


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LessonTree:
    tree = LessonTree(tmp_path)
    tree.image("one.png", (96, 64))
    tree.write(LESSON, "techniques.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    return tree


def _opened() -> AppTest:
    """The page once the step is prepared (the progress fragment's reruns, done by hand)."""
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    for _ in range(10):
        if not any(bar.proto.text.startswith("Preparing") for bar in at.progress):
            break
        assert shared.worker().wait_idle(timeout=180)
        at.run()
    return at


def _tiles(at: AppTest) -> list[TilesPanel]:
    args = view(at)
    assert args is not None, "no view on the page"
    return [panel for panel in args.panels if isinstance(panel, TilesPanel)]


def _maps(at: AppTest) -> list[MapPanel]:
    args = view(at)
    assert args is not None, "no view on the page"
    return [panel for panel in args.panels if isinstance(panel, MapPanel)]


@pytest.mark.usefixtures("tree")
def test_a_steps_maps_go_to_the_view_the_top5_to_a_table_and_the_picker_adds_maps() -> None:
    at = _opened()
    assert not at.exception
    [grad_cam] = _maps(at)
    assert grad_cam.technique == "grad_cam"
    assert "raise the score of 'circle'" in grad_cam.meaning
    assert (grad_cam.width, grad_cam.height) == (96, 64)  # the analysed image's pixels
    assert not at.image  # nothing of Grad-CAM is drawn beside the view any more
    assert len(at.table) == 1  # the top-5, once per step
    headings = {_literal(str(element.value)) for element in at.markdown}
    assert "**Top-5 classes**" in headings
    assert "**Grad-CAM**" not in headings

    key = "techniques/step-1/0"
    at.selectbox(key=f"{key}/technique").set_value("saliency")
    at.toggle(key=f"{key}/run").set_value(True)
    at.run()
    assert not at.exception
    assert [panel.technique for panel in _maps(at)] == ["grad_cam", "saliency"]
    assert "change changes the score of" in _maps(at)[1].meaning


@pytest.mark.usefixtures("tree")
def test_the_picker_hands_a_filter_bank_to_the_view_as_a_tiles_panel() -> None:
    at = _opened()
    key = "techniques/step-1/0"
    at.selectbox(key=f"{key}/technique").set_value("filters").run()
    at.selectbox(key=f"{key}/layer").set_value("block1")
    at.toggle(key=f"{key}/run").set_value(True)
    at.run()
    assert not at.exception
    assert [panel.technique for panel in _maps(at)] == ["grad_cam"]  # tiles are not map panels
    [deeper] = _tiles(at)
    assert deeper.title.startswith("filter 0 of block1")
    assert (deeper.count, deeper.tile_width, deeper.tile_height, deeper.channels) == (3, 3, 3, 1)
    assert (deeper.scale, deeper.tile_names[2]) == ("diverging", "channel 2")
    # The view enlarges the tile under the pointer: no slider, no picture beside the view.
    assert not at.select_slider
    assert not at.image

    # The first layer's filters are colour pictures.
    at.selectbox(key=f"{key}/layer").set_value(FIRST_LAYER)
    at.run()
    assert not at.exception
    [first] = _tiles(at)
    assert (first.title, first.channels, first.scale) == (
        "16 first-layer filters, 3 x 3 x 3",
        3,
        "picture",
    )
    assert first.tile_names[7] == "filter 7"


@pytest.mark.usefixtures("tree")
def test_the_picker_on_an_upload_adds_its_map_to_the_uploads_view() -> None:
    at = _opened()
    at.radio(key="mode").set_value("Your own image").run()
    at = prepared(drop_file(at, "mine.png", _png(90, 60)))
    assert not at.exception
    assert _maps(at) == []
    labelled(at.selectbox, "Technique").set_value("saliency").run()
    labelled(at.toggle, "Compute").set_value(True).run()
    assert not at.exception
    [saliency] = _maps(at)
    args = view(at)
    assert args is not None
    assert saliency.technique == "saliency"
    assert (saliency.width, saliency.height) == (args.image.width, args.image.height)
