"""Arrays computed from a collection, kept in the store: atomic writes, validated reads.

Vectors of a layer, embeddings and neighbour tables cost seconds to minutes to compute and are
the same for the same collection, network, weights and parameters, so they are cached under
``<store>/collections/v1/<key>.cca``, written the way feature files are
(:meth:`classroom.store.FeatureStore.publish`: a temporary file, flushed, renamed). A file is
``MAGIC``, a 4-byte little-endian header length, a JSON header (the key's description, shape,
dtype and the payload's SHA-256) and the raw array. A read checks all of it; a damaged file is
removed and reported as missing, so it is computed again rather than shown.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from classroom.store import FeatureStore

__all__ = ["CACHE_VERSION", "MAGIC", "ArrayCache", "cache_key"]

_LOGGER = logging.getLogger(__name__)
MAGIC: Final = b"CLSCOLL1"
CACHE_VERSION: Final = 1
_SUFFIX: Final = ".cca"
_DTYPES: Final = ("float32", "float64", "int64", "uint8")
_MAX_HEADER: Final = 1 << 16


def cache_key(*parts: object) -> str:
    """A file name for the computation ``parts`` describe (32 hex digits of their SHA-256)."""
    text = json.dumps([str(part) for part in parts], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ArrayCache:
    """Cached arrays under a store's ``collections/`` directory."""

    def __init__(self, store: FeatureStore | None = None) -> None:
        self.store = store if store is not None else FeatureStore()
        self.directory = self.store.root / "collections" / f"v{CACHE_VERSION}"

    def path(self, key: str) -> Path:
        return self.directory / f"{key}{_SUFFIX}"

    def write(self, key: str, array: npt.NDArray[np.generic], about: str = "") -> Path:
        """Store ``array`` under ``key`` atomically."""
        data = np.ascontiguousarray(array)
        if data.dtype.name not in _DTYPES:
            raise ValueError(f"cannot cache {data.dtype} arrays (only {', '.join(_DTYPES)})")
        payload = data.tobytes()
        header = json.dumps(
            {
                "about": about,
                "shape": list(data.shape),
                "dtype": data.dtype.name,
                "sha256": hashlib.sha256(payload).hexdigest(),
            }
        ).encode()
        destination = self.path(key)
        self.store.publish(destination, [MAGIC, len(header).to_bytes(4, "little"), header, payload])
        return destination

    def read(self, key: str) -> npt.NDArray[np.generic] | None:
        """The array under ``key`` (read-only), or ``None`` if missing or damaged (then removed)."""
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            self._damaged(path, f"cannot be read ({error.strerror or error})")
            return None
        if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 4:
            self._damaged(path, "is not a collection cache file")
            return None
        start = len(MAGIC) + 4
        length = int.from_bytes(raw[len(MAGIC) : start], "little")
        if length > _MAX_HEADER or start + length > len(raw):
            self._damaged(path, "has a truncated header")
            return None
        try:
            header = json.loads(raw[start : start + length])
            shape = tuple(int(side) for side in header["shape"])
            dtype = np.dtype(header["dtype"])
            digest = str(header["sha256"])
        except (ValueError, KeyError, TypeError) as error:
            self._damaged(path, f"has an unreadable header ({error})")
            return None
        payload = raw[start + length :]
        if dtype.name not in _DTYPES or len(payload) != int(np.prod(shape)) * dtype.itemsize:
            self._damaged(path, "holds fewer or more bytes than its header says")
            return None
        if hashlib.sha256(payload).hexdigest() != digest:
            self._damaged(path, "does not match its checksum")
            return None
        return np.frombuffer(payload, dtype=dtype).reshape(shape)

    def get_or_compute(
        self, key: str, compute: Callable[[], npt.NDArray[np.generic]], about: str = ""
    ) -> npt.NDArray[np.generic]:
        """The cached array, else ``compute()``'s result, stored for next time."""
        cached = self.read(key)
        if cached is not None:
            return cached
        array = compute()
        self.write(key, array, about)
        return array

    def _damaged(self, path: Path, reason: str) -> None:
        """Report and remove a damaged file; its reader then computes the array again."""
        _LOGGER.warning("%s %s; it is removed and will be computed again", path, reason)
        path.unlink(missing_ok=True)
