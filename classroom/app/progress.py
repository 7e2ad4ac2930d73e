"""Preparation as the page shows it: progress, failures, missing weights.

A lesson step and an upload get the same feedback: what is being done (by the picture's title,
never an id), a bar that fills with a percentage, and the time left. While it waits, a page
renews its session's interest in the jobs (:meth:`PreparationWorker.want`): work that nobody
waits for is dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from classroom import networks, shared
from classroom.app.guard import guarded
from classroom.app.state import (
    PROGRESS_INTERVAL,
    open_lesson,
    plain,
    session_owner,
    use_untrained,
)
from classroom.background import Job, Progress, Readiness, progress
from classroom.lessons import Lesson
from classroom.preparation import Cause, Failure
from classroom.settings import lessons_dir_default

__all__ = [
    "REST",
    "STEP",
    "duration_text",
    "offline_lessons",
    "prepare_rest",
    "preparing",
    "progress_text",
    "retry",
    "show_problems",
    "want",
    "weights_problem",
]

#: The slots a session wants jobs in: what is on its screen (urgent), and the rest of its lesson.
STEP = "step"
REST = "rest"


def want(slot: str, jobs: Collection[Job]) -> None:
    """This session now wants ``jobs`` in ``slot`` (``STEP`` urgently), instead of before."""
    shared.worker().want(session_owner(), slot, jobs, urgent=slot == STEP)


def duration_text(seconds: float) -> str:
    """``about 8 s``, ``about 3 min``: an estimate, rounded as one."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    return f"about {round(seconds / 60)} min"


def progress_text(prefix: str, state: Progress) -> str:
    """``Preparing this step: computing conv2_x, conv3_x · 40 % · about 3 s left`` (Markdown;
    ``prefix`` is Markdown too)."""
    text = prefix
    if state.total > 1:
        text += f" ({state.completed} of {state.total} pictures ready)"
    doing = state.stage
    if state.current is not None and state.total > 1:
        doing = f"{state.current.shown}: {doing}"
    text += f": {plain(doing)} · {round(100 * state.fraction)} %"
    if not state.finished:
        text += f" · {duration_text(state.seconds_left)} left"
    return text


@st.fragment(run_every=PROGRESS_INTERVAL)
def preparing(jobs: Sequence[Job], pending: Sequence[Job], prefix: str, slot: str) -> None:
    """The progress of ``pending`` (of ``jobs``); reruns the page once they are ready.

    Each run renews this session's interest in the jobs still waiting, and wants again any
    that were dropped meanwhile (a tab hidden for long, whose timer slowed down).
    """
    with guarded("the progress"):
        worker = shared.worker()
        state = progress(worker, jobs, pending)
        if state.finished:
            st.rerun(scope="app")
        waiting = [
            job for job in pending if (status := worker.status(job)) is None or not status.finished
        ]
        want(slot, waiting)
        st.progress(min(state.fraction, 1.0), text=progress_text(prefix, state))


def retry(jobs: Sequence[Job]) -> None:
    shared.worker().retry(jobs)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def show_problems(ready: Readiness, also_retry: Collection[Job] = ()) -> bool:
    """Explain why the view cannot be shown (weights, failures); True if it cannot.

    **Try again** forgets these failures and those of ``also_retry`` (the rest of the lesson,
    which often failed for the same reason, a read-only store say).
    """
    weights = [failure for _, failure in ready.failed if failure.weights]
    if weights:
        weights_problem(weights[0])
        return True
    if ready.failed:
        for job, failure in ready.failed:
            st.error(
                f"**{plain(_sentence(job.shown))} could not be prepared.** {plain(failure.message)}"
            )
        failed = [job for job, _ in ready.failed]
        st.button(
            "Try again",
            icon=":material/refresh:",
            on_click=retry,
            args=([*failed, *(job for job in also_retry if job not in failed)],),
        )
        return True
    return False


def offline_lessons() -> list[Lesson]:
    """The lessons whose network ships its weights with classroom (the shapes network's):
    what a classroom without the pretrained weights can still open."""
    catalog = shared.lesson_catalog(str(lessons_dir_default())).snapshot()
    return [
        lesson
        for lesson in catalog.lessons
        if networks.ships_weights(lesson.network, lesson.weights)
    ]


def _offer_offline_lessons() -> None:
    """Lessons that need no download, each with what its network is."""
    lessons = offline_lessons()
    if not lessons:
        return
    st.markdown(
        "Or open a lesson on a network that classroom trained itself and ships with it: it "
        "needs no download. It was trained on pictures classroom draws (circles, squares, "
        "triangles, stars and crosses on textured backgrounds), so its lessons show such "
        "pictures, not this lesson's."
    )
    for lesson in lessons:
        architecture = networks.architecture(lesson.model)
        weights = architecture.weights(lesson.weights).shown
        st.button(
            f"Open “{plain(lesson.title)}”",
            key=f"offline/{lesson.id}",
            icon=":material/school:",
            help=f"{architecture.title}, {weights}",
            on_click=open_lesson,
            args=(lesson,),
        )


def weights_problem(failure: Failure) -> None:
    """Weights that cannot be had or used: what, where from, and the ways to continue now
    (untrained weights, or a lesson on a network whose weights ship with classroom)."""
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
        on_click=use_untrained,
    )
    if failure.cause is Cause.WEIGHTS_UNAVAILABLE:
        _offer_offline_lessons()


def prepare_rest(ready: Readiness, step_jobs: Collection[Job], slot: DeltaGenerator) -> None:
    """Want the rest of the lesson behind the current step; its progress goes in the sidebar."""
    rest = [job for job in ready.pending if job not in step_jobs]
    want(REST, rest)
    with slot:
        if rest:  # while the step itself is pending, the main area already shows progress
            preparing(
                [*ready.prepared, *ready.pending], ready.pending, "Preparing this lesson", REST
            )
        for job, failure in ready.failed:
            if not failure.weights:  # the step itself explains weights problems, once
                st.caption(
                    f":material/error: {plain(_sentence(job.shown))} could not be prepared: "
                    f"{plain(failure.message)}"
                )
