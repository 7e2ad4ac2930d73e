"""Downloading pretrained weights: tried once per process and file, failures worded for people.

A machine without internet fails at once, and the failure is remembered rather than repeated
for every image or page; :func:`unavailable_message` says which file is expected, where, from
where, and what else works (``--weights-file``, ``--untrained``). torch is imported only when
a download really starts.
"""

from __future__ import annotations

import threading
import urllib.error
from collections.abc import Callable
from pathlib import Path

from classroom.networks.base import Pretrained

__all__ = ["download_once", "unavailable_message"]


#: Why a download failed, by destination: each file is tried once per process.
_FAILED_DOWNLOADS: dict[Path, str] = {}
#: One download at a time, so two callers never fetch the same file twice over.
_DOWNLOADING = threading.Lock()


def download_once(
    pretrained: Pretrained,
    destination: Path,
    *,
    download: bool,
    on_download: Callable[[], None] | None,
) -> str | None:
    """Why ``pretrained`` is not at ``destination`` after a download (tried if allowed and new).

    Returns None when they are there (or downloading is off and nothing failed before).
    ``on_download`` is called just before a download starts.
    """
    failed = _FAILED_DOWNLOADS.get(destination)
    if failed is not None or not download:
        return failed  # without the lock: a page render must not wait for someone's download
    if not pretrained.url:
        return f"{destination} is missing from this installation of classroom"
    with _DOWNLOADING:
        failed = _FAILED_DOWNLOADS.get(destination)
        if failed is not None or destination.is_file():
            return failed
        if on_download is not None:
            on_download()
        try:
            _download(pretrained.url, destination)
        except (OSError, RuntimeError, ValueError) as error:
            failed = f"the download from {pretrained.host} failed ({_failure_detail(error)})"
            _FAILED_DOWNLOADS[destination] = failed
        return failed


def _failure_detail(error: Exception) -> str:
    """The cause of a failed download in a few words (``[Errno -3] Temporary failure ...``)."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__


def _download(url: str, destination: Path) -> None:
    """torch hub's own download: a temporary file, the hash prefix in the name checked, renamed."""
    import torch.hub

    destination.parent.mkdir(parents=True, exist_ok=True)
    match = torch.hub.HASH_REGEX.search(destination.name)
    torch.hub.download_url_to_file(
        url, str(destination), hash_prefix=match.group(1) if match else None, progress=False
    )


def unavailable_message(
    architecture: str, pretrained: Pretrained, expected: Path, reason: str
) -> str:
    # Worded for every place it appears: `classroom run`, `classroom prepare` and the app.
    return (
        f"The pretrained {architecture} weights ({pretrained.name}) are not available: "
        f"{reason}.\n"
        f"Expected file: {expected}\n"
        f"  It comes from {pretrained.url}\n"
        f"  Download it (on any machine with internet) and put it at that path, the torch hub\n"
        f"  cache ($TORCH_HOME/hub/checkpoints); or start classroom with --weights-file PATH to\n"
        f"  use a state dict saved elsewhere (both `classroom run` and `classroom prepare`\n"
        f"  take it, or set CLASSROOM_WEIGHTS_FILE).\n"
        f"To work without pretrained weights, start classroom with --untrained: features then\n"
        f"come from seeded random weights and are labelled 'untrained'."
    )
