"""A part of the page that fails shows a message for people, never a traceback.

Streamlit shows an exception raised by the script with its traceback, in the page. A bug in
one part (the view, the sidebar) must not put a stack trace in front of a class: the part says
what happened and what to do, the traceback goes to the log, and the rest of the page works.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

__all__ = ["guarded"]

_LOGGER = logging.getLogger(__name__)


@contextlib.contextmanager
def guarded(part: str) -> Iterator[None]:
    """Run one part of the page (``part`` names it for people); a failure becomes a message.

    Streamlit's own control flow (``st.rerun``, ``st.stop``) is not an Exception and passes.
    """
    try:
        yield
    except Exception:
        _LOGGER.exception("drawing %s failed", part)
        st.error(
            f"**Something went wrong while showing {part}.** This is a fault in classroom, "
            "not in anything you did. Reload the page; if it happens again, restart classroom "
            "and report it with the log of the terminal it runs in.",
            icon=":material/error:",
        )
