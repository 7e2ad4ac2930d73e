"""One browser session's place in a lesson, and its share link, apart from Streamlit.

The page script (``classroom/app.py``) keeps a :class:`Position` per session and calls these
plain functions to move it: step navigation, the component's events, and the share link in
the URL's query parameters (``lesson``, ``step``, ``ref=x,y``, ``pin=x,y``, ``lock=1``,
``untrained=1``, ``present=1``). Nothing here imports Streamlit, so all of it is unit-tested
directly.

Coordinates: lessons, links and :class:`Pointer` use *original image* pixels (after EXIF
rotation), which stay valid whatever size cap the features were computed with. The component
works in *analysis image* pixels; :func:`view_state` and :func:`pointer_from_view` convert at
that boundary and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from classroom.component.contract import Pixel, ViewEvent, ViewState
from classroom.image_headers import map_pixel
from classroom.lessons import Lesson, Step

__all__ = [
    "LINK_KEYS",
    "Link",
    "Point",
    "Pointer",
    "Position",
    "apply_event",
    "goto_step",
    "link_params",
    "parse_link",
    "pointer_from_view",
    "restore",
    "start",
    "step_pointer",
    "view_state",
]

LINK_KEYS: Final = ("lesson", "step", "ref", "pin", "lock", "untrained", "present")
_POINT: Final = re.compile(r"^\s*(-?\d{1,9})\s*,\s*(-?\d{1,9})\s*$")
_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off", ""})
#: Step numbers longer than this are past the end of any lesson.
_STEP_DIGITS: Final = 9

Size = tuple[int, int]


@dataclass(frozen=True)
class Point:
    """A pixel of the original image (as lessons and links give them)."""

    x: int
    y: int

    def __str__(self) -> str:
        return f"{self.x},{self.y}"


@dataclass(frozen=True)
class Pointer:
    """What the view holds: the reference pixel, a pinned pixel, and whether it is locked.

    ``locked`` freezes the heat maps on ``pinned`` (the component's contract), so a locked
    pointer always has a pinned pixel.
    """

    reference: Point | None = None
    pinned: Point | None = None
    locked: bool = False


@dataclass(frozen=True)
class Position:
    """Where one session is in a lesson.

    Attributes:
        lesson_id: the lesson (its file name without suffix).
        step: 0-based index of the step.
        pointer: the view's pointer in original image pixels.
        serial: counts deliberate moves; a new value tells the component to apply the preset.
    """

    lesson_id: str
    step: int
    pointer: Pointer
    serial: int = 0

    def view_id(self, lesson: Lesson) -> str:
        """Names this view for the component; it changes exactly when the app moves the view."""
        return f"{lesson.id}/{lesson.steps[self.step].id}/{self.serial}"


def step_pointer(step: Step) -> Pointer:
    """The pointer a step starts with: its preset reference, held there if the step is locked."""
    if step.reference is None:
        return Pointer()
    reference = Point(*step.reference)
    return Pointer(reference, reference if step.locked else None, step.locked)


def start(lesson: Lesson, serial: int = 0) -> Position:
    """The first step of ``lesson`` with its preset pointer."""
    return Position(lesson.id, 0, step_pointer(lesson.steps[0]), serial)


def goto_step(position: Position, lesson: Lesson, index: int) -> Position:
    """Move to step ``index`` (clamped to the lesson), with that step's preset pointer."""
    index = min(max(index, 0), len(lesson.steps) - 1)
    return Position(lesson.id, index, step_pointer(lesson.steps[index]), position.serial + 1)


# -- the component boundary: original <-> analysis image pixels -------------------------------


def _clamp(x: int, y: int, size: Size) -> tuple[int, int]:
    return min(max(x, 0), size[0] - 1), min(max(y, 0), size[1] - 1)


def _to_analysis(point: Point | None, original: Size, analysis: Size) -> Pixel | None:
    if point is None:
        return None
    x, y = map_pixel(*_clamp(point.x, point.y, original), original, analysis)
    return Pixel(x=x, y=y)


def _to_original(pixel: Pixel | None, original: Size, analysis: Size) -> Point | None:
    if pixel is None:
        return None
    return Point(*map_pixel(*_clamp(pixel.x, pixel.y, analysis), analysis, original))


def view_state(pointer: Pointer, original: Size, analysis: Size) -> ViewState:
    """``pointer`` in the component's analysis-image pixels.

    Args:
        pointer: in original image pixels.
        original: ``(width, height)`` of the original image after EXIF rotation.
        analysis: ``(width, height)`` of the analysis image the features were computed on.
    """
    return ViewState(
        reference=_to_analysis(pointer.reference, original, analysis),
        pinned=_to_analysis(pointer.pinned, original, analysis),
        locked=pointer.locked and pointer.pinned is not None,
    )


def pointer_from_view(state: ViewState, original: Size, analysis: Size) -> Pointer:
    """The component's state in original image pixels (inverse of :func:`view_state`).

    An analysis pixel maps to the original pixel under its centre, which maps back to the
    same analysis pixel, so a link made from an event restores exactly that view.
    """
    return Pointer(
        reference=_to_original(state.reference, original, analysis),
        pinned=_to_original(state.pinned, original, analysis),
        locked=state.locked and state.pinned is not None,
    )


def apply_event(
    position: Position, lesson: Lesson, event: ViewEvent, original: Size, analysis: Size
) -> Position:
    """The position after one of the component's events.

    A step event moves to the neighbouring step (with its preset); pin, lock and release
    keep the step and record the pointer the component reports.
    """
    if event.kind == "step":
        return goto_step(position, lesson, position.step + event.delta)
    return replace(position, pointer=pointer_from_view(event.state, original, analysis))


# -- share links ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """The view a URL asks for, parsed but not yet checked against the lessons."""

    lesson: str | None = None
    step: str | None = None
    reference: Point | None = None
    pinned: Point | None = None
    locked: bool = False
    present: bool = False
    #: The weights the view was made with: untrained (True), the lesson's own (False), or
    #: not said (None: the app's default).
    untrained: bool | None = None

    @property
    def has_pointer(self) -> bool:
        return self.reference is not None or self.pinned is not None or self.locked


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def _shown(value: str) -> str:
    """A value from a URL, shortened for a message."""
    return repr(_short(value))


def _flag(name: str, value: str | None, notices: list[str]) -> bool:
    if value is None:
        return False
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() not in _FALSE:
        notices.append(f"{name}={_shown(value)} is not 1 or 0, so it was ignored.")
    return False


def _choice(name: str, value: str | None, notices: list[str]) -> bool | None:
    """A flag that may be absent (None) as well as on or off."""
    if value is None or not value.strip():
        return None
    spelled = value.strip().lower()
    if spelled in _TRUE or spelled in _FALSE:
        return spelled in _TRUE
    notices.append(f"{name}={_shown(value)} is not 1 or 0, so it was ignored.")
    return None


def _point(name: str, value: str | None, notices: list[str]) -> Point | None:
    if value is None:
        return None
    match = _POINT.match(value)
    if match is None:
        notices.append(
            f"{name}={_shown(value)} is not a pixel like {name}=120,80, so it was ignored."
        )
        return None
    return Point(int(match.group(1)), int(match.group(2)))


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_link(params: Mapping[str, str]) -> tuple[Link, list[str]]:
    """Read the share-link parameters of a URL.

    Returns:
        The link, and a notice for each malformed value (that value is ignored).
    """
    notices: list[str] = []
    link = Link(
        lesson=_text(params.get("lesson")),
        step=_text(params.get("step")),
        reference=_point("ref", params.get("ref"), notices),
        pinned=_point("pin", params.get("pin"), notices),
        locked=_flag("lock", params.get("lock"), notices),
        present=_flag("present", params.get("present"), notices),
        untrained=_choice("untrained", params.get("untrained"), notices),
    )
    return link, notices


def link_params(
    lesson: Lesson, position: Position, *, present: bool, untrained: bool | None = None
) -> dict[str, str]:
    """The query parameters that reopen exactly this view.

    Args:
        untrained: the session's weights where a link must say them (see :class:`Link`).
    """
    params = {"lesson": lesson.id, "step": lesson.steps[position.step].id}
    pointer = position.pointer
    if pointer.reference is not None:
        params["ref"] = str(pointer.reference)
    if pointer.pinned is not None:
        params["pin"] = str(pointer.pinned)
    if pointer.locked and pointer.pinned is not None:
        params["lock"] = "1"
    if untrained is not None:
        params["untrained"] = "1" if untrained else "0"
    if present:
        params["present"] = "1"
    return params


def _find_step(lesson: Lesson, wanted: str, notices: list[str]) -> int | None:
    """The step a link names by id or by number (1-based); None if it names none."""
    for index, step in enumerate(lesson.steps):
        if step.id == wanted:
            return index
    if wanted.isdecimal():
        count = len(lesson.steps)
        # Any number of digits: a huge number is past the end like a small one (and int()
        # of thousands of digits would be slow or refused, so only short ones are converted).
        digits = wanted.lstrip("0") or "0"
        number = int(digits) if len(digits) <= _STEP_DIGITS else count + 1
        if 1 <= number <= count:
            return number - 1
        clamped = min(max(number, 1), count)
        notices.append(
            f'"{lesson.title}" has {count} steps, not a step {_short(digits)}: '
            f"showing step {clamped}."
        )
        return clamped - 1
    notices.append(
        f'"{lesson.title}" has no step {_shown(wanted)}: showing the start of the lesson.'
    )
    return None


def _clamped_point(
    name: str, point: Point | None, size: Size | None, notices: list[str]
) -> Point | None:
    if point is None or size is None:
        return point
    x, y = _clamp(point.x, point.y, size)
    if (x, y) != (point.x, point.y):
        notices.append(
            f"{name}={point} lies outside the {size[0]} x {size[1]} image: using {x},{y}."
        )
    return Point(x, y)


def restore(
    link: Link,
    lessons: Sequence[Lesson],
    image_size: Callable[[Lesson, Step], Size | None],
    *,
    unavailable: Collection[str] = (),
) -> tuple[Position | None, list[str]]:
    """The position a link asks for, checked against the lessons and clamped to the image.

    Args:
        link: from :func:`parse_link`.
        lessons: the lessons that loaded; the first is the fallback.
        image_size: ``(width, height)`` of a step's original image, or None if it cannot be
            read (the pixels are then kept as they are; the step reports the image).
        unavailable: ids of lesson files that failed to load (for a more precise notice).

    Returns:
        The position (None when there are no lessons) and gentle notices for everything the
        link asked for and did not get. Without pointer parameters the step's preset is used.
    """
    notices: list[str] = []
    if not lessons:
        return None, notices
    by_id = {lesson.id: lesson for lesson in lessons}
    lesson = by_id.get(link.lesson or "")
    if lesson is None:
        if link.lesson is not None:
            why = "could not be loaded" if link.lesson in unavailable else "is not here"
            notices.append(
                f"The link asks for the lesson {_shown(link.lesson)}, which {why}: "
                f'here is the start of "{lessons[0].title}".'
            )
        elif link.step is not None or link.has_pointer:
            notices.append(f'The link names no lesson: here is the start of "{lessons[0].title}".')
        return start(lessons[0]), notices

    index = 0 if link.step is None else _find_step(lesson, link.step, notices)
    if index is None:
        return start(lesson), notices
    step = lesson.steps[index]
    if not link.has_pointer:
        return Position(lesson.id, index, step_pointer(step)), notices

    size = image_size(lesson, step)
    reference = _clamped_point("ref", link.reference, size, notices)
    pinned = _clamped_point("pin", link.pinned, size, notices)
    locked = link.locked
    if locked and pinned is None:
        if reference is None:
            notices.append("lock=1 needs a pixel to hold (pin=x,y), so the view is not locked.")
            locked = False
        else:
            pinned = reference
    return Position(lesson.id, index, Pointer(reference, pinned, locked)), notices
