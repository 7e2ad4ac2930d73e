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

BUNDLED_LESSONS: Final = Path(__file__).resolve().parent.parent / "lessons"


def lessons_dir_default() -> Path:
    """``$CLASSROOM_LESSONS_DIR`` (``classroom run --lessons`` sets it), else the bundled ones."""
    return Path(os.environ.get("CLASSROOM_LESSONS_DIR") or BUNDLED_LESSONS)
