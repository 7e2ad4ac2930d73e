"""A lesson step: its text, the multi-layer view, its question."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from classroom import session, shared
from classroom.app.channel_images import ask_for_channel, asked_channel, channel_images
from classroom.app.collection_page import collection_view
from classroom.app.progress import STEP, prepare_rest, preparing, show_problems, want
from classroom.app.sidebar import step_buttons
from classroom.app.state import (
    NOTICES,
    navigate,
    plain,
    session_weights_file,
    set_session_position,
    uses_untrained,
    view_key,
)
from classroom.app.technique_panels import step_techniques, technique_picker, view_maps
from classroom.app.view_panels import activations_choice
from classroom.background import Job, LessonJobs, Readiness, readiness
from classroom.catalog import Catalog
from classroom.component import across_panel, similarity_view, view_args
from classroom.component.contract import AcrossPanel, MapPanel, TilesPanel, ViewEvent
from classroom.lessons import Lesson, Question, Step
from classroom.preparation import PreparedImage
from classroom.session import Pointer, Position
from classroom.similarity import Metric
from classroom.store import FeatureStore, PreparedLayer

__all__ = ["draw_view", "lesson_page", "lesson_view", "no_lessons", "question_box"]


# -- the view ---------------------------------------------------------------------------------


def draw_view(
    view_id: str,
    layers: Sequence[PreparedLayer],
    image: PreparedImage,
    pointer: Pointer,
    *,
    presenter: bool,
    caption: str,
    page: str,
    metric: Metric = "angular",
    maps: Sequence[MapPanel | TilesPanel] = (),
    across: Sequence[AcrossPanel] = (),
) -> ViewEvent | None:
    """The multi-layer similarity view; returns the user's latest deliberate action, once.

    One key while the view stays on ``page``: the browser keeps the feature data it fetched
    across steps and lessons. (A step still being prepared shows a progress bar instead; the
    view that follows is a new frame, see :func:`~classroom.app.state.view_key`, and fetches
    again, from the browser's cache, since the files are served as immutable.)

    ``maps`` are technique maps shown under the view (``classroom.component.result_panels``
    makes them from a technique's result); the activation maps of a layer are the menu's.
    ``across`` are other images the reference pixel lights up (:func:`across_panel`).
    """
    # Panels that resolve to the same entry (two weights made equal by untrained mode) once.
    unique = list({layer.entry_id: layer for layer in layers}.values())
    names = list(dict.fromkeys(layer.header.key.layer for layer in unique))
    args = view_args(
        view_id,
        unique,
        preset=session.view_state(pointer, image.original_size, image.size),
        presenter=presenter,
        caption=caption,
        metric=metric,
        extra_panels=[*maps, *across, *activations_choice(names, key=f"{page}/activations")],
    )
    return similarity_view(args, key=view_key(page))


def lesson_view(
    lesson: Lesson,
    position: Position,
    step_jobs: dict[str, Job],
    ready: Readiness,
    *,
    presenter: bool,
    maps: Sequence[MapPanel | TilesPanel] = (),
    across_jobs: Sequence[Job] = (),
) -> None:
    """The step's view, with ``maps`` (its techniques' map panels) under the layers and the
    other images ``across_jobs`` prepared lit up by its reference pixel (the step's ``across``)."""
    step = lesson.steps[position.step]
    prepared = {weights: ready.prepared[job] for weights, job in step_jobs.items()}
    layers = [prepared[panel.weights].layers[panel.layer] for panel in step.panels]
    image = prepared[step.panels[0].weights]
    if uses_untrained() and len({panel.weights for panel in step.panels}) > 1:
        st.info(
            "This step compares weights, but this session uses untrained weights for every "
            "panel, so those panels are the same."
        )
    lesson_image = lesson.image(step.image)
    view_id = position.view_id(lesson)
    event = draw_view(
        view_id,
        layers,
        image,
        position.pointer,
        presenter=presenter,
        caption=lesson_image.caption,
        page="lesson",
        metric=step.metric,
        maps=maps,
        across=_across(
            lesson,
            step,
            [ready.prepared[job] for job in across_jobs],
            [job.shown for job in across_jobs],
        ),
    )
    if event is not None:
        moved = session.apply_event(position, lesson, event, image.original_size, image.size)
        if event.kind == "step":
            navigate(moved)
            st.rerun()
        if event.kind == "channel":
            ask_for_channel(view_id, event.layer, event.channel)
        set_session_position(moved)
    st.caption(f"Image: {plain(lesson_image.attribution)}")
    asked_channel(lesson, view_id, {layer.header.key.layer: layer for layer in layers})


def _across(
    lesson: Lesson, step: Step, others: Sequence[PreparedImage], titles: Sequence[str]
) -> list[AcrossPanel]:
    """The step's other images lit up by its reference pixel (``across:``), if it has some:
    lesson images under their captions, a collection's images under their jobs' titles."""
    if step.across is None or not others:
        return []
    layer = step.across.layer
    captions = (
        list(titles)
        if step.across.collection is not None
        else [lesson.image(image).caption or image for image in step.across.images]
    )
    return [across_panel(layer, [other.layers[layer] for other in others], captions=captions)]


def question_box(question: Question, key: str) -> None:
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


def lesson_page(
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
        step_buttons(lesson, position, presenter=True)
    else:
        st.caption(f"{plain(lesson.title)} · step {position.step + 1} of {count}")
    st.header(step.title, anchor=False)
    if uses_untrained():
        st.badge("Untrained weights", icon=":material/casino:", color="orange")
    if position.step == 0 and lesson.summary:
        st.markdown(f"*{lesson.summary.strip()}*")
    st.markdown(step.text)
    if step.view is not None:  # a collection across the network, not one image
        collection = lesson.collections[step.view.collection]
        view_key = position.view_id(lesson)
        collection_view(collection, lesson.model, step.view, view_key, FeatureStore().root)
        if step.question is not None:
            question_box(step.question, view_key)
        return

    jobs = LessonJobs.of(
        lesson,
        untrained=uses_untrained(),
        store_root=FeatureStore().root,
        weights_file=session_weights_file(),
    )
    step_jobs = jobs.for_step(step)
    across_jobs = jobs.across(step)
    ready = readiness(jobs.jobs, shared.prepared_cache(), shared.worker())
    step_ready = ready.only([*step_jobs.values(), *across_jobs])
    want(STEP, step_ready.pending)
    if not show_problems(step_ready, also_retry=[job for job, _ in ready.failed]):
        if step_ready.pending:
            preparing(
                [*step_jobs.values(), *across_jobs], step_ready.pending, "Preparing this step", STEP
            )
        else:
            # The techniques are computed first (their maps are panels of the view), and drawn
            # under it: the view goes into a slot above them.
            view_slot = st.container()
            results = step_techniques(lesson, step)
            picked = technique_picker(
                lesson,
                lesson.image(step.image).path,
                position.pointer.reference
                or (session.Point(*step.reference) if step.reference else None),
                position.view_id(lesson),
            )
            with view_slot:
                lesson_view(
                    lesson,
                    position,
                    step_jobs,
                    step_ready,
                    presenter=presenter,
                    maps=view_maps([*results, picked]),
                    across_jobs=across_jobs,
                )
            channel_images(lesson, list(dict.fromkeys(panel.layer for panel in step.panels)))
    if step.question is not None:
        question_box(step.question, position.view_id(lesson))
    prepare_rest(ready, [*step_jobs.values(), *across_jobs], rest_slot)


def no_lessons(catalog: Catalog) -> None:
    st.header("No lessons to show", anchor=False)
    st.markdown(
        f"classroom looks for lesson files (`*.yaml`) in `{plain(str(catalog.directory))}`. "
        "Start it with `classroom run --lessons DIR` to use another directory; "
        "`docs/lessons.md` explains how to write one."
    )
