"""The Streamlit page: lesson picker, steps and the similarity view (UI composition only)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="classroom", layout="wide")
st.title("classroom")
st.write("The lesson app is being built.")
