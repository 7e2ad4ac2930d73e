"""The Streamlit page: lesson picker, steps, the multi-layer view, questions, your own image.

UI composition only. Where a session is and its share link are plain functions in
:mod:`classroom.session`; what all sessions share is in :mod:`classroom.shared`; features are
prepared by the background worker (:mod:`classroom.background`), so no render waits for a
forward pass. ``classroom/server.py`` mounts this script; AppTest runs it directly.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from classroom import images, models, session, shared
from classroom.background import Job, LessonJobs, Progress, Readiness, progress, readiness
from classroom.catalog import Catalog
from classroom.cli import lessons_dir_default
from classroom.component import similarity_view, view_args
from classroom.component.contract import ViewEvent
from classroom.lessons import Lesson, Question, Step
from classroom.preparation import Cause, Failure, PreparedImage
from classroom.session import Pointer, Position
from classroom.store import FeatureStore, PreparedLayer
from classroom.uploads import (
    MAX_UPLOAD_MB,
    MAX_UPLOAD_PIXELS,
    UPLOAD_TYPES,
    Upload,
    UploadError,
    accept_upload,
    upload_request,
)

#: How often a progress bar asks the worker how far it has come (seconds).
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
STEP_PICK: Final = "step_pick"
UPLOAD: Final = "upload"
UPLOAD_POINTER: Final = "upload_pointer"
UPLOAD_SERIAL: Final = "upload_serial"
UPLOAD_FILE: Final = "upload_file"
UPLOAD_SEEN: Final = "upload_seen"
UPLOAD_ERROR: Final = "upload_error"

_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>#|~$])")

_PRESENTER_CSS: Final = """
<style>
  /* Clear of Streamlit's header (3.75rem, opaque): less hides the Back/Next row under it. */
  [data-testid="stMainBlockContainer"] { padding-top: 4rem; max-width: 100%; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
    font-size: 1.5rem; line-height: 1.45;
  }
  [data-testid="stHeading"] h1 { font-size: 2.6rem; }
  [data-testid="stHeading"] h2 { font-size: 2.2rem; }
  [data-testid="stCaptionContainer"] { font-size: 1.15rem; }
  [data-testid="stBaseButton-secondary"] p { font-size: 1.25rem; }
</style>
"""


def plain(text: str) -> str:
    """Text from outside (file names, URLs, error messages) shown literally in markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# -- session state ----------------------------------------------------------------------------


def _position() -> Position | None:
    position: Position | None = st.session_state.get(POSITION)
    return position


def _set_position(position: Position | None) -> None:
    st.session_state[POSITION] = position


def _untrained() -> bool:
    return bool(st.session_state.get(UNTRAINED, False))


def _weights_file() -> Path | None:
    """``classroom run --weights-file`` (``$CLASSROOM_WEIGHTS_FILE``): replaces pretrained
    weights for every lesson, unless this session uses untrained weights."""
    configured = os.environ.get("CLASSROOM_WEIGHTS_FILE")
    return Path(configured) if configured and not _untrained() else None


def _image_size(lesson: Lesson, step: Step) -> tuple[int, int] | None:
    try:
        return images.upright_size(lesson.image(step.image).path)
    except images.ImageError:
        return None


def _start_session(catalog: Catalog) -> None:
    """A new browser session: restore the view its URL asks for, exactly where possible."""
    params = {key: st.query_params[key] for key in session.LINK_KEYS if key in st.query_params}
    link, notices = session.parse_link(params)
    position, more = session.restore(
        link, catalog.lessons, _image_size, unavailable={broken.id for broken in catalog.broken}
    )
    _set_position(position)
    st.session_state[NOTICES] = [*notices, *more]
    st.session_state[PRESENTER] = link.present
    st.session_state[UNTRAINED] = os.environ.get("CLASSROOM_UNTRAINED", "") == "1"
    st.session_state[MODE] = LESSON_MODE


def _current(catalog: Catalog) -> tuple[Lesson, Position] | None:
    """The session's lesson and position, still valid after lesson files changed."""
    if not catalog.lessons:
        return None
    position = _position()
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
    _set_position(position)
    return lesson, position


def _navigate(position: Position) -> None:
    """Every deliberate move: a link's notices have been read by now."""
    _set_position(position)
    st.session_state[NOTICES] = []


# -- callbacks (they run before the script, so widgets show the new state) ------------------


def _pick_lesson(catalog: Catalog) -> None:
    lesson = catalog.get(st.session_state[LESSON_PICK])
    position = _position()
    if lesson is not None:
        _navigate(session.start(lesson, serial=position.serial + 1 if position else 0))


