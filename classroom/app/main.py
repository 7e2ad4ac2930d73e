"""The Streamlit page script: the sidebar, then the lesson step or the upload page.

``classroom/server.py`` mounts this script; AppTest runs it directly. Each part of the page is
a module of :mod:`classroom.app`; this one only lays them out.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from classroom import shared
from classroom.app.collection_across import collection_across
from classroom.app.collection_page import collections_page
from classroom.app.guard import guarded
from classroom.app.lesson_page import lesson_page, no_lessons
from classroom.app.sidebar import network_panel, share_box, sidebar, sync_link
from classroom.app.state import (
    COLLECTIONS_MODE,
    MODE,
    POSITION,
    PRESENTER,
    UPLOAD_MODE,
    apply_navigator,
    current_lesson,
    finish_run,
    session_position,
    start_session,
)
from classroom.app.upload_page import own_image_page
from classroom.settings import lessons_dir_default
from classroom.store import FeatureStore

_PRESENTER_CSS: Final = """
<style>
  /* Clear of Streamlit's header (3.75rem, opaque): less hides the Back/Next row under it. */
  [data-testid="stMainBlockContainer"] {
    padding: 4rem 1.5rem 2rem; max-width: 100%;
  }
  /* Title, text and view share one screen: less air between them. */
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
  [data-testid="stHeading"] h2 { padding: 0.25rem 0; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
    font-size: 1.5rem; line-height: 1.45;
  }
  [data-testid="stHeading"] h1 { font-size: 2.6rem; }
  [data-testid="stHeading"] h2 { font-size: 2.2rem; }
  [data-testid="stCaptionContainer"] { font-size: 1.15rem; }
  [data-testid="stBaseButton-secondary"] p { font-size: 1.25rem; }
</style>
"""


def main() -> None:
    # An emoji icon is drawn in the page; a Material icon would be fetched from Google's
    # servers by every browser, which fails (a console error) in a classroom offline.
    st.set_page_config(page_title="classroom", page_icon="👁️", layout="wide")
    # The first session of a process loads the lessons (no torch: the network registry is
    # plain data) and maintains the store: a moment, not a blank.
    with st.spinner("Opening the lessons...", show_time=True), guarded("the lessons") as opening:
        shared.maintained_store(str(FeatureStore().root))
        catalog = shared.lesson_catalog(str(lessons_dir_default())).snapshot()
    if opening.failed:
        st.stop()
    if POSITION not in st.session_state:
        start_session(catalog)
    current = current_lesson(catalog)
    if current is not None:
        apply_navigator(current[0])
        current = current_lesson(catalog)
    presenter = bool(st.session_state.get(PRESENTER))
    st.set_page_config(initial_sidebar_state="collapsed" if presenter else "auto")
    if presenter:
        st.html(_PRESENTER_CSS)
    if current is not None:
        # Now, not only at the end: the rest of the run may take a while (a busy machine, a
        # lesson to check), and the address bar is the share link of the step on screen.
        sync_link(current[0], presenter)

    with st.sidebar:
        with guarded("the lessons and steps"):
            sidebar(catalog, current, presenter)
        rest_slot = st.container()
        st.divider()
        with guarded("the network"):
            network_panel(current[0] if current else None)
        st.toggle(
            "Presenter mode",
            key=PRESENTER,
            help="Larger type and the sidebar collapsed; PageDown and PageUp change steps.",
        )
        # Filled after the page: a pin, lock or release from the view moves the position.
        share_slot = st.container()

    lesson = current[0] if current else None
    if st.session_state.get(MODE) == UPLOAD_MODE:
        with guarded("your own image"):
            own_image_page(lesson, presenter)
    elif st.session_state.get(MODE) == COLLECTIONS_MODE:
        with guarded("the collection"):
            collections_page(FeatureStore().root, catalog.lessons, collection_across)
    elif current is None:
        no_lessons(catalog)
    else:
        with guarded("this step"):
            lesson_page(current[0], current[1], presenter, rest_slot)
    if lesson is not None:
        sync_link(lesson, presenter)
    if current is not None:
        position = session_position()
        if position is None or position.lesson_id != current[0].id:
            position = current[1]
        with share_slot:
            share_box(current[0], position, presenter)
    finish_run()


main()
