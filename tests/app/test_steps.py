"""The page's lessons and steps: navigation, questions, preparation, presenter mode, and lesson
files that change while the app runs.

Through Streamlit's AppTest (``page.py``, ``conftest.py``): real lessons, networks and store.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from PIL import Image

from classroom.component.contract import Pixel, ViewState
from classroom.store import UPLOAD_MAX_AGE_DAYS, FeatureStore
from tests.app.page import (
    FIRST,
    SECOND,
    _png,
    button,
    labelled,
    link,
    literal,
    open_app,
    panels,
    prepared,
    progress_texts,
    texts,
    view,
    view_shown,
)
from tests.conftest import picture
from tests.lesson_tree import LessonTree

# -- navigation ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_the_first_lesson_opens_at_its_first_step(tree: LessonTree) -> None:
    at = open_app()

    assert not at.exception
    assert texts(at.header) == ["Start here"]
    assert "Look at the first picture." in texts(at.markdown)
    assert "*Two pictures and three steps.*" in texts(at.markdown), "the summary, on step 1"
    assert at.selectbox(key="lesson_pick").value == "a-first"
    assert "Step 1 of 3" in progress_texts(at)
    assert link(at) == {"lesson": "a-first", "step": "start", "ref": "10,20"}


@pytest.mark.usefixtures("untrained")
def test_the_picker_follows_the_lessons_order_and_a_link_without_lesson_opens_the_first(
    tree: LessonTree,
) -> None:
    intro = SECOND.replace("title: Second lesson", "title: Novices start here\norder: 1")
    tree.write(intro, "z-intro.yaml")

    at = open_app()
    assert at.selectbox(key="lesson_pick").options == [
        "Novices start here",
        "First lesson",
        "Second lesson",
    ]
    assert at.selectbox(key="lesson_pick").value == "z-intro"
    assert texts(at.header) == ["Only step"]

    linked = open_app(step="1")
    assert link(linked)["lesson"] == "z-intro"
    assert [literal(text) for text in texts(linked.info)] == [
        'The link names no lesson: here is the start of "Novices start here".'
    ]


@pytest.mark.usefixtures("untrained")
def test_next_and_previous_move_through_the_steps_and_stop_at_the_ends(
    tree: LessonTree,
) -> None:
    at = open_app()
    assert at.button(key="previous").disabled
    assert not at.button(key="next").disabled

    at.button(key="next").click().run()
    assert texts(at.header) == ["Held still"]
    assert "Step 2 of 3" in progress_texts(at)
    assert link(at) == {
        "lesson": "a-first",
        "step": "held",
        "ref": "30,5",
        "pin": "30,5",
        "lock": "1",
    }

    at.button(key="next").click().run()
    assert texts(at.header) == ["The end"]
    assert at.button(key="next").disabled
    assert link(at) == {"lesson": "a-first", "step": "last"}

    at.button(key="previous").click().run()
    at.button(key="previous").click().run()
    assert texts(at.header) == ["Start here"]
    assert at.radio(key="step_pick").value == 0


@pytest.mark.usefixtures("untrained")
def test_the_step_list_and_the_lesson_picker_jump(tree: LessonTree) -> None:
    at = open_app()

    at.radio(key="step_pick").set_value(2).run()
    assert texts(at.header) == ["The end"]
    assert at.button(key="next").disabled

    at.selectbox(key="lesson_pick").set_value("b-second").run()
    assert texts(at.header) == ["Only step"]
    assert at.radio(key="step_pick").value == 0
    assert link(at) == {"lesson": "b-second", "step": "step-1"}


@pytest.mark.usefixtures("untrained")
def test_a_question_reveals_hint_and_answer_on_demand_and_resets_per_step(
    tree: LessonTree,
) -> None:
    at = open_app()
    assert "**Question.** What do you see?" in texts(at.markdown)
    assert "Look at the corners." not in texts(at.info)

    labelled(at.toggle, "Show hint").set_value(True).run()
    assert "Look at the corners." in texts(at.info)
    assert "A gradient." not in texts(at.success)
    labelled(at.toggle, "Show answer").set_value(True).run()
    assert "A gradient." in texts(at.success)

    at.button(key="next").click().run()
    at.button(key="previous").click().run()
    assert "Look at the corners." not in texts(at.info)
    assert "A gradient." not in texts(at.success)


# -- preparation ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_a_step_shows_progress_until_prepared_and_then_the_view(tree: LessonTree) -> None:
    at = open_app()

    [step_progress] = [
        literal(text) for text in progress_texts(at) if text.startswith("Preparing this step")
    ]
    assert re.fullmatch(r"Preparing this step: .+ · \d+ % · about \d+ s left", step_progress)
    assert not view_shown(at)

    prepared(at)
    assert view_shown(at)
    assert not any(text.startswith("Preparing") for text in progress_texts(at))
    args = view(at)
    assert args is not None
    assert panels(at) == [("conv2_x", "untrained (seed 0)"), ("conv3_x", "untrained (seed 0)")]
    assert (args.image.width, args.image.height, args.image.caption) == (
        64,
        48,
        "The first picture",
    )
    assert args.preset == ViewState(reference=Pixel(x=10, y=20))
    assert args.view_id == "a-first/start/0"
    assert not args.presenter


@pytest.mark.usefixtures("untrained")
def test_the_rest_of_the_lesson_is_prepared_in_the_background(tree: LessonTree) -> None:
    at = open_app()
    assert any(
        text.startswith("Preparing this lesson (0 of 2 pictures ready): ")
        for text in progress_texts(at)
    )

    prepared(at)
    at.button(key="next").click().run()

    assert view_shown(at), "the second picture was prepared while the first step was open"


@pytest.mark.usefixtures("untrained")
def test_a_prepared_lesson_opens_without_computing_anything(tree: LessonTree) -> None:
    prepared(open_app())
    store = FeatureStore()
    before = {path: path.stat().st_mtime_ns for path in store.root.rglob("*.cfm")}
    assert len(before) == 4, "two pictures, two layers each"

    at = open_app()

    assert view_shown(at), "shown on the very first render"
    assert not any(text.startswith("Preparing") for text in progress_texts(at))
    assert {path: path.stat().st_mtime_ns for path in store.root.rglob("*.cfm")} == before


@pytest.mark.usefixtures("untrained")
def test_an_image_that_fails_to_prepare_is_named_with_the_reason(tree: LessonTree) -> None:
    # A JPEG cut short: its header reads, so the lesson loads, but it cannot be decoded.
    broken = tree.datasets / "two.png"
    buffer = io.BytesIO()
    Image.fromarray(picture(80, 48)).save(buffer, format="JPEG")
    broken.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) * 2 // 3])
    at = prepared(open_app(lesson="a-first", step="held"))

    [error] = [literal(text) for text in texts(at.error)]
    assert error.startswith("**The picture for “Held still” could not be prepared.** ")
    assert f"{broken}: " in error
    assert "truncated" in error
    assert not view_shown(at)
    assert texts(at.header) == ["Held still"], "the rest of the lesson still works"
    at.button(key="previous").click().run()
    assert view_shown(at)
    at.button(key="next").click().run()

    tree.image("two.png", (80, 48))
    button(at, "Try again").click().run()
    assert view_shown(prepared(at))


def test_a_broken_lesson_is_listed_and_the_others_keep_working(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSROOM_UNTRAINED", "1")
    tree.write(FIRST.replace("reference: [10, 20]", "reference: [100, 20]"), "c-broken.yaml")

    at = open_app()

    assert texts(at.header) == ["Start here"]
    assert at.selectbox(key="lesson_pick").options == ["First lesson", "Second lesson"]
    [expander] = [found for found in at.expander if found.label == "1 lesson file did not load"]
    [problem] = texts(expander.code)
    assert problem.startswith(f"{tree.lessons / 'c-broken.yaml'}:13: steps[0].reference: ")


# -- presenter mode ------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_presenter_mode_from_the_link_and_the_toggle(tree: LessonTree) -> None:
    at = open_app(lesson="a-first", present="1")

    assert at.toggle(key="presenter").value
    assert link(at)["present"] == "1"
    assert any("font-size: 1.5rem" in str(html.proto.body) for html in at.html)
    # The sidebar is collapsed, so step navigation moves into the main area.
    assert [b.key for b in at.main.button if b.key in {"previous", "next"}] == ["previous", "next"]
    assert not [b for b in at.sidebar.button if b.key in {"previous", "next"}]

    at.button(key="next").click().run()
    assert texts(at.header) == ["Held still"]

    at.toggle(key="presenter").set_value(False).run()
    assert "present" not in link(at)
    assert not at.html
    # One per row in the sidebar, the forward step first.
    assert [b.key for b in at.sidebar.button if b.key in {"previous", "next"}] == [
        "next",
        "previous",
    ]


def test_step_buttons_answer_to_presenter_remotes(tree: LessonTree) -> None:
    at = open_app()
    shortcuts = {b.key: b.proto.shortcut for b in at.button if b.key in {"previous", "next"}}
    assert shortcuts == {"previous": "pageup", "next": "pagedown"}


# -- lessons change while the app runs ---------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_an_edited_lesson_file_is_reloaded_on_the_next_click(tree: LessonTree) -> None:
    at = open_app()
    path = tree.lessons / "a-first.yaml"
    path.write_text(FIRST.replace("title: Start here", "title: Start over here"), "utf-8")
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))

    at.run()

    assert texts(at.header) == ["Start over here"]


@pytest.mark.usefixtures("untrained")
def test_a_lesson_that_disappears_sends_its_sessions_to_the_first_lesson(tree: LessonTree) -> None:
    at = open_app(lesson="b-second")
    (tree.lessons / "b-second.yaml").unlink()

    at.run()

    assert texts(at.header) == ["Start here"]
    assert [literal(text) for text in texts(at.info)] == [
        "The lesson 'b-second' is no longer available: here is the start of \"First lesson\"."
    ]


@pytest.mark.usefixtures("untrained")
def test_the_store_is_maintained_once_when_the_app_starts(tree: LessonTree) -> None:
    store = FeatureStore()
    old_format = store.root / "features" / "v1"
    old_format.mkdir(parents=True)
    upload = store.write_upload(_png(8, 8), ".png")
    month_ago = time.time() - (UPLOAD_MAX_AGE_DAYS + 1) * 86400
    os.utime(upload, (month_ago, month_ago))

    open_app()
    assert not old_format.exists()
    assert not upload.exists()

    old_format.mkdir()
    open_app()
    assert old_format.is_dir(), "once per process, not once per session"


def test_no_lessons_at_all_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tmp_path))
    at = open_app()

    assert texts(at.header) == ["No lessons to show"]
    assert str(tmp_path) in literal(" ".join(texts(at.markdown)))
