"""What all sessions of one app process share, kept in ``st.cache_resource``.

The lessons (reloaded when a file changes), the single background preparation worker and the
prepared images (memory-mapped, one copy). Everything else belongs to a session.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

import streamlit as st

from classroom.background import PreparationWorker, PreparedCache
from classroom.catalog import LessonCatalog
from classroom.cli import BUNDLED_LESSONS

__all__ = ["lesson_catalog", "lessons_dir", "prepared_cache", "worker"]


def lessons_dir() -> Path:
    """``$CLASSROOM_LESSONS_DIR`` (``classroom run --lessons`` sets it), else the bundled ones."""
    return Path(os.environ.get("CLASSROOM_LESSONS_DIR") or BUNDLED_LESSONS)


@st.cache_resource(show_spinner=False)
def lesson_catalog(directory: str) -> LessonCatalog:
    """The catalog of one lesson directory (by path, so tests can use their own)."""
    return LessonCatalog(Path(directory))


@st.cache_resource(show_spinner=False)
def worker() -> PreparationWorker:
    """The one background worker of this process."""
    created = PreparationWorker()
    atexit.register(created.close, timeout=60)
    return created


@st.cache_resource(show_spinner=False)
def prepared_cache() -> PreparedCache:
    """Prepared images, validated once and shared by every session."""
    return PreparedCache()
