"""Session state apart from Streamlit: steps, component events, coordinates and share links."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classroom.component.contract import (
    LockEvent,
    PinEvent,
    Pixel,
    ReleaseEvent,
    StepEvent,
    ViewState,
)
from classroom.lessons import Lesson, Step
from classroom.session import (
    Link,
    Point,
    Pointer,
    Position,
    apply_event,
    goto_step,
    link_params,
    parse_link,
    pointer_from_view,
    restore,
    start,
    step_pointer,
    view_state,
)
from tests.lesson_tree import LessonTree

LESSON = """\
title: Three steps
images:
  photo:
    path: photo.png
    attribution: generated for the tests, CC0
  wide:
    path: wide.png
    attribution: generated for the tests, CC0
steps:
  - id: first
    text: A preset pointer.
    reference: [10, 20]
  - id: held
    text: A locked pointer on another image.
    image: wide
    reference: [300, 5]
    locked: true
  - id: free
    text: No preset.
"""


@pytest.fixture
def lesson(tmp_path: Path) -> Lesson:
    tree = LessonTree(tmp_path)
    tree.image("wide.png", (400, 100))
    return tree.load(LESSON)


def _size(lesson: Lesson, step: Step) -> tuple[int, int]:
    return (400, 100) if step.image == "wide" else (64, 48)


# -- steps ----------------------------------------------------------------------------------------


def test_a_lesson_starts_at_its_first_step_with_the_preset_pointer(lesson: Lesson) -> None:
    position = start(lesson)

    assert (position.step, position.pointer) == (0, Pointer(Point(10, 20)))
    assert position.view_id(lesson) == "lesson/first/0"


def test_a_locked_step_holds_its_reference_pinned(lesson: Lesson) -> None:
    assert step_pointer(lesson.steps[1]) == Pointer(Point(300, 5), Point(300, 5), locked=True)
    assert step_pointer(lesson.steps[2]) == Pointer()


def test_moving_between_steps_applies_presets_and_stays_inside_the_lesson(lesson: Lesson) -> None:
    position = start(lesson)
    moved = goto_step(position, lesson, 1)
    assert (moved.step, moved.pointer.locked, moved.serial) == (1, True, 1)
    assert moved.view_id(lesson) != position.view_id(lesson)

    assert goto_step(moved, lesson, 99).step == 2
    assert goto_step(moved, lesson, -5).step == 0
    # Returning to a step starts it afresh: a new view id, the preset again.
    back = goto_step(goto_step(moved, lesson, 0), lesson, 1)
    assert back.pointer == moved.pointer
    assert back.view_id(lesson) != moved.view_id(lesson)


# -- coordinates ----------------------------------------------------------------------------------


def test_view_state_maps_original_pixels_to_the_analysis_image() -> None:
    pointer = Pointer(Point(999, 0), Point(1999, 999), locked=True)

    state = view_state(pointer, original=(2000, 1000), analysis=(1024, 512))

    assert state == ViewState(reference=Pixel(x=511, y=0), pinned=Pixel(x=1023, y=511), locked=True)


def test_a_pointer_outside_the_image_is_clamped_not_refused() -> None:
    state = view_state(Pointer(Point(-3, 70)), original=(64, 48), analysis=(64, 48))
    assert state.reference == Pixel(x=0, y=47)


def test_a_lock_without_a_pinned_pixel_is_no_lock() -> None:
    assert not view_state(Pointer(Point(1, 1), None, True), (64, 48), (64, 48)).locked


sizes = st.tuples(st.integers(32, 3000), st.integers(32, 3000))


@given(original=sizes, cap=st.integers(32, 1024), data=st.data())
def test_analysis_pixels_survive_the_round_trip_through_a_link(
    original: tuple[int, int], cap: int, data: st.DataObject
) -> None:
    """An event's pixel, written to a link in original pixels and read back, is the same pixel."""
    from classroom.images import analysis_size

    analysis = analysis_size(*original, cap)
    x = data.draw(st.integers(0, analysis[0] - 1))
    y = data.draw(st.integers(0, analysis[1] - 1))
    state = ViewState(reference=Pixel(x=x, y=y), pinned=Pixel(x=x, y=y), locked=True)

    pointer = pointer_from_view(state, original, analysis)

    assert pointer.reference is not None
    assert 0 <= pointer.reference.x < original[0]
    assert 0 <= pointer.reference.y < original[1]
    assert view_state(pointer, original, analysis) == state


