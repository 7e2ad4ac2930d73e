""" "What does this channel want to see?": one click generates a channel's image and facets.

Beside the view: choose a layer of the step and a channel (the channel found in the view, the
activation grid or the bar chart), and the app's generation worker runs activation
maximization in the background. While it runs, a progress bar and a live preview of the facets
update every second; when it is done, the facets sit next to the collection's images that
activate the channel most. Results come from the store when anyone asked before. The same
one click sits under a collection's top patches of a channel (:func:`channel_generation`).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from classroom import shared
from classroom.app.state import uses_untrained
from classroom.background import GenerationJob, GenerationStatus
from classroom.lessons import Lesson
from classroom.maximization import Settings
from classroom.networks import registry
from classroom.store import FeatureStore

__all__ = ["channel_generation", "channel_images", "channel_job"]

_JOB = "channel-images/job"
#: Gradient steps per image: enough for the shapes network's channels to take shape.
STEPS = 128


def channel_job(lesson: Lesson, layer: str, channel: int, facets: int) -> GenerationJob:
    """The job for one channel of the lesson's network, with the network's image size."""
    weights = "untrained" if uses_untrained() else lesson.weights
    return _job(lesson.model, weights, layer, channel, facets)


def _job(model: str, weights: str, layer: str, channel: int, facets: int) -> GenerationJob:
    from classroom.techniques.maximize import default_size

    settings = Settings(steps=STEPS, size=default_size(model), facets=facets)
    return GenerationJob(model, weights, f"channel:{layer}:{channel}", settings)


def _worker_status(job: GenerationJob) -> GenerationStatus:
    worker = shared.generation_worker(str(FeatureStore().root))
    return worker.status(job) or worker.request(job)


def _show(job: GenerationJob) -> None:
    status = _worker_status(job)
    if status.error is not None:
        st.error(f"Could not generate the image: {status.error}")
        return
    result = status.result
    if result is None:
        st.progress(status.fraction, text=f"Gradient ascent: step {status.step} of {status.steps}")
        if status.preview is not None:
            st.image(list(status.preview), width=160, caption=["preview"] * len(status.preview))
        return
    st.markdown(f"**What {result.target.shown} wants to see** (seed {job.settings.seed})")
    captions = [
        f"{start}: {value:.2f}" for start, value in zip(result.starts, result.values, strict=True)
    ]
    st.image(list(result.images), width=160, caption=captions)
    if result.top_names:
        st.markdown("**The collection's images that activate it most**")
        tops = [
            f"{name}: {value:.2f}"
            for name, value in zip(result.top_names, result.top_values, strict=True)
        ]
        st.image(list(result.top_images), width=96, caption=tops)


@st.fragment(run_every=1.0)
def _live(job: GenerationJob) -> None:
    """Polls the worker every second until the job is done, then redraws the page once."""
    _show(job)
    if _worker_status(job).finished:
        st.rerun()


def _follow(job: GenerationJob) -> None:
    """The job's result, or its progress and live preview until it is done."""
    if _worker_status(job).finished:
        _show(job)
    else:
        _live(job)


def channel_generation(model: str, weights: str, layer: str, channel: int, key: str) -> None:
    """One click asks for a channel's generated image, shown where the click was (beside a
    collection's top patches of that channel); ``key`` tells apart the places that ask."""
    job = _job(model, weights, layer, channel, facets=2)
    asked = st.session_state.get(key)
    if st.button(
        f"Generate channel {channel}'s image", key=f"{key}/button", icon=":material/auto_awesome:"
    ):
        st.session_state[key] = asked = job
    if asked == job:  # another channel or layer chosen since: its own button asks again
        _follow(job)


def channel_images(lesson: Lesson, layers: Sequence[str]) -> None:
    """The expander that asks for a channel's generated image (not for a lesson's own model
    file, whose layers the registry does not know)."""
    if lesson.model_file is not None or not layers:
        return
    job: GenerationJob | None = st.session_state.get(_JOB)
    with st.expander("What does a channel want to see?", expanded=job is not None):
        left, middle, right = st.columns(3)
        layer = left.selectbox("Layer", list(layers), key="channel-images/layer")
        channels = registry.layer(lesson.model, layer).channels
        channel = middle.number_input(
            "Channel", min_value=0, max_value=channels - 1, value=0, key="channel-images/channel"
        )
        facets = right.slider("Facets", 1, 4, 2, key="channel-images/facets")
        if st.button("Generate its image", icon=":material/auto_awesome:"):
            job = channel_job(lesson, layer, int(channel), facets)
            st.session_state[_JOB] = job
        if job is not None:
            _follow(job)
