"""What the file route serves: store files read once, checked, and kept in memory.

Every session of a class asks for the same few feature files. Each is read and verified
once (:meth:`classroom.store.FeatureStore.load_file`) and kept, with a gzip copy where that
saves at least a fifth of the bytes, in a cache bounded by bytes (least recently used out).
A request then costs one ``open``/``fstat`` of the file, to notice a file that changed on
disk (read and checked again, or reported and rebuilt if it is now damaged), and no hashing.
The page script warms the cache (:meth:`FileCache.warm`) for the files its view is about to
ask for, so that the checking and compressing overlap the browser's start-up.

The bytes sent are always the checked copy in memory, never the disk's: a file truncated or
rewritten while it is sent cannot make the server send bytes that fail the check, nor crash
it. All of this runs in worker threads, never on the server's event loop.
"""

from __future__ import annotations

import functools
import gzip
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from classroom.store import FEATURE_SUFFIX, FeatureStore, StoreFile

__all__ = ["COMPRESSION_PAYS", "DEFAULT_BUDGET_BYTES", "CachedFile", "FileCache"]

#: Bytes of checked files kept in memory (a lesson's image takes about 22 MB at 8 bit).
DEFAULT_BUDGET_BYTES: Final = 512 * 2**20
#: A compressed copy is kept when it is at most this fraction of the file.
COMPRESSION_PAYS: Final = 0.8
#: Fast compression: about ten times the speed of the default level, for a few percent more.
_GZIP_LEVEL: Final = 1


@dataclass(frozen=True, eq=False)
class CachedFile:
    """A checked store file and its gzip copy, when that pays."""

    file: StoreFile
    gzip: bytes | None

    @property
    def nbytes(self) -> int:
        return len(self.file.data) + len(self.gzip or b"")


def _cached(file: StoreFile) -> CachedFile:
    """The file with its gzip copy, if it is a feature file that compresses well."""
    if file.path.suffix != FEATURE_SUFFIX:  # images are compressed already
        return CachedFile(file, None)
    packed = gzip.compress(file.data, compresslevel=_GZIP_LEVEL, mtime=0)
    return CachedFile(file, packed if len(packed) <= COMPRESSION_PAYS * len(file.data) else None)


class FileCache:
    """Checked store files by (store root, name), least recently used out beyond a budget."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._budget = budget_bytes
        self._lock = threading.Lock()
        self._files: OrderedDict[tuple[Path, str], CachedFile] = OrderedDict()
        #: One lock per file being loaded, so concurrent first requests load it once.
        self._loading: dict[tuple[Path, str], threading.Lock] = {}
        self._warmer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="classroom-files")

    @classmethod
    @functools.cache
    def shared(cls) -> FileCache:
        """The process's cache: the file route's, which the page script warms."""
        return cls()

    def get(self, store: FeatureStore, name: str) -> CachedFile | None:
        """The checked file ``name`` of ``store`` (blocking: call it from a worker thread).

        None if there is no such store file, or it is damaged (then the store reports it once
        and removes it, so that it is prepared again).
        """
        key = (store.root, name)
        identity = store.file_identity(name)
        if identity is None:
            self._drop(key)
            return None
        cached = self._current(key, identity)
        if cached is not None:
            return cached
        with self._lock:
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            cached = self._current(key, identity)
            if cached is not None:
                return cached
            loaded = store.load_file(name)
            cached = None if loaded is None else _cached(loaded)
            with self._lock:
                self._loading.pop(key, None)
                if cached is None:
                    self._files.pop(key, None)
                    return None
                self._files[key] = cached
                self._files.move_to_end(key)
                self._trim()
            return cached

    def warm(self, store: FeatureStore, names: Iterable[str]) -> None:
        """Load, check and compress these files in the background, before they are asked for."""
        for name in names:
            self._warmer.submit(self.get, store, name)

    def _current(self, key: tuple[Path, str], identity: tuple[int, ...]) -> CachedFile | None:
        with self._lock:
            cached = self._files.get(key)
            if cached is None or cached.file.identity != identity:
                return None
            self._files.move_to_end(key)
            return cached

    def _drop(self, key: tuple[Path, str]) -> None:
        with self._lock:
            self._files.pop(key, None)

    def _trim(self) -> None:
        """Drop least recently used files beyond the budget (the newest always stays)."""
        total = sum(cached.nbytes for cached in self._files.values())
        while total > self._budget and len(self._files) > 1:
            _, oldest = self._files.popitem(last=False)
            total -= oldest.nbytes
