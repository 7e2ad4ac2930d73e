"""What all sessions of one app process share, kept in ``st.cache_resource``.

The lessons (reloaded when a file changes), the single background preparation worker, the
prepared images (memory-mapped, one copy) and the store's maintenance, done once per process.
Everything else belongs to a session.
"""

from __future__ import annotations

import atexit
from pathlib import Path

import streamlit as st

from classroom.background import GenerationWorker, PreparationWorker, PreparedCache
from classroom.catalog import LessonCatalog
from classroom.store import FeatureStore, MaintenanceReport

__all__ = ["generation_worker", "lesson_catalog", "maintained_store", "prepared_cache", "worker"]


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
def generation_worker(root: str) -> GenerationWorker:
    """The one activation-maximization worker of this process (per store, for tests)."""
    created = GenerationWorker(FeatureStore(Path(root)))
    atexit.register(created.close, timeout=10)
    return created


@st.cache_resource(show_spinner=False)
def prepared_cache() -> PreparedCache:
    """Prepared images, validated once and shared by every session."""
    return PreparedCache()


@st.cache_resource(show_spinner=False)
def maintained_store(root: str) -> MaintenanceReport:
    """Maintain the store at ``root`` once per process, before the first page uses it.

    Old format folders and month-old uploads go (:meth:`FeatureStore.maintain` logs each);
    by path, so each test's private store is maintained too.
    """
    return FeatureStore(Path(root)).maintain()
