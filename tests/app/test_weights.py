"""The page when weights are missing or switched: the background download, untrained weights, a
weights file, and the lessons that need no download.

Through Streamlit's AppTest (``page.py``, ``conftest.py``): real lessons, networks and store.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app.page import (
    SECOND,
    button,
    lesson_picker,
    literal,
    open_app,
    panels,
    prepared,
    progress_texts,
    texts,
    view,
    view_shown,
)
from tests.lesson_tree import LessonTree

# -- weights -------------------------------------------------------------------------------------


def test_missing_pretrained_weights_are_downloaded_in_the_background_once(
    tree: LessonTree, refused_hosts: list[str]
) -> None:
    at = open_app()
    assert any(text.startswith("Preparing this step: ") for text in progress_texts(at)), (
        "the worker tries the download; the page does not wait for it"
    )

    prepared(at)

    assert refused_hosts == ["download.pytorch.org"]
    assert (
        "**The pretrained weights this lesson uses are not on this machine, and they could not "
        "be downloaded.**" in texts(at.warning)
    )
    [message] = texts(at.main.code)
    assert message.startswith(
        "The pretrained resnet18 weights (IMAGENET1K_V1) are not available: the download from "
        "download.pytorch.org failed ([Errno -2] tests must not use the network "
        "(download.pytorch.org)).\n"
    )
    assert f"Expected file: {os.environ['TORCH_HOME']}" in message
    assert "https://download.pytorch.org/models/resnet18" in message
    assert not view_shown(at)
    assert not any(text.startswith("Preparing") for text in progress_texts(at))
    assert not at.toggle(key="untrained").value
    assert "**Weights** imagenet (not on this machine)" in literal(
        " ".join(texts(at.sidebar.markdown))
    )

    other = open_app(lesson="a-first", step="held")
    assert any("could not be downloaded" in text for text in texts(other.warning)), (
        "another session learns of the failure at once"
    )
    assert refused_hosts == ["download.pytorch.org"], "tried once per process, not per session"


def test_missing_pretrained_weights_offer_to_continue_untrained(tree: LessonTree) -> None:
    at = prepared(open_app())

    button(at, "Continue with untrained weights").click().run()

    assert at.toggle(key="untrained").value
    assert ":orange-badge[:material/casino: Untrained weights]" in texts(at.markdown)
    assert any("Untrained weights: every panel" in text for text in texts(at.sidebar.warning))
    assert view_shown(prepared(at))
    assert panels(at)[0] == ("conv2_x", "untrained (seed 0)")
    assert all(layer.untrained for layer in view(at).layers)  # type: ignore[union-attr]


SHAPES_LESSON = """\
title: Shapes offline
model: shapes
max_side: 96
images:
  shapes: {path: shapes.png, attribution: "made by the tests, CC0"}
steps:
  - title: Shapes first
    text: Shapes, with weights that ship with classroom.
"""


def test_missing_pretrained_weights_offer_the_lessons_that_need_no_download(
    tree: LessonTree,
) -> None:
    tree.image("shapes.png", (96, 96))
    tree.write(SHAPES_LESSON, "c-shapes.yaml")
    at = prepared(open_app())
    assert any("trained itself and ships with it" in text for text in texts(at.main.markdown))
    offers = [str(b.label) for b in at.button if str(b.label).startswith("Open ")]
    assert offers == ["Open “Shapes offline”"], "only lessons whose weights ship with classroom"
    offer = button(at, "Open “Shapes offline”")
    assert "Shapes network" in offer.help
    assert "held-out accuracy" in offer.help

    offer.click().run()

    assert lesson_picker(at).value == "c-shapes"
    assert view_shown(prepared(at)), "the shapes network's weights are on every machine"
    assert panels(at)[0][0] == "block1"
    assert not at.warning
    assert not at.toggle(key="untrained").value


def test_classroom_run_weights_file_serves_every_lesson_and_a_mismatch_stays_in_its_lesson(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch, resnet18_weights_file: Path
) -> None:
    monkeypatch.setenv("CLASSROOM_WEIGHTS_FILE", str(resnet18_weights_file))
    bigger = SECOND.replace("title: Second lesson", "title: Third lesson")
    tree.write(bigger.replace("model: resnet18", "model: resnet34"), "c-third.yaml")

    at = prepared(open_app())
    assert panels(at) == [("conv2_x", "seeded-resnet18.pth"), ("conv3_x", "seeded-resnet18.pth")]
    sidebar = literal(" ".join(texts(at.sidebar.markdown)))
    assert "**Weights** seeded-resnet18.pth (from --weights-file)" in sidebar

    lesson_picker(at).set_value("c-third").run()
    prepared(at)
    assert "**The weights this lesson would use cannot be used.**" in texts(at.warning)
    [message] = texts(at.main.code)
    assert message.startswith(f"{resnet18_weights_file}: is not a resnet34 state dict")
    assert not view_shown(at)
    assert button(at, "Continue with untrained weights") is not None
    assert not [text for text in texts(at.error) if "could not be prepared" in text]

    lesson_picker(at).set_value("a-first").run()
    assert view_shown(at), "the other lessons keep their weights file"


@pytest.mark.usefixtures("untrained")
def test_classroom_run_untrained_starts_with_untrained_weights(tree: LessonTree) -> None:
    at = open_app()

    assert at.toggle(key="untrained").value
    assert not [text for text in texts(at.main.warning) if "not on this machine" in text]
    assert "**Weights** untrained (seed 0)" in literal(" ".join(texts(at.sidebar.markdown)))
    assert ":orange-badge[:material/casino: Untrained weights]" in texts(at.markdown)


def test_switching_weights_in_the_sidebar(tree: LessonTree) -> None:
    at = open_app()
    assert not at.toggle(key="untrained").value

    at.toggle(key="untrained").set_value(True).run()
    assert view_shown(prepared(at))

    at.toggle(key="untrained").set_value(False).run()
    assert any("not on this machine" in text for text in texts(prepared(at).warning))