# -- events ---------------------------------------------------------------------------------------


def test_pin_lock_and_release_events_record_the_pointer(lesson: Lesson) -> None:
    position = start(lesson)
    pinned = ViewState(reference=Pixel(x=5, y=6), pinned=Pixel(x=7, y=8), locked=False)

    after_pin = apply_event(
        position, lesson, PinEvent(id="1", kind="pin", state=pinned), (128, 96), (64, 48)
    )
    # The original pixel under the centre of each analysis pixel (twice as large here).
    assert after_pin.pointer == Pointer(Point(11, 13), Point(15, 17), locked=False)
    assert (after_pin.step, after_pin.serial) == (0, 0), "the component already shows this"

    locked = pinned.model_copy(update={"locked": True})
    after_lock = apply_event(
        after_pin, lesson, LockEvent(id="2", kind="lock", state=locked), (64, 48), (64, 48)
    )
    assert after_lock.pointer.locked

    released = ViewState(reference=Pixel(x=1, y=2))
    after_release = apply_event(
        after_lock, lesson, ReleaseEvent(id="3", kind="release", state=released), (64, 48), (64, 48)
    )
    assert after_release.pointer == Pointer(Point(1, 2))


def test_step_events_move_like_the_buttons(lesson: Lesson) -> None:
    position = start(lesson)
    event = StepEvent(id="1", kind="step", delta=1, state=ViewState())

    moved = apply_event(position, lesson, event, (64, 48), (64, 48))

    assert moved == goto_step(position, lesson, 1)
    back = StepEvent(id="2", kind="step", delta=-1, state=ViewState())
    assert apply_event(start(lesson), lesson, back, (64, 48), (64, 48)).step == 0


# -- links ----------------------------------------------------------------------------------------


def test_link_params_hold_lesson_step_and_pointer(lesson: Lesson) -> None:
    position = goto_step(start(lesson), lesson, 1)

    assert link_params(lesson, position, present=True) == {
        "lesson": "lesson",
        "step": "held",
        "ref": "300,5",
        "pin": "300,5",
        "lock": "1",
        "present": "1",
    }
    assert link_params(lesson, goto_step(position, lesson, 2), present=False) == {
        "lesson": "lesson",
        "step": "free",
    }


def test_a_link_restores_exactly_the_view_it_was_made_from(lesson: Lesson) -> None:
    position = Position("lesson", 1, Pointer(Point(12, 34), Point(56, 78), locked=True))

    link, notices = parse_link(link_params(lesson, position, present=True))
    restored, more = restore(link, [lesson], _size)

    assert notices == more == []
    assert link.present
    assert restored == position


@pytest.mark.parametrize("untrained", [True, False, None])
def test_a_link_keeps_the_weights_choice(lesson: Lesson, untrained: bool | None) -> None:
    position = start(lesson)
    params = link_params(lesson, position, present=False, untrained=untrained)

    link, notices = parse_link(params)

    assert notices == []
    assert link.untrained is untrained
    assert ("untrained" in params) is (untrained is not None)


def test_a_link_without_pointer_parameters_uses_the_step_preset(lesson: Lesson) -> None:
    link, _ = parse_link({"lesson": "lesson", "step": "held"})
    restored, notices = restore(link, [lesson], _size)

    assert notices == []
    assert restored == Position("lesson", 1, step_pointer(lesson.steps[1]))


def test_steps_can_be_named_by_number(lesson: Lesson) -> None:
    restored, notices = restore(Link(lesson="lesson", step="3"), [lesson], _size)
    assert (restored.step if restored else None, notices) == (2, [])


def test_a_step_number_past_the_end_is_clamped_with_a_notice(lesson: Lesson) -> None:
    restored, notices = restore(Link(lesson="lesson", step="7"), [lesson], _size)

    assert restored is not None
    assert restored.step == 2
    assert notices == ['"Three steps" has 3 steps, not a step 7: showing step 3.']


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("1234567890", "1234567890"),  # ten digits: once read as an unknown step id
        ("99999999999999999999", "99999999999999999999"),
        ("0000000000000000000000000000000000000000007", "7"),
        ("9" * 5000, "9" * 37 + "..."),  # longer than int() converts by default
    ],
)
def test_a_step_number_of_any_length_past_the_end_opens_the_last_step(
    lesson: Lesson, number: str, shown: str
) -> None:
    restored, notices = restore(Link(lesson="lesson", step=number), [lesson], _size)

    assert restored is not None
    assert restored.step == 2
    assert notices == [f'"Three steps" has 3 steps, not a step {shown}: showing step 3.']