def _move(lesson: Lesson, delta: int) -> None:
    position = _position()
    if position is not None:
        _navigate(session.goto_step(position, lesson, position.step + delta))


def _pick_step(lesson: Lesson) -> None:
    position = _position()
    if position is not None:
        _navigate(session.goto_step(position, lesson, int(st.session_state[STEP_PICK])))


def _weights_changed() -> None:
    """Other weights mean other layers: start the view again from the same pointer."""
    position = _position()
    if position is not None:
        _set_position(replace(position, serial=position.serial + 1))


def _use_untrained() -> None:
    st.session_state[UNTRAINED] = True
    _weights_changed()


# -- the sidebar ------------------------------------------------------------------------------


def _sidebar(catalog: Catalog, current: tuple[Lesson, Position] | None, presenter: bool) -> None:
    st.markdown("## classroom")
    st.caption("How a convolutional network sees an image, layer by layer.")
    st.radio("Show", [LESSON_MODE, UPLOAD_MODE], key=MODE, horizontal=True)
    if current is not None:
        lesson, position = current
        titles = {item.id: item.title for item in catalog.lessons}
        st.session_state[LESSON_PICK] = lesson.id
        st.selectbox(
            "Lesson",
            list(titles),
            format_func=titles.__getitem__,
            key=LESSON_PICK,
            on_change=_pick_lesson,
            args=(catalog,),
        )
        if st.session_state.get(MODE) == LESSON_MODE:
            if not presenter:
                _step_buttons(lesson, position, presenter=False)
            _step_list(lesson, position)
    _broken_lessons(catalog)


def _step_buttons(lesson: Lesson, position: Position, *, presenter: bool) -> None:
    """Back and Next with the step count; PageUp/PageDown are what presenter remotes send.

    In the sidebar under a progress bar, one button per row (with its keyboard hint, a label
    needs the sidebar's whole width); in presenter mode (sidebar collapsed) as one row above
    the step.
    """
    count = len(lesson.steps)
    where = f"Step {position.step + 1} of {count}"
    if presenter:
        back, middle, forward = st.columns([1, 3, 1], vertical_alignment="center")
        middle.caption(f"{plain(lesson.title)} · {where.lower()}", text_alignment="center")
    else:
        st.progress((position.step + 1) / count, text=where)
        forward = back = st.container()
    forward.button(
        "Next",
        icon=":material/arrow_forward:",
        key="next",
        type="primary",
        on_click=_move,
        args=(lesson, 1),
        disabled=position.step == count - 1,
        shortcut="PageDown",
        width="stretch",
    )
    back.button(
        "Back",
        icon=":material/arrow_back:",
        key="previous",
        on_click=_move,
        args=(lesson, -1),
        disabled=position.step == 0,
        shortcut="PageUp",
        width="stretch",
    )


def _step_list(lesson: Lesson, position: Position) -> None:
    st.session_state[STEP_PICK] = position.step
    st.radio(
        "Steps",
        range(len(lesson.steps)),
        format_func=lambda index: f"{index + 1}. {lesson.steps[index].title}",
        key=STEP_PICK,
        on_change=_pick_step,
        args=(lesson,),
    )


def _broken_lessons(catalog: Catalog) -> None:
    if catalog.problem:
        st.error(f"No lessons: {plain(catalog.problem)}")
    if not catalog.broken:
        return
    count = len(catalog.broken)
    label = "1 lesson file did not load" if count == 1 else f"{count} lesson files did not load"
    with st.expander(label, icon=":material/warning:"):
        st.caption("Fix the file and the lesson appears here; `classroom check` says the same.")
        for broken in catalog.broken:
            st.markdown(f"**{plain(broken.path.name)}**")
            st.code(broken.problem, language=None, wrap_lines=True)


def _network(lesson: Lesson | None) -> None:
    """The model and weights in use, with untrained weights labelled so nobody misses it."""
    model = lesson.model if lesson else models.DEFAULT_ARCHITECTURE
    if _untrained():
        weights = models.untrained_weights(model).identity.label
    else:
        weights = _pretrained_label(model, lesson.weights if lesson else models.IMAGENET)
    st.markdown(f"**Network** {model}  \n**Weights** {plain(weights)}")
    st.toggle(
        "Untrained weights",
        key=UNTRAINED,
        on_change=_weights_changed,
        help="Seeded random weights (seed 0): what the architecture alone does, before training.",
    )
    if _untrained():
        st.warning(
            "Untrained weights: every panel shows a network with random weights, not one "
            "that learned from images.",
            icon=":material/casino:",
        )


