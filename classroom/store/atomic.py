"""Writing a store file atomically, and saying plainly why a write failed.

Every file of the store is written the same way: a temporary file in the store's ``tmp/``,
flushed and synced, given an ordinary file's mode, renamed into place, the directory synced.
A reader therefore sees a whole file or none. A failed write (no space, no permission, a
read-only disk) becomes :class:`StoreWriteError`, whose message names the file, the cause,
what to do, and ``CLASSROOM_CACHE_DIR``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from filelock import Timeout

__all__ = ["FILE_MODE", "StoreWriteError", "publish_atomically", "writing"]

#: Published files are readable by all, like files made under the usual umask of 022.
FILE_MODE: Final = 0o644
_WRITE_HINTS: Final = {
    errno.ENOSPC: "Free some disk space. ",
    errno.EDQUOT: "Free some disk space. ",
    errno.EACCES: "Make the directory writable for this user. ",
    errno.EPERM: "Make the directory writable for this user. ",
    errno.EROFS: "The disk is read-only. ",
}


class StoreWriteError(OSError):
    """The store cannot be written (no space, no permission); the message names the file."""


@contextlib.contextmanager
def writing(target: Path, store_root: Path) -> Iterator[None]:
    """Turn a failed write into a message that names the store and the cause."""
    try:
        yield
    except (StoreWriteError, Timeout):  # a lock held elsewhere is no failure to write
        raise
    except OSError as error:
        hint = _WRITE_HINTS.get(error.errno or 0, "")
        raise StoreWriteError(
            f"cannot write {target}: {error.strerror or error}. {hint}To keep prepared "
            f"features somewhere else than {store_root}, set CLASSROOM_CACHE_DIR."
        ) from error


def publish_atomically(
    destination: Path, chunks: list[bytes | memoryview], *, tmp_dir: Path, store_root: Path
) -> None:
    """Write ``chunks`` to ``destination`` so that readers see the whole file or none."""
    with writing(destination, store_root):
        destination.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary_name = tempfile.mkstemp(
            prefix=destination.name + ".", suffix=".part", dir=tmp_dir
        )
        temporary = Path(temporary_name)
        try:
            # mkstemp makes the file private (0600); a store may be prepared by one user
            # and served by another, so published files get an ordinary file's mode.
            os.fchmod(descriptor, FILE_MODE)
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(destination)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _fsync_directory(destination.parent)


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
