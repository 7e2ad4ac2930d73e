"""Arrays computed from a collection, kept in the store: atomic writes, validated reads.

Vectors of a layer, embeddings and neighbour tables cost seconds to minutes to compute and are
the same for the same collection, network, weights and parameters, so they are cached under
``<store>/collections/v1/<key>.cca``, written the way feature files are
(:meth:`classroom.store.FeatureStore.publish`: a temporary file, flushed, renamed). The file
format is the store's (:mod:`classroom.store.arrays`, so that store maintenance can check it).
A read checks all of it; a damaged file is removed and reported as missing, so it is computed
again rather than shown.
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

from classroom.store import DamagedEntryError, FeatureStore
from classroom.store.arrays import (
    ARRAY_MAGIC,
    ARRAY_SUFFIX,
    ARRAYS_VERSION,
    array_file_chunks,
    parse_array,
)

__all__ = ["CACHE_VERSION", "MAGIC", "ArrayCache", "cache_key"]

_LOGGER = logging.getLogger(__name__)
MAGIC: Final = ARRAY_MAGIC
CACHE_VERSION: Final = ARRAYS_VERSION


def cache_key(*parts: object) -> str:
    """A file name for the computation ``parts`` describe (32 hex digits of their SHA-256)."""
    text = json.dumps([str(part) for part in parts], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ArrayCache:
    """Cached arrays under a store's ``collections/`` directory."""

    def __init__(self, store: FeatureStore | None = None) -> None:
        self.store = store if store is not None else FeatureStore()
        self.directory = self.store.collections_dir

    def path(self, key: str) -> Path:
        return self.directory / f"{key}{ARRAY_SUFFIX}"

    def write(self, key: str, array: npt.NDArray[np.generic], about: str = "") -> Path:
        """Store ``array`` under ``key`` atomically."""
        destination = self.path(key)
        self.store.publish(destination, array_file_chunks(array, about))
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
        try:
            return parse_array(raw)
        except DamagedEntryError as error:
            self._damaged(path, str(error))
            return None

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
