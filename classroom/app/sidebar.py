"""The sidebar: lesson picker, steps, the network and its weights, the share link."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from classroom import networks, session
from classroom.app.state import (
    COLLECTIONS_MODE,
    LESSON_MODE,
    LESSON_PICK,
    MODE,
    NAVIGATOR,
    UNTRAINED,
    UPLOAD_MODE,
    link_weights,
    pick_lesson,
    pick_step,
    plain,
    session_position,
    session_weights_file,
    uses_untrained,
    weights_changed,
)
from classroom.catalog import Catalog
from classroom.component.copy_link import copy_link_button
from classroom.component.navigator import step_navigator
from classroom.component.navigator_contract import NavigatorArgs
from classroom.lessons import Lesson
from classroom.session import Position

__all__ = [
    "broken_lessons",
    "network_panel",
    "pretrained_label",
    "share_box",
    "sidebar",
    "step_buttons",
    "step_list",
    "sync_link",
    "untrained_label",
]


# -- the sidebar ------------------------------------------------------------------------------


def sidebar(catalog: Catalog, current: tuple[Lesson, Position] | None, presenter: bool) -> None:
    st.markdown("## classroom")
    st.caption("How a convolutional network sees an image, layer by layer.")
    st.radio("Show", [LESSON_MODE, UPLOAD_MODE, COLLECTIONS_MODE], key=MODE, horizontal=True)
    if current is not None:
        lesson, position = current
        titles = {item.id: item.title for item in catalog.lessons}
        # Only a pick changes the lesson (links are read before the picker exists), so the
        # value the browser sends back is never an old one.
        st.session_state[LESSON_PICK] = lesson.id
        st.selectbox(
            "Lesson",
            list(titles),
            format_func=titles.__getitem__,
            key=LESSON_PICK,
            on_change=pick_lesson,
            args=(catalog,),
        )
        if st.session_state.get(MODE) == LESSON_MODE:
            if not presenter:
                step_buttons(lesson, position, presenter=False)
            step_list(lesson, position)
    broken_lessons(catalog)


def step_buttons(lesson: Lesson, position: Position, *, presenter: bool) -> None:
    """Back and Next with the step count; PageUp/PageDown are what presenter remotes send.

    Counted in the browser (:mod:`classroom.component.navigator`), so no press is lost however
    fast they come; :func:`~classroom.app.state.apply_step_presses` moves by them. In the
    sidebar a column; in presenter mode (sidebar collapsed) one row above the step.
    """
    args = NavigatorArgs(
        step=position.step,
        count=len(lesson.steps),
        lesson_title=lesson.title,
        presenter=presenter,
    )
    step_navigator(args, key=NAVIGATOR)


def step_list(lesson: Lesson, position: Position) -> None:
    """Every step, to jump to; the one on screen marked.

    Buttons, not a radio: a radio whose value follows Back and Next sends back the value it last
    showed with every rerun, and before the page has caught up with a Next that old value
    looked like a pick of the previous step and moved back. A button only says it was clicked.
    """
    st.caption("Steps")
    for index, step in enumerate(lesson.steps):
        here = index == position.step
        st.button(
            f"{index + 1}. {step.title}",
            key=f"goto/{index}",
            type="secondary" if here else "tertiary",
            icon=":material/play_arrow:" if here else None,
            on_click=pick_step,
            args=(lesson, index),
            width="stretch",
        )


def broken_lessons(catalog: Catalog) -> None:
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


def network_panel(lesson: Lesson | None) -> None:
    """The model and weights in use, with untrained weights labelled so nobody misses it."""
    network = lesson.network if lesson else networks.NetworkChoice()
    if uses_untrained():
        weights = untrained_label(network)
    else:
        weights = pretrained_label(network, lesson.weights if lesson else networks.IMAGENET)
    st.markdown(f"**Network** {plain(network.title)}  \n**Weights** {plain(weights)}")
    st.toggle(
        "Untrained weights",
        key=UNTRAINED,
        on_change=weights_changed,
        help="Seeded random weights (seed 0): what the architecture alone does, before training.",
    )
    if uses_untrained():
        st.warning(
            "Untrained weights: every panel shows a network with random weights, not one "
            "that learned from images.",
            icon=":material/casino:",
        )


def untrained_label(network: networks.NetworkChoice) -> str:
    if network.model_file is not None:
        return "none: a model file has no untrained version"
    return networks.untrained_weights(network).identity.label


def pretrained_label(network: networks.NetworkChoice, weights: str) -> str:
    if weights == networks.UNTRAINED:
        return untrained_label(network)
    file = session_weights_file()
    try:
        resolved = networks.resolve_weights(network, weights, weights_file=file, download=False)
    except networks.WeightsUnavailableError:
        return f"{weights} (not on this machine)"
    except networks.WeightsFileError:
        return f"{file.name if file else weights} (cannot be read)"
    label = resolved.identity.label
    own = networks.is_weights_file(weights) or network.model_file is not None
    return f"{label} (from --weights-file)" if file is not None and not own else label


def share_box(lesson: Lesson, position: Position, presenter: bool) -> None:
    params = session.link_params(lesson, position, present=presenter, untrained=link_weights())
    query = urlencode(params)
    address = f"{st.context.url or ''}?{query}"
    with st.expander("Share this view", icon=":material/link:"):
        st.caption("Opens this lesson and step with the same weights, pointer, pin and lock.")
        # A link, not st.code: a code block makes every browser load and run Streamlit's
        # syntax highlighter (1.5 MB of JavaScript, about 0.5 s of the page's main thread on
        # 2 cores) before the view's frame exists, on every open (issue 13).
        st.markdown(f"[{plain(address)}](<{address}>)")
        copy_link_button(address, key="share-copy")


def sync_link(lesson: Lesson, presenter: bool) -> None:
    """Keep the address bar a share link of what is on screen."""
    position = session_position()
    if position is None or position.lesson_id != lesson.id:
        return
    wanted = session.link_params(lesson, position, present=presenter, untrained=link_weights())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
