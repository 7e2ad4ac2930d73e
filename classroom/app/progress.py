"""Preparation as the page shows it: progress, failures, missing weights."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from classroom import shared
from classroom.app.state import PROGRESS_INTERVAL, plain, use_untrained
from classroom.background import Job, Progress, Readiness, progress
from classroom.preparation import Cause, Failure

__all__ = [
    "prepare_rest",
    "preparing",
    "progress_text",
    "retry",
    "show_problems",
    "weights_problem",
]


# -- preparation: progress, failures, missing weights -------------------------------------------


def progress_text(prefix: str, state: Progress) -> str:
    text = f"{prefix}: {state.text}"
    if state.running_since is not None:
        text += f" ({time.monotonic() - state.running_since:.0f} s)"
    return text


@st.fragment(run_every=PROGRESS_INTERVAL)
def preparing(jobs: Sequence[Job], pending: Sequence[Job], prefix: str) -> None:
    """The step's progress; reruns the page into the view once its features are ready."""
    state = progress(shared.worker(), jobs, pending)
    if state.finished:
        st.rerun(scope="app")
    st.progress(state.fraction, text=progress_text(prefix, state))


def retry(jobs: Sequence[Job]) -> None:
    shared.worker().retry(jobs)


def show_problems(ready: Readiness) -> bool:
    """Explain why the view cannot be shown (weights, failures); True if it cannot."""
    weights = [failure for _, failure in ready.failed if failure.weights]
    if weights:
        weights_problem(weights[0])
        return True
    if ready.failed:
        for job, failure in ready.failed:
            st.error(f"**{plain(job.name)}** could not be prepared: {plain(failure.message)}")
        st.button(
            "Try again",
            icon=":material/refresh:",
            on_click=retry,
            args=([job for job, _ in ready.failed],),
        )
        return True
    return False


def weights_problem(failure: Failure) -> None:
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
        on_click=use_untrained,
    )


def prepare_rest(ready: Readiness, step_jobs: Collection[Job], slot: DeltaGenerator) -> None:
    """Queue the rest of the lesson behind the current step; its progress goes in the sidebar."""
    rest = [job for job in ready.pending if job not in step_jobs]
    shared.worker().submit(rest, urgent=False)
    with slot:
        if rest:  # while the step itself is pending, the main area already shows progress
            preparing([*ready.prepared, *ready.pending], ready.pending, "Preparing this lesson")
        for job, failure in ready.failed:
            if not failure.weights:  # the step itself explains weights problems, once
                st.caption(f":material/error: {plain(job.name)}: {plain(failure.message)}")