def _pretrained_label(model: str, weights: str) -> str:
    if weights == models.UNTRAINED:
        return models.untrained_weights(model).identity.label
    file = _weights_file()
    try:
        resolved = models.resolve_weights(model, weights, weights_file=file, download=False)
    except models.WeightsUnavailableError:
        return f"{weights} (not on this machine)"
    except models.WeightsFileError:
        return f"{file.name if file else weights} (cannot be read)"
    label = resolved.identity.label
    return f"{label} (from --weights-file)" if file is not None else label


def _share(lesson: Lesson, position: Position, presenter: bool) -> None:
    query = urlencode(session.link_params(lesson, position, present=presenter))
    with st.expander("Share this view", icon=":material/link:"):
        st.caption("Opens this lesson and step with the same pointer, pin and lock.")
        st.code(f"{st.context.url or ''}?{query}", language=None, wrap_lines=True)


def _sync_link(lesson: Lesson, presenter: bool) -> None:
    """Keep the address bar a share link of what is on screen."""
    position = _position()
    if position is None or position.lesson_id != lesson.id:
        return
    wanted = session.link_params(lesson, position, present=presenter)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# -- preparation: progress, failures, missing weights -------------------------------------------


def _progress_text(prefix: str, state: Progress) -> str:
    text = f"{prefix}: {state.text}"
    if state.running_since is not None:
        text += f" ({time.monotonic() - state.running_since:.0f} s)"
    return text


@st.fragment(run_every=PROGRESS_INTERVAL)
def _preparing(jobs: Sequence[Job], pending: Sequence[Job], prefix: str) -> None:
    """The step's progress; reruns the page into the view once its features are ready."""
    state = progress(shared.worker(), jobs, pending)
    if state.finished:
        st.rerun(scope="app")
    st.progress(state.fraction, text=_progress_text(prefix, state))


def _retry(jobs: Sequence[Job]) -> None:
    shared.worker().retry(jobs)


def _show_problems(ready: Readiness) -> bool:
    """Explain why the view cannot be shown (weights, failures); True if it cannot."""
    weights = [failure for _, failure in ready.failed if failure.weights]
    if weights:
        _weights_problem(weights[0])
        return True
    if ready.failed:
        for job, failure in ready.failed:
            st.error(f"**{plain(job.name)}** could not be prepared: {plain(failure.message)}")
        st.button(
            "Try again",
            icon=":material/refresh:",
            on_click=_retry,
            args=([job for job, _ in ready.failed],),
        )
        return True
    return False


def _weights_problem(failure: Failure) -> None:
    """Weights that cannot be had or used: what, where from, and the way to continue now."""
    if failure.cause is Cause.WEIGHTS_UNAVAILABLE:
        st.warning(
            "**The pretrained weights this lesson uses are not on this machine, and they could "
            "not be downloaded.**"
        )
        advice = (
            "To use them, put that file where the message says (downloaded on any machine "
            "with internet), then reload this page."
        )
    else:
        st.warning("**The weights this lesson would use cannot be used.**")
        advice = (
            "To use other weights, start classroom with a weights file for this lesson's "
            "network (`--weights-file`), or without one to use the pretrained weights."
        )
    st.code(failure.message, language=None, wrap_lines=True)
    st.markdown(
        f"{advice} Or continue now with untrained weights: the view then shows what the "
        "architecture alone does, and says so on every panel."
    )
    st.button(
        "Continue with untrained weights",
        icon=":material/casino:",
        type="primary",
        on_click=_use_untrained,
    )


def _prepare_rest(ready: Readiness, step_jobs: Collection[Job], slot: DeltaGenerator) -> None:
    """Queue the rest of the lesson behind the current step; its progress goes in the sidebar."""
    rest = [job for job in ready.pending if job not in step_jobs]
    shared.worker().submit(rest, urgent=False)
    with slot:
        if rest:  # while the step itself is pending, the main area already shows progress
            _preparing([*ready.prepared, *ready.pending], ready.pending, "Preparing this lesson")
        for job, failure in ready.failed:
            if not failure.weights:  # the step itself explains weights problems, once
                st.caption(f":material/error: {plain(job.name)}: {plain(failure.message)}")


# -- the view ---------------------------------------------------------------------------------


