"""Opening store files safely: regular files inside the store only, read and never mapped.

Anything else in a file's place (a symbolic link, a directory, a FIFO) is damage: it is never
followed or read, but reported and removed so that the file is prepared again. A file reached
through a linked folder that leads out of the store is refused (and left alone, since it is
not the store's to remove). Files are read with ``pread`` rather than memory-mapped, so that a
file truncated or rewritten by someone else while it is read gives a short or wrong read (a
clean error) instead of killing the process with SIGBUS.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

__all__ = [
    "DamagedEntryError",
    "OutsideStoreError",
    "file_identity",
    "opened",
    "read_all",
    "read_regular",
]


class DamagedEntryError(ValueError):
    """A store file exists but cannot be trusted (damaged, or not a regular file).

    Defined here, at the bottom of the store, because opening a file is the first place that
    can find one; every format on top (feature files, results, images) raises it too."""


#: Never follow a link, never block on a FIFO.
OPEN_FLAGS: Final = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
_READ_CHUNK: Final = 1 << 22


class OutsideStoreError(ValueError):
    """A path leads out of the store through a linked folder; it is refused, not removed."""


@contextmanager
def opened(path: Path, root: Path) -> Iterator[tuple[int, os.stat_result] | None]:
    """An open descriptor of the regular file at ``path`` and its status; None when missing.

    Raises:
        OutsideStoreError: if the file's folder really lies outside ``root`` (resolved).
        DamagedEntryError: if a link, a folder or anything but a regular file is in its place,
            or it cannot be opened.
    """
    if not path.parent.resolve().is_relative_to(root):
        raise OutsideStoreError(f"{path.parent} leads outside the store {root}")
    descriptor = _open_regular(path)
    if descriptor is None:
        yield None
        return
    try:
        yield descriptor, _regular_status(descriptor)
    finally:
        os.close(descriptor)


def read_regular(path: Path) -> bytes:
    """The whole regular file at ``path``, read the same careful way (no link, no FIFO, no map).

    Raises:
        DamagedEntryError: if it is gone, is not a regular file, or changes while it is read.
    """
    descriptor = _open_regular(path)
    if descriptor is None:
        raise DamagedEntryError("the file is gone")
    try:
        return read_all(descriptor, _regular_status(descriptor).st_size)
    finally:
        os.close(descriptor)


def _open_regular(path: Path) -> int | None:
    """A descriptor of what is at ``path``, never through a link; None when nothing is."""
    try:
        return os.open(path, OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise DamagedEntryError(
                "is a symbolic link; only regular files inside the store are used"
            ) from error
        if error.errno == errno.EISDIR:
            raise DamagedEntryError("is a directory, not a file") from error
        raise DamagedEntryError(f"cannot be opened ({error.strerror or error})") from error


def _regular_status(descriptor: int) -> os.stat_result:
    """The status of an open file, once it is a regular file."""
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        kind = "a directory" if stat.S_ISDIR(status.st_mode) else "a special file"
        raise DamagedEntryError(f"is {kind}, not a file")
    return status


def read_all(descriptor: int, size: int) -> bytes:
    """The ``size`` bytes of an open file.

    Raises:
        DamagedEntryError: if the file ends early or grows while it is read.
    """
    buffer = bytearray(size)
    view = memoryview(buffer)
    offset = 0
    while offset < size:
        count = os.preadv(descriptor, [view[offset : offset + _READ_CHUNK]], offset)
        if count == 0:
            raise DamagedEntryError(f"the file ended after {offset} of {size} bytes")
        offset += count
    if os.pread(descriptor, 1, size):
        raise DamagedEntryError(f"the file grew beyond {size} bytes while it was read")
    return bytes(buffer)


def file_identity(status: os.stat_result) -> tuple[int, ...]:
    """What changes whenever the file does: a rewrite in place changes at least ``ctime``."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
