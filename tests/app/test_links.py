"""Share links and the view's events: what a link restores, and how pins, locks and steps from the
view move the session.

Through Streamlit's AppTest (``page.py``, ``conftest.py``): real lessons, networks and store.
"""

from __future__ import annotations

import pytest

from classroom.component.contract import Pixel, ViewState
from tests.app.page import (
    _png,
    button,
    drop_file,
    link,
    literal,
    open_app,
    panels,
    prepared,
    press,
    send,
    shared_link,
    step_shown,
    texts,
    view,
    view_shown,
)
from tests.lesson_tree import LessonTree

# -- share links ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_a_link_restores_lesson_step_pointer_pin_and_lock(tree: LessonTree) -> None:
    query = {"lesson": "a-first", "step": "held", "ref": "12,40", "pin": "79,0", "lock": "1"}

    at = open_app(**query)

    assert texts(at.header) == ["Held still"]
    assert step_shown(at) == 1
    assert not at.info, "nothing to complain about"
    assert link(at) == {**query, "untrained": "1"}

    args = view(prepared(at))
    assert args is not None
    # two.png is 80 x 48; its features were computed on 64 x 38 (the lesson's max_side).
    assert (args.image.width, args.image.height) == (64, 38)
    assert args.preset == ViewState(
        reference=Pixel(x=10, y=32), pinned=Pixel(x=63, y=0), locked=True
    )