def _draw_view(
    view_id: str,
    layers: Sequence[PreparedLayer],
    image: PreparedImage,
    pointer: Pointer,
    *,
    presenter: bool,
    caption: str,
) -> ViewEvent | None:
    """The multi-layer similarity view; returns the user's latest deliberate action, once.

    One key for every view of the session: while the view stays on the page, the browser
    keeps the feature data it fetched across steps, lessons and uploads. (A step still being
    prepared shows a progress bar instead; the view that follows fetches again, from the
    browser's cache, since the files are served as immutable.)
    """
    # Panels that resolve to the same entry (two weights made equal by untrained mode) once.
    unique = list({layer.entry_id: layer for layer in layers}.values())
    args = view_args(
        view_id,
        unique,
        preset=session.view_state(pointer, image.original_size, image.size),
        presenter=presenter,
        caption=caption,
    )
    return similarity_view(args, key="view")


def _lesson_view(
    lesson: Lesson,
    position: Position,
    step_jobs: dict[str, Job],
    ready: Readiness,
    *,
    presenter: bool,
) -> None:
    step = lesson.steps[position.step]
    prepared = {weights: ready.prepared[job] for weights, job in step_jobs.items()}
    layers = [prepared[panel.weights].layers[panel.layer] for panel in step.panels]
    image = prepared[step.panels[0].weights]
    if _untrained() and len({panel.weights for panel in step.panels}) > 1:
        st.info(
            "This step compares weights, but this session uses untrained weights for every "
            "panel, so those panels are the same."
        )
    lesson_image = lesson.image(step.image)
    event = _draw_view(
        position.view_id(lesson),
        layers,
        image,
        position.pointer,
        presenter=presenter,
        caption=lesson_image.caption,
    )
    if event is not None:
        moved = session.apply_event(position, lesson, event, image.original_size, image.size)
        if event.kind == "step":
            _navigate(moved)
            st.rerun()
        _set_position(moved)
    st.caption(f"Image: {plain(lesson_image.attribution)}")


def _question(question: Question, key: str) -> None:
    """The prompt stays visible; hint and answer are revealed on demand, per step visit."""
    with st.container(border=True):
        st.markdown(f"**Question.** {question.prompt}")
        hint = question.hint is not None and st.toggle("Show hint", key=f"hint/{key}")
        answer = question.answer is not None and st.toggle("Show answer", key=f"answer/{key}")
        if hint and question.hint is not None:
            st.info(question.hint, icon=":material/lightbulb:")
        if answer and question.answer is not None:
            st.success(question.answer, icon=":material/check_circle:")


# -- the pages --------------------------------------------------------------------------------


def _lesson_page(
    lesson: Lesson,
    position: Position,
    presenter: bool,
    rest_slot: DeltaGenerator,
) -> None:
    step = lesson.steps[position.step]
    count = len(lesson.steps)
    for notice in st.session_state.get(NOTICES, []):
        st.info(plain(notice), icon=":material/link_off:")
    if presenter:
        _step_buttons(lesson, position, presenter=True)
    else:
        st.caption(f"{plain(lesson.title)} · step {position.step + 1} of {count}")
    st.header(step.title, anchor=False)
    if _untrained():
        st.badge("Untrained weights", icon=":material/casino:", color="orange")
    if position.step == 0 and lesson.summary:
        st.markdown(f"*{lesson.summary.strip()}*")
    st.markdown(step.text)

    jobs = LessonJobs.of(
        lesson,
        untrained=_untrained(),
        store_root=FeatureStore().root,
        weights_file=_weights_file(),
    )
    step_jobs = jobs.for_step(step)
    ready = readiness(jobs.jobs, shared.prepared_cache(), shared.worker())
    step_ready = ready.only(step_jobs.values())
    if not _show_problems(step_ready):
        if step_ready.pending:
            shared.worker().submit(step_ready.pending, urgent=True)
            _preparing(list(step_jobs.values()), step_ready.pending, "Preparing this step")
        else:
            _lesson_view(lesson, position, step_jobs, step_ready, presenter=presenter)
    if step.question is not None:
        _question(step.question, position.view_id(lesson))
    _prepare_rest(ready, step_jobs.values(), rest_slot)


