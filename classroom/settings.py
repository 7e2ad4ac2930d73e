"""Settings that reach the page and the commands through the environment.

``classroom run`` starts Streamlit, which runs the page script itself, so the command's options
travel as ``CLASSROOM_*`` variables. Both sides read them here, so the page never imports the
command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

__all__ = ["BUNDLED_LESSONS", "lessons_dir_default"]

_PACKAGE: Final = Path(__file__).resolve().parent


def _bundled_lessons() -> Path:
    """``lessons/`` of the checkout, else the copy an installed wheel carries (its datasets
    beside it, as in the checkout: ``classroom/_bundled/{lessons,datasets}``)."""
    checkout = _PACKAGE.parent / "lessons"
    installed = _PACKAGE / "_bundled" / "lessons"
    return installed if installed.is_dir() and not checkout.is_dir() else checkout


BUNDLED_LESSONS: Final = _bundled_lessons()


def lessons_dir_default() -> Path:
    """``$CLASSROOM_LESSONS_DIR`` (``classroom run --lessons`` sets it), else the bundled ones."""
    return Path(os.environ.get("CLASSROOM_LESSONS_DIR") or BUNDLED_LESSONS)