@pytest.mark.usefixtures("untrained")
def test_a_link_can_name_the_step_by_number(tree: LessonTree) -> None:
    at = open_app(lesson="b-second", step="1")
    assert texts(at.header) == ["Only step"]
    assert link(at) == {"lesson": "b-second", "step": "step-1", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
@pytest.mark.parametrize(
    ("query", "header", "notice", "after"),
    [
        (
            {"lesson": "gone", "step": "2"},
            "Start here",
            "The link asks for the lesson 'gone', which is not here: "
            'here is the start of "First lesson".',
            {"lesson": "a-first", "step": "start", "ref": "10,20"},
        ),
        (
            {"lesson": "a-first", "step": "nope", "ref": "1,1"},
            "Start here",
            "\"First lesson\" has no step 'nope': showing the start of the lesson.",
            {"lesson": "a-first", "step": "start", "ref": "10,20"},
        ),
        (
            {"lesson": "a-first", "step": "9"},
            "The end",
            '"First lesson" has 3 steps, not a step 9: showing step 3.',
            {"lesson": "a-first", "step": "last"},
        ),
        (
            {"lesson": "a-first", "step": "held", "ref": "500,7"},
            "Held still",
            "ref=500,7 lies outside the 80 x 48 image: using 79,7.",
            {"lesson": "a-first", "step": "held", "ref": "79,7"},
        ),
        (
            {"lesson": "a-first", "step": "held", "pin": "two,3"},
            "Held still",
            "pin='two,3' is not a pixel like pin=120,80, so it was ignored.",
            {"lesson": "a-first", "step": "held", "ref": "30,5", "pin": "30,5", "lock": "1"},
        ),
    ],
)
def test_a_bad_link_says_so_gently_and_falls_back(
    tree: LessonTree, query: dict[str, str], header: str, notice: str, after: dict[str, str]
) -> None:
    at = open_app(**query)

    assert not at.exception
    assert texts(at.header) == [header]
    assert [literal(text) for text in texts(at.info)] == [notice]
    assert link(at) == {**after, "untrained": "1"}

    press(at, 1 if header != "The end" else -1)
    assert not at.info, "the notice goes once the reader moves on"


@pytest.mark.usefixtures("untrained")
def test_a_link_is_only_read_when_the_session_starts(tree: LessonTree) -> None:
    at = open_app(lesson="a-first", step="last")
    at.query_params["step"] = "start"
    at.run()
    assert texts(at.header) == ["The end"]


def test_a_link_made_with_untrained_weights_reopens_them(tree: LessonTree) -> None:
    at = prepared(open_app())  # the pretrained weights are missing: the weights page
    button(at, "Continue with untrained weights").click().run()
    assert view_shown(prepared(at))
    assert link(at)["untrained"] == "1"
    assert shared_link(at) == link(at)

    fresh = prepared(open_app(**link(at)))  # another browser, nothing in its session

    assert fresh.toggle(key="untrained").value
    assert view_shown(fresh), "not the missing-weights page"
    assert not fresh.info, "nothing to complain about"
    assert link(fresh) == link(at)


@pytest.mark.usefixtures("untrained")
def test_a_link_made_with_the_lessons_weights_says_so_where_sessions_start_untrained(
    tree: LessonTree,
) -> None:
    at = open_app()
    at.toggle(key="untrained").set_value(False).run()
    assert link(at)["untrained"] == "0"

    fresh = open_app(**link(at))
    assert not fresh.toggle(key="untrained").value
    assert open_app(lesson="a-first", untrained="maybe").toggle(key="untrained").value


# -- the view's events ---------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_pin_and_lock_events_go_into_the_link_in_image_pixels(tree: LessonTree) -> None:
    at = prepared(open_app(lesson="a-first", step="held"))
    pinned = {"reference": {"x": 10, "y": 32}, "pinned": {"x": 63, "y": 0}, "locked": False}

    send(at, "pin", state=pinned)
    # Analysis pixels (64 x 38) back to the 80 x 48 picture: the pixel under each centre.
    assert link(at) == {
        "lesson": "a-first",
        "step": "held",
        "ref": "13,41",
        "pin": "79,0",
        "untrained": "1",
    }
    assert shared_link(at) == link(at), "the share box shows the view on screen, not the last"

    send(at, "lock", state={**pinned, "locked": True})
    assert link(at)["lock"] == "1"
    assert shared_link(at) == link(at)
    args = view(at)
    assert args is not None
    assert args.view_id == "a-first/held/0", "the view the component already shows"

    send(at, "release", state={"reference": {"x": 1, "y": 2}, "pinned": None, "locked": False})
    assert link(at) == {"lesson": "a-first", "step": "held", "ref": "1,3", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
def test_step_events_from_the_view_move_like_the_buttons(tree: LessonTree) -> None:
    at = prepared(open_app())

    send(at, "step", delta=1)
    assert texts(at.header) == ["Held still"]
    assert step_shown(at) == 1
    args = view(at)
    assert args is not None
    assert args.view_id == "a-first/held/1"
    assert args.preset.locked

    send(at, "step", delta=-1)
    assert texts(at.header) == ["Start here"]
    send(at, "step", delta=-1)
    assert texts(at.header) == ["Start here"], "the first step stays the first"


@pytest.mark.usefixtures("untrained")
def test_the_view_is_a_new_frame_when_it_comes_back_or_went_deaf(tree: LessonTree) -> None:
    at = open_app()
    assert not view_shown(at), "the step is being prepared"
    prepared(at)
    comeback = at.session_state["view_key"]
    assert comeback != "view/lesson/0", "Streamlit must not put an old frame back in place"
    at.run()
    assert at.session_state["view_key"] == comeback, "the same frame while it stays"

    # The view told the navigator that Streamlit does not hear it (a frame moved in the page).
    at.session_state["navigator"] = {"instance": "tests", "net": 0, "lostViews": 1}
    at.run()
    assert view_shown(at)
    assert at.session_state["view_key"] not in {comeback, "view/lesson/0"}
    assert texts(at.header) == ["Start here"]


@pytest.mark.usefixtures("untrained")
def test_an_event_is_handled_once(tree: LessonTree) -> None:
    at = prepared(open_app())
    send(at, "step", delta=1)
    at.run()
    at.run()
    assert texts(at.header) == ["Held still"]


@pytest.mark.usefixtures("untrained")
def test_presenter_mode_reaches_the_view(tree: LessonTree) -> None:
    at = prepared(open_app(present="1"))
    args = view(at)
    assert args is not None
    assert args.presenter


@pytest.mark.usefixtures("untrained")
def test_panels_made_equal_by_untrained_weights_are_shown_once_and_explained(
    tree: LessonTree,
) -> None:
    at = prepared(open_app(lesson="b-second"))

    assert panels(at) == [("conv2_x", "untrained (seed 0)")]
    assert any("so those panels are the same" in text for text in texts(at.info))


@pytest.mark.usefixtures("untrained")
def test_events_in_your_own_image_stay_in_the_session(tree: LessonTree) -> None:
    at = open_app()
    at.radio(key="mode").set_value("Your own image").run()
    drop_file(at, "mine.png", _png(128, 96))
    prepared(at)

    pointer = {"reference": {"x": 3, "y": 4}, "pinned": {"x": 3, "y": 4}, "locked": True}
    send(at, "lock", state=pointer)
    send(at, "step", delta=1, state=pointer)

    assert texts(at.header) == ["Your own image"], "an image of your own has no steps"
    assert link(at) == {"lesson": "a-first", "step": "start", "ref": "10,20", "untrained": "1"}
    at.radio(key="mode").set_value("Lesson").run()
    at.radio(key="mode").set_value("Your own image").run()
    args = view(at)
    assert args is not None
    # Kept in picture pixels (128 x 96, shown at 64 x 48) and handed back to the view.
    assert args.preset == ViewState(reference=Pixel(x=3, y=4), pinned=Pixel(x=3, y=4), locked=True)