def _accept(file: UploadedFile, lesson: Lesson | None) -> None:
    """Check a newly uploaded file once (reruns see the same file again)."""
    if st.session_state.get(UPLOAD_SEEN) == file.file_id:
        return
    st.session_state[UPLOAD_SEEN] = file.file_id
    st.session_state[UPLOAD_ERROR] = None
    max_side = lesson.max_side if lesson else images.DEFAULT_MAX_SIDE
    try:
        upload = accept_upload(file.name, file.getvalue(), FeatureStore(), max_side=max_side)
    except UploadError as error:
        st.session_state[UPLOAD_ERROR] = str(error)
        return
    st.session_state[UPLOAD] = upload
    st.session_state[UPLOAD_POINTER] = Pointer()
    st.session_state[UPLOAD_SERIAL] = st.session_state.get(UPLOAD_SERIAL, 0) + 1


def _own_image_page(lesson: Lesson | None, presenter: bool) -> None:
    model = lesson.model if lesson else models.DEFAULT_ARCHITECTURE
    st.header("Your own image", anchor=False)
    st.markdown(
        f"Explore a picture of your own with the network of the current lesson ({model}). "
        "It stays in this browser session: nobody else sees it."
    )
    file = st.file_uploader(
        "Upload a picture",
        type=list(UPLOAD_TYPES),
        max_upload_size=MAX_UPLOAD_MB,
        key=UPLOAD_FILE,
        help=f"PNG, JPEG, TIFF, WebP, GIF or BMP; at most {MAX_UPLOAD_MB} MB and "
        f"{MAX_UPLOAD_PIXELS // 1_000_000} million pixels.",
    )
    if file is not None:
        _accept(file, lesson)
        error = st.session_state.get(UPLOAD_ERROR)
        if error:
            st.error(plain(error), icon=":material/block:")
    upload: Upload | None = st.session_state.get(UPLOAD)
    if upload is None:
        return
    job = Job(upload_request(upload, lesson), _untrained(), FeatureStore().root, _weights_file())
    worker = shared.worker()
    ready = readiness([job], shared.prepared_cache(), worker)
    if _show_problems(ready):
        return
    if ready.pending:
        worker.submit(ready.pending, urgent=True)
        _preparing([job], ready.pending, f"Extracting features of {upload.name}")
        return
    image = ready.prepared[job]
    pointer: Pointer = st.session_state.get(UPLOAD_POINTER, Pointer())
    event = _draw_view(
        f"upload/{upload.path.stem}/{st.session_state.get(UPLOAD_SERIAL, 0)}",
        list(image.layers.values()),
        image,
        pointer,
        presenter=presenter,
        caption=upload.name,
    )
    if event is not None and event.kind != "step":
        st.session_state[UPLOAD_POINTER] = session.pointer_from_view(
            event.state, image.original_size, image.size
        )


def _no_lessons(catalog: Catalog) -> None:
    st.header("No lessons to show", anchor=False)
    st.markdown(
        f"classroom looks for lesson files (`*.yaml`) in `{plain(str(catalog.directory))}`. "
        "Start it with `classroom run --lessons DIR` to use another directory; "
        "`docs/lessons.md` explains how to write one."
    )


def main() -> None:
    # An emoji icon is drawn in the page; a Material icon would be fetched from Google's
    # servers by every browser, which fails (a console error) in a classroom offline.
    st.set_page_config(page_title="classroom", page_icon="👁️", layout="wide")
    # The first session of a process loads the lessons (and torchvision): seconds, not a blank.
    with st.spinner("Opening the lessons...", show_time=True):
        shared.maintained_store(str(FeatureStore().root))
        catalog = shared.lesson_catalog(str(lessons_dir_default())).snapshot()
    if POSITION not in st.session_state:
        _start_session(catalog)
    current = _current(catalog)
    presenter = bool(st.session_state.get(PRESENTER))
    st.set_page_config(initial_sidebar_state="collapsed" if presenter else "auto")
    if presenter:
        st.html(_PRESENTER_CSS)

    with st.sidebar:
        _sidebar(catalog, current, presenter)
        rest_slot = st.container()
        st.divider()
        _network(current[0] if current else None)
        st.toggle(
            "Presenter mode",
            key=PRESENTER,
            help="Larger type and the sidebar collapsed; PageDown and PageUp change steps.",
        )
        # Filled after the page: a pin, lock or release from the view moves the position.
        share_slot = st.container()

    lesson = current[0] if current else None
    if st.session_state.get(MODE) == UPLOAD_MODE:
        _own_image_page(lesson, presenter)
    elif current is None:
        _no_lessons(catalog)
    else:
        _lesson_page(current[0], current[1], presenter, rest_slot)
    if lesson is not None:
        _sync_link(lesson, presenter)
    if current is not None:
        position = _position()
        if position is None or position.lesson_id != current[0].id:
            position = current[1]
        with share_slot:
            _share(current[0], position, presenter)


main()
