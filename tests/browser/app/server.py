"""The browser tests' Streamlit app: the test page plus classroom's file routes."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from classroom.server import ROUTES

app = st.App(Path(__file__).with_name("page.py"), routes=list(ROUTES))
