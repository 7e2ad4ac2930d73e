"""Damaged store files: reported once per process and file version, then removed.

A damaged entry is never read as data: it is logged once (many sessions reading the same
file, or a file that cannot be removed, would otherwise flood the log) and deleted, so the
next request prepares it again.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import threading
from pathlib import Path
from typing import Final

__all__ = ["discard", "first_report"]

_LOGGER = logging.getLogger(__name__)


def discard(path: Path, reason: str, status: os.stat_result | None = None) -> None:
    """Report a damaged entry once and remove it, so that it is rebuilt rather than read.

    The report is once per process and per file version (device, inode, modification
    time), so an entry that cannot be removed, or many sessions reading it, log it once.
    ``status`` is of the file that was examined: if the name has meanwhile been given to a
    new, complete entry (a writer renamed it into place), that entry is left alone.
    """
    try:
        current = path.lstat()
    except FileNotFoundError:
        return  # another reader got there first
    except OSError:
        current = None
    if current is not None and status is not None and not _same_file(current, status):
        return  # a writer has replaced the damaged file since it was examined
    if not first_report(path, status or current, reason):
        return
    _LOGGER.warning(
        "Discarding damaged store file %s: %s. It will be prepared again.", path, reason
    )
    try:
        if current is not None and stat.S_ISDIR(current.st_mode):
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        _LOGGER.warning(
            "Could not remove %s (%s); it is ignored until it is removed or replaced.",
            path,
            error.strerror or error,
        )


#: (path, device, inode, mtime, reason) of damage already reported by this process. Process-wide
#: because every request and rerun makes its own FeatureStore; bounded so it cannot grow forever.
_REPORTED: dict[tuple[object, ...], None] = {}
_REPORTED_LOCK = threading.Lock()
_MAX_REPORTED: Final = 4096


def first_report(path: Path, status: os.stat_result | None, reason: str) -> bool:
    """True the first time this version of ``path`` is reported damaged for ``reason``."""
    version = (status.st_dev, status.st_ino, status.st_mtime_ns) if status else None
    token = (str(path), version, reason)
    with _REPORTED_LOCK:
        if token in _REPORTED:
            return False
        if len(_REPORTED) >= _MAX_REPORTED:
            del _REPORTED[next(iter(_REPORTED))]
        _REPORTED[token] = None
        return True


def _same_file(first: os.stat_result, second: os.stat_result) -> bool:
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)
