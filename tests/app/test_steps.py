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
from classroom.component.navigator_contract import NavigatorArgs
from classroom.store import UPLOAD_MAX_AGE_DAYS, FeatureStore
from tests.app.page import (
    FIRST,
    SECOND,
    _png,
    button,
    jump,
    labelled,
    lesson_picker,
    link,
    literal,
    navigator,
    open_app,
    panels,
    prepared,
    press,
    progress_texts,
    step_shown,
    texts,
    view,
    view_shown,
    where,
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
    assert lesson_picker(at).value == "a-first"
    assert where(at) == (1, 3)
    assert link(at) == {"lesson": "a-first", "step": "start", "ref": "10,20", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
def test_the_picker_follows_the_lessons_order_and_a_link_without_lesson_opens_the_first(
    tree: LessonTree,
) -> None:
    intro = SECOND.replace("title: Second lesson", "title: Novices start here\norder: 1")
    tree.write(intro, "z-intro.yaml")

    at = open_app()
    assert lesson_picker(at).options == [
        "Novices start here",
        "First lesson",
        "Second lesson",
    ]
    assert lesson_picker(at).value == "z-intro"
    assert texts(at.header) == ["Only step"]
    # The step compares weights, and the view of an untrained session says once it is drawn that
    # its panels are the same. Whether a second session finds the step drawn would depend on the
    # worker's speed (the first session asked for it), so it is prepared before that session.
    prepared(at)

    linked = open_app(step="1")
    assert link(linked)["lesson"] == "z-intro"
    assert view_shown(linked)
    assert [literal(text) for text in texts(linked.info)] == [
        'The link names no lesson: here is the start of "Novices start here".',
        "This step compares weights, but this session uses untrained weights for every panel, "
        "so those panels are the same.",
    ]


@pytest.mark.usefixtures("untrained")
def test_next_and_previous_move_through_the_steps_and_stop_at_the_ends(
    tree: LessonTree,
) -> None:
    at = open_app()
    assert where(at) == (1, 3), "Back is disabled, Next is not"

    press(at, 1)
    assert texts(at.header) == ["Held still"]
    assert where(at) == (2, 3)
    assert link(at) == {
        "lesson": "a-first",
        "step": "held",
        "ref": "30,5",
        "pin": "30,5",
        "lock": "1",
        "untrained": "1",
    }

    press(at, 1)
    assert texts(at.header) == ["The end"]
    assert where(at) == (3, 3), "Next is disabled"
    assert link(at) == {"lesson": "a-first", "step": "last", "untrained": "1"}

    press(at, 1)  # PageDown on the last step: nothing to move to
    assert texts(at.header) == ["The end"]
    press(at, -1)
    press(at, -1)
    assert texts(at.header) == ["Start here"]
    assert step_shown(at) == 0


@pytest.mark.usefixtures("untrained")
def test_presses_that_come_together_all_count(tree: LessonTree) -> None:
    at = press(open_app(), 1, 1)  # two presses counted before the page could rerun
    assert texts(at.header) == ["The end"]
    assert step_shown(at) == 2

    press(at, -1, -1, 1)
    assert texts(at.header) == ["Held still"]

    # A navigator frame loaded anew counts from 0 again.
    at.session_state["navigator"] = {"instance": "another frame", "net": -1}
    at.run()
    assert texts(at.header) == ["Start here"]


@pytest.mark.usefixtures("untrained")
def test_the_step_list_and_the_lesson_picker_jump(tree: LessonTree) -> None:
    at = open_app()

    jump(at, 2)
    assert texts(at.header) == ["The end"]
    assert where(at) == (3, 3)

    lesson_picker(at).set_value("b-second").run()
    assert texts(at.header) == ["Only step"]
    assert step_shown(at) == 0
    assert link(at) == {"lesson": "b-second", "step": "step-1", "untrained": "1"}


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

    press(at, 1)
    press(at, -1)
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
    press(at, 1)

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
    press(at, -1)
    assert view_shown(at)
    press(at, 1)

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
    assert lesson_picker(at).options == ["First lesson", "Second lesson"]
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
    # The sidebar is collapsed, so step navigation moves into the main area, as one row.
    assert navigator(at, at.main) == NavigatorArgs(
        step=0, count=3, lesson_title="First lesson", presenter=True
    )
    assert navigator(at, at.sidebar) is None

    press(at, 1)
    assert texts(at.header) == ["Held still"]

    at.toggle(key="presenter").set_value(False).run()
    assert "present" not in link(at)
    assert not at.html
    assert navigator(at, at.main) is None
    assert navigator(at, at.sidebar) == NavigatorArgs(
        step=1, count=3, lesson_title="First lesson", presenter=False
    )


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
