"""A part of the page that fails shows a message for people, never a traceback.

Streamlit shows an exception raised by the script with its traceback, in the page. A bug in
one part (the view, the sidebar) must not put a stack trace in front of a class: the part says
what happened and what to do, the traceback goes to the log, and the rest of the page works.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import streamlit as st

__all__ = ["Outcome", "guarded"]

_LOGGER = logging.getLogger(__name__)


@dataclass
class Outcome:
    """Whether a guarded part failed (and so showed its message instead)."""

    failed: bool = False


@contextlib.contextmanager
def guarded(part: str) -> Iterator[Outcome]:
    """Run one part of the page (``part`` names it for people); a failure becomes a message.

    Streamlit's own control flow (``st.rerun``, ``st.stop``) is not an Exception and passes.
    """
    outcome = Outcome()
    try:
        yield outcome
    except Exception:
        outcome.failed = True
        _LOGGER.exception("drawing %s failed", part)
        st.error(
            f"**Something went wrong while showing {part}.** This is a fault in classroom, "
            "not in anything you did. Reload the page; if it happens again, restart classroom "
            "and report it with the log of the terminal it runs in.",
            icon=":material/error:",
        )