def test_step_zero_opens_the_first_step_with_a_notice(lesson: Lesson) -> None:
    restored, notices = restore(Link(lesson="lesson", step="000"), [lesson], _size)
    assert (restored.step if restored else None) == 0
    assert notices == ['"Three steps" has 3 steps, not a step 0: showing step 1.']


def test_an_unknown_step_falls_back_to_the_lesson_start(lesson: Lesson) -> None:
    link = Link(lesson="lesson", step="nope", reference=Point(1, 1))
    restored, notices = restore(link, [lesson], _size)

    assert restored == start(lesson)
    assert notices == ["\"Three steps\" has no step 'nope': showing the start of the lesson."]


def test_an_unknown_lesson_falls_back_to_the_first_lesson(lesson: Lesson) -> None:
    restored, notices = restore(Link(lesson="gone", step="2"), [lesson], _size)

    assert restored == start(lesson)
    assert notices == [
        "The link asks for the lesson 'gone', which is not here: "
        'here is the start of "Three steps".'
    ]
    _, broken = restore(Link(lesson="gone"), [lesson], _size, unavailable={"gone"})
    assert "'gone', which could not be loaded" in broken[0]


def test_no_lessons_means_no_position() -> None:
    assert restore(Link(lesson="x"), [], _size) == (None, [])


def test_pixels_outside_the_image_are_clamped_with_a_notice(lesson: Lesson) -> None:
    link = Link(lesson="lesson", step="held", reference=Point(500, -4), pinned=Point(3, 3))
    restored, notices = restore(link, [lesson], _size)

    assert restored is not None
    assert restored.pointer == Pointer(Point(399, 0), Point(3, 3))
    assert notices == ["ref=500,-4 lies outside the 400 x 100 image: using 399,0."]


def _unreadable(lesson: Lesson, step: Step) -> None:
    del lesson, step


def test_pixels_are_kept_when_the_image_cannot_be_read(lesson: Lesson) -> None:
    link = Link(lesson="lesson", reference=Point(5000, 7))
    restored, notices = restore(link, [lesson], _unreadable)

    assert restored is not None
    assert (restored.pointer.reference, notices) == (Point(5000, 7), [])


def test_a_lock_without_pin_holds_the_reference(lesson: Lesson) -> None:
    restored, _ = restore(
        Link(lesson="lesson", reference=Point(4, 4), locked=True), [lesson], _size
    )
    assert restored is not None
    assert restored.pointer == Pointer(Point(4, 4), Point(4, 4), True)

    alone, notices = restore(Link(lesson="lesson", locked=True), [lesson], _size)
    assert alone is not None
    assert not alone.pointer.locked
    assert notices == ["lock=1 needs a pixel to hold (pin=x,y), so the view is not locked."]


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"ref": "12;4"}, "ref='12;4' is not a pixel like ref=120,80, so it was ignored."),
        ({"pin": "1,2,3"}, "pin='1,2,3' is not a pixel like pin=120,80, so it was ignored."),
        ({"ref": "9" * 20 + ",1"}, "is not a pixel like ref=120,80"),
        ({"lock": "maybe"}, "lock='maybe' is not 1 or 0, so it was ignored."),
        ({"untrained": "2"}, "untrained='2' is not 1 or 0, so it was ignored."),
        ({"present": "x" * 80}, "present='xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not 1"),
    ],
)
def test_malformed_values_are_ignored_with_a_notice(params: dict[str, str], notice: str) -> None:
    link, notices = parse_link(params)

    assert link == Link()
    assert len(notices) == 1
    assert notice in notices[0]


def test_parsing_accepts_spaces_and_spelled_flags() -> None:
    link, notices = parse_link({"lesson": " a ", "ref": " 3 , 4 ", "lock": "true", "present": "0"})
    assert notices == []
    assert link == Link(lesson="a", reference=Point(3, 4), locked=True)
