"""Session state (one key per fact, read and written only here), navigation callbacks."""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Final

import streamlit as st

from classroom import images, session
from classroom.catalog import Catalog
from classroom.component.navigator import lost_views, parse_presses, unapplied
from classroom.lessons import Lesson, Step
from classroom.session import Position

__all__ = [
    "LESSON_MODE",
    "LESSON_PICK",
    "MODE",
    "NAVIGATOR",
    "NOTICES",
    "POSITION",
    "PRESENTER",
    "PROGRESS_INTERVAL",
    "UNTRAINED",
    "UPLOAD",
    "UPLOAD_BOX",
    "UPLOAD_FILE",
    "UPLOAD_MODE",
    "UPLOAD_POINTER",
    "UPLOAD_REFUSAL",
    "UPLOAD_SERIAL",
    "VIEW_KEY",
    "apply_navigator",
    "current_lesson",
    "default_untrained",
    "finish_run",
    "link_weights",
    "navigate",
    "open_lesson",
    "original_image_size",
    "pick_lesson",
    "pick_step",
    "plain",
    "session_owner",
    "session_position",
    "session_weights_file",
    "set_session_position",
    "start_session",
    "use_untrained",
    "uses_untrained",
    "view_key",
    "weights_changed",
]


PROGRESS_INTERVAL: Final = 1.0
LESSON_MODE: Final = "Lesson"
UPLOAD_MODE: Final = "Your own image"

# Session state: one key per fact, read and written only through this module.
POSITION: Final = "position"
NOTICES: Final = "link_notices"
UNTRAINED: Final = "untrained"
PRESENTER: Final = "presenter"
MODE: Final = "mode"
LESSON_PICK: Final = "lesson_pick"
#: The step navigator (a component) and the last of its reports the page has taken in.
NAVIGATOR: Final = "navigator"
APPLIED_PRESSES: Final = "navigator_applied"
#: The similarity view's element key now, and what decides it (see :func:`view_key`).
VIEW_KEY: Final = "view_key"
_VIEW_GENERATION: Final = "view_generation"
_VIEW_DRAWN: Final = "view_drawn_this_run"
_VIEW_SHOWN: Final = "view_shown_last_run"
_VIEW_RENEWED: Final = "view_renewed"
UPLOAD: Final = "upload"
UPLOAD_POINTER: Final = "upload_pointer"
UPLOAD_SERIAL: Final = "upload_serial"
#: The uploader's key is ``upload_file/<n>``; a new ``n`` empties the box after each file.
UPLOAD_FILE: Final = "upload_file"
UPLOAD_BOX: Final = "upload_box"
UPLOAD_REFUSAL: Final = "upload_refusal"
OWNER: Final = "owner"

#: Every ASCII punctuation character, each of which CommonMark lets a backslash escape.
_PUNCTUATION: Final = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
#: Streamlit also rewrites text *after* Markdown has resolved the escapes (`:material/x:`
#: icons, `:streamlit:`, emoji shortcodes, `->` arrows, `www.` and e-mail autolinks); an
#: invisible word joiner keeps those patterns from forming: after each colon and `@`, inside
#: `www.` and inside pairs of arrow characters.
_WORD_JOINER: Final = "\u2060"
_REWRITTEN: Final = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))|(?<=[-<>=~])(?=[-<>=~])")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]+")


def plain(text: str) -> str:
    """Text from outside (file names, URLs, lesson ids, error messages) as Markdown that shows
    exactly that text: no emphasis, link, image, HTML, LaTeX, colour, icon or emoji."""
    text = _REWRITTEN.sub(_WORD_JOINER, _CONTROL.sub(" ", text))
    return _PUNCTUATION.sub(r"\\\1", text)


# -- session state ----------------------------------------------------------------------------


def session_owner() -> str:
    """This session's name towards the preparation worker (what it wants, it wants as this)."""
    owner = st.session_state.get(OWNER)
    if not isinstance(owner, str):
        owner = st.session_state[OWNER] = uuid.uuid4().hex
    return owner


def session_position() -> Position | None:
    position: Position | None = st.session_state.get(POSITION)
    return position


def set_session_position(position: Position | None) -> None:
    st.session_state[POSITION] = position


def uses_untrained() -> bool:
    return bool(st.session_state.get(UNTRAINED, False))


def default_untrained() -> bool:
    """Whether sessions start with untrained weights (``classroom run --untrained``)."""
    return os.environ.get("CLASSROOM_UNTRAINED", "") == "1"


def link_weights() -> bool | None:
    """The weights choice a share link must carry to reopen what this session shows.

    Untrained weights are always named (a fresh browser would otherwise open the lesson's
    pretrained weights, maybe on a missing-weights page); the lesson's own weights only where
    the app starts sessions untrained.
    """
    if uses_untrained():
        return True
    return False if default_untrained() else None


def session_weights_file() -> Path | None:
    """``classroom run --weights-file`` (``$CLASSROOM_WEIGHTS_FILE``): replaces pretrained
    weights for every lesson, unless this session uses untrained weights."""
    configured = os.environ.get("CLASSROOM_WEIGHTS_FILE")
    return Path(configured) if configured and not uses_untrained() else None


