"""Orchestration: lessons -> prepared store entries, with progress, locking and a report.

* :mod:`~classroom.preparation.requests`: what to prepare;
* :mod:`~classroom.preparation.pipeline`: :func:`prepare`, into the store;
* :mod:`~classroom.preparation.outcome`: progress, failures and their causes, reports;
* :mod:`~classroom.preparation.networks`: networks kept loaded for the process;
* :mod:`~classroom.preparation.reading`: :func:`load_prepared`, the app's read side;
* :mod:`~classroom.preparation.terminal`: ``classroom prepare``'s progress bar and summary.

Nothing but ``terminal`` knows about a user interface: :func:`prepare` reports progress
through a callback, which the CLI renders with ``rich.progress`` and the app with
``st.progress``.
"""

from __future__ import annotations

from classroom.preparation.networks import LOADED_NETWORKS, LoadedNetworks
from classroom.preparation.outcome import (
    Cause,
    Failure,
    PrepareReport,
    ProgressCallback,
    ProgressEvent,
    RequestResult,
    unexpected,
)
from classroom.preparation.pipeline import prepare
from classroom.preparation.reading import PreparedImage, load_prepared
from classroom.preparation.requests import DEFAULT_LAYERS, PrepareRequest, requests_for_lesson
from classroom.preparation.terminal import prepare_and_report, prepare_from_cli

__all__ = [
    "DEFAULT_LAYERS",
    "LOADED_NETWORKS",
    "Cause",
    "Failure",
    "LoadedNetworks",
    "PrepareReport",
    "PrepareRequest",
    "PreparedImage",
    "ProgressCallback",
    "ProgressEvent",
    "RequestResult",
    "load_prepared",
    "prepare",
    "prepare_and_report",
    "prepare_from_cli",
    "requests_for_lesson",
    "unexpected",
]
