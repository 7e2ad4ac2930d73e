"""``classroom run``'s app with its page script timed (the open benchmark's breakdown).

The same page, the same file route and the same start (the page's imports preloaded); only
the script is run through :mod:`.page`, which appends the seconds each run took to the file
named by ``$CLASSROOM_BENCH_SCRIPT_LOG``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from classroom.server import LIFESPAN, ROUTES

__all__ = ["app"]

app = st.App(Path(__file__).with_name("page.py"), routes=list(ROUTES), lifespan=LIFESPAN)
