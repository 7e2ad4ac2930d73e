"""A page that shows hostile text through :func:`classroom.app.state.plain` in every kind of
element the app puts text from outside into (``tests/browser/test_plain_text.py`` reads it)."""

from __future__ import annotations

import json
import os

import streamlit as st

from classroom.app.state import plain

texts: list[str] = json.loads(os.environ["CLASSROOM_TEST_TEXTS"])
for index, text in enumerate(texts):
    shown = plain(text)
    with st.container(key=f"case-{index}"):
        st.markdown(shown)
        st.error(shown)
        st.info(f"The link asks for the lesson {shown}, which is not here.")
        st.caption(shown)
        st.progress(0.5, text=f"Preparing your picture {shown}: 50 %")
