"""Content hashes of files, computed once per process.

Images and weights files are identified by the SHA-256 of their bytes (``docs/feature-format.md``).
A weights file is hundreds of megabytes and the app asks for identities on every rerun, so the
digest is remembered per (path, size, modification time): an edited file gets a new digest.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["file_sha256"]

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file's bytes (cached while the file's size and mtime are unchanged).

    Raises:
        OSError: if the file cannot be read.
    """
    resolved = path.resolve()
    status = resolved.stat()
    return _digest(resolved, status.st_size, status.st_mtime_ns)


@lru_cache(maxsize=256)
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    del size, mtime_ns  # part of the cache key only
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