def original_image_size(lesson: Lesson, step: Step) -> tuple[int, int] | None:
    try:
        return images.upright_size(lesson.image(step.image).path)
    except images.ImageError:
        return None


def start_session(catalog: Catalog) -> None:
    """A new browser session: restore the view its URL asks for, exactly where possible."""
    params = {key: st.query_params[key] for key in session.LINK_KEYS if key in st.query_params}
    link, notices = session.parse_link(params)
    position, more = session.restore(
        link,
        catalog.lessons,
        original_image_size,
        unavailable={broken.id for broken in catalog.broken},
    )
    set_session_position(position)
    st.session_state[NOTICES] = [*notices, *more]
    st.session_state[PRESENTER] = link.present
    st.session_state[UNTRAINED] = default_untrained() if link.untrained is None else link.untrained
    st.session_state[MODE] = LESSON_MODE


def current_lesson(catalog: Catalog) -> tuple[Lesson, Position] | None:
    """The session's lesson and position, still valid after lesson files changed."""
    if not catalog.lessons:
        return None
    position = session_position()
    lesson = catalog.get(position.lesson_id) if position else None
    if lesson is None:
        lesson = catalog.lessons[0]
        if position is not None:
            st.session_state[NOTICES] = [
                f"The lesson '{position.lesson_id}' is no longer available: "
                f'here is the start of "{lesson.title}".'
            ]
        position = session.start(lesson, serial=position.serial + 1 if position else 0)
    elif position is not None and position.step >= len(lesson.steps):
        position = session.goto_step(position, lesson, position.step)
    assert position is not None
    set_session_position(position)
    return lesson, position


def apply_navigator(lesson: Lesson) -> None:
    """Take in what the navigator reported and the page has not: Back and Next presses (the
    position moves by them) and views that went deaf (the view is drawn anew).

    Read before anything is drawn (a widget's value is in the session state at the start of a
    run), so the page that follows shows the step they lead to.
    """
    position = session_position()
    value = parse_presses(st.session_state.get(NAVIGATOR))
    if value is None or position is None or position.lesson_id != lesson.id:
        return
    applied = st.session_state.get(APPLIED_PRESSES)
    moves = unapplied(value, applied)
    if lost_views(value, applied) > 0:
        st.session_state[_VIEW_GENERATION] = st.session_state.get(_VIEW_GENERATION, 0) + 1
    st.session_state[APPLIED_PRESSES] = value
    if moves:
        navigate(session.goto_step(position, lesson, position.step + moves))


def view_key(page: str) -> str:
    """The similarity view's element key on ``page``: the same while the view stays there.

    A new one when the view comes back after a run without it (a step being prepared), or
    after it went deaf (:func:`apply_navigator`), so Streamlit mounts a new frame for it and
    listens to that one. With the old key Streamlit may keep the old frame and put it back in
    place, and a frame moved in the page is reloaded and no longer heard: the view stays
    blank ("Starting the similarity view...") until the page is reloaded.
    """
    if not st.session_state.get(_VIEW_SHOWN, True) and not st.session_state.get(_VIEW_RENEWED):
        st.session_state[_VIEW_GENERATION] = st.session_state.get(_VIEW_GENERATION, 0) + 1
        st.session_state[_VIEW_RENEWED] = True
    st.session_state[_VIEW_DRAWN] = True
    key = f"view/{page}/{st.session_state.get(_VIEW_GENERATION, 0)}"
    st.session_state[VIEW_KEY] = key
    return key


def finish_run() -> None:
    """At the end of a run that was not interrupted: remember whether it drew the view."""
    drawn = bool(st.session_state.pop(_VIEW_DRAWN, False))
    st.session_state[_VIEW_SHOWN] = drawn
    if drawn:
        st.session_state[_VIEW_RENEWED] = False


def navigate(position: Position) -> None:
    """Every deliberate move: a link's notices have been read by now."""
    set_session_position(position)
    st.session_state[NOTICES] = []


# -- callbacks (they run before the script, so widgets show the new state) ------------------


def pick_lesson(catalog: Catalog) -> None:
    lesson = catalog.get(st.session_state[LESSON_PICK])
    position = session_position()
    if lesson is not None:
        navigate(session.start(lesson, serial=position.serial + 1 if position else 0))


def open_lesson(lesson: Lesson) -> None:
    """Open ``lesson`` at its start (the offer of a lesson that needs no download)."""
    position = session_position()
    st.session_state[MODE] = LESSON_MODE
    navigate(session.start(lesson, serial=position.serial + 1 if position else 0))


def pick_step(lesson: Lesson, index: int) -> None:
    position = session_position()
    if position is not None:
        navigate(session.goto_step(position, lesson, index))


def weights_changed() -> None:
    """Other weights mean other layers: start the view again from the same pointer."""
    position = session_position()
    if position is not None:
        set_session_position(replace(position, serial=position.serial + 1))


def use_untrained() -> None:
    st.session_state[UNTRAINED] = True
    weights_changed()
