"""The store's directory: atomic writes, validated reads, locks and damage reports.

Writes are atomic (a temporary file in the same directory tree, flushed, then renamed into
place). Reads open regular files inside the store only and read them through, never mapping
them (:mod:`classroom.store.opening`), and validate them (:mod:`classroom.store.format`,
:mod:`classroom.store.sealed_png`), so a damaged entry is reported once, deleted and then
treated as missing, never as data, and a file changed underneath never crashes the process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

import numpy as np
import numpy.typing as npt
from filelock import FileLock

from classroom.encoding import EncodedLayer
from classroom.store.arrays import ARRAYS_VERSION
from classroom.store.atomic import FILE_MODE, StoreWriteError, publish_atomically, writing
from classroom.store.damage import discard, first_report
from classroom.store.format import (
    FEATURE_SUFFIX,
    FORMAT_VERSION,
    DamagedEntryError,
    EntryKey,
    LayerInfo,
    PreparedLayer,
    parse,
    serialize,
    verify_stream,
)
from classroom.store.opening import OutsideStoreError, file_identity, opened, read_all
from classroom.store.results import RESULT_SUFFIX, ResultKey, parse_result, serialize_result
from classroom.store.results import VERSION as RESULT_VERSION
from classroom.store.sealed_png import SEAL_END, DamagedImageError, seal, sealed_digest, verify

if TYPE_CHECKING:
    from classroom.store.maintenance import MaintenanceReport
    from classroom.techniques.result import TechniqueResult

__all__ = ["FILE_MODE", "FeatureStore", "StoreFile", "StoreWriteError", "default_store_root"]

_LOGGER = logging.getLogger(__name__)

STALE_TEMPORARY_SECONDS: Final = 3600.0
#: The names the browser may ask for: feature files and analysis images.
FEATURE_NAME: Final = re.compile(r"^[0-9a-f]{32}" + re.escape(FEATURE_SUFFIX) + "$")
IMAGE_NAME: Final = re.compile(r"^[0-9a-f]{64}-[0-9]{1,6}\.png$")
#: A technique's map for the view: its content's hash, its size (float32 values, rows).
MAP_NAME: Final = re.compile(r"^([0-9a-f]{32})-([0-9]{1,6})x([0-9]{1,6})\.f32$")
_T = TypeVar("_T")


@dataclass(frozen=True, eq=False)
class StoreFile:
    """A feature file or analysis image read whole and verified, with what identifies it.

    Attributes:
        data: the file's bytes, exactly as checked.
        digest: the checksum that names this content (hex; it goes into URLs).
        identity: device, inode, size, mtime and ctime of what was read (any change to the
            file changes it).
    """

    path: Path
    data: bytes
    digest: str
    identity: tuple[int, ...]


def default_store_root() -> Path:
    """``$CLASSROOM_CACHE_DIR`` if set, else the per-user cache directory."""
    configured = os.environ.get("CLASSROOM_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("classroom", appauthor=False))


class FeatureStore:
    """A directory of prepared feature maps and the analysis images they were computed from.

    Layout::

        <root>/features/v2/<entry_id>.cfm    feature files (v<FORMAT_VERSION>)
        <root>/images/<sha256>-<max_side>.png analysis images (resized, upright RGB)
        <root>/uploads/<sha256><suffix>      images people uploaded in the app, as uploaded
        <root>/maps/<sha>-<W>x<H>.f32         a technique's map for the view (float32, rows)
        <root>/generated/<key>.npz           images a technique generated (activation maximization)
        <root>/locks/                        cross-process locks used during preparation
        <root>/tmp/                          files being written (renamed into place when complete)
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root if root is not None else default_store_root()).resolve()
        self.features_dir = self.root / "features" / f"v{FORMAT_VERSION}"
        self.images_dir = self.root / "images"
        self.uploads_dir = self.root / "uploads"
        self.maps_dir = self.root / "maps"
        self.generated_dir = self.root / "generated"
        self.locks_dir = self.root / "locks"
        self.tmp_dir = self.root / "tmp"
        self.results_dir = self.root / "results" / f"v{RESULT_VERSION}"
        self.collections_dir = self.root / "collections" / f"v{ARRAYS_VERSION}"

    def __repr__(self) -> str:
        return f"FeatureStore({str(self.root)!r})"

    # -- paths -------------------------------------------------------------------------------

    def feature_path(self, key: EntryKey) -> Path:
        return self.features_dir / f"{key.entry_id}{FEATURE_SUFFIX}"

    def image_path(self, image_sha256: str, max_side: int) -> Path:
        return self.images_dir / f"{image_sha256}-{max_side}.png"

    # -- writing -----------------------------------------------------------------------------

    def write(self, key: EntryKey, info: LayerInfo, layer: EncodedLayer) -> Path:
        """Write one entry atomically and return its path."""
        destination = self.feature_path(key)
        self._publish(destination, serialize(key, info, layer))
        return destination

    def write_image(self, image_sha256: str, max_side: int, png_bytes: bytes) -> Path:
        """Store the analysis image (PNG bytes, sealed with its checksum) and return its path."""
        if not png_bytes.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("the analysis image must be PNG bytes")
        destination = self.image_path(image_sha256, max_side)
        self._publish(destination, [seal(png_bytes, destination.name)])
        return destination

    def write_generated(self, key: str, data: bytes) -> Path:
        """Keep a generated result (its own validated format) atomically under ``key``."""
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"a generated result's key is 32 hex digits, not {key!r}")
        destination = self.generated_dir / f"{key}.npz"
        self._publish(destination, [data])
        return destination

    def discard(self, path: Path, reason: str) -> None:
        """Report a damaged file of the store once and remove it (readers of other formats)."""
        self._discard(path, reason)

    def write_upload(self, data: bytes, suffix: str) -> Path:
        """Keep an uploaded file under its SHA-256 (atomically; the same bytes, the same file)."""
        if not suffix.startswith(".") or not suffix[1:].isalnum():
            raise ValueError(f"an upload suffix looks like '.png', not {suffix!r}")
        destination = self.uploads_dir / f"{hashlib.sha256(data).hexdigest()}{suffix.lower()}"
        try:
            # Uploaded again: it is in use, so :meth:`maintain` counts its age from now.
            os.utime(destination)
        except FileNotFoundError:
            self._publish(destination, [data])
        except OSError:
            pass  # a read-only store still serves the upload; it just ages from its first use
        return destination

    def publish(self, destination: Path, chunks: list[bytes | memoryview]) -> None:
        """Write ``chunks`` to ``destination`` (inside the store) atomically: the same way as
        feature files, for the other caches kept in the store (collections' vectors)."""
        if not destination.resolve().is_relative_to(self.root):
            raise ValueError(f"{destination} is not inside the store {self.root}")
        self._publish(destination, chunks)

    def write_map(self, values: npt.NDArray[np.float32]) -> Path:
        """Keep an ``(H, W)`` float32 map for the browser under its content's hash (atomically).

        The file is the values as little-endian float32, rows from the top: what the view
        uploads as a texture. The same values give the same file, written once.
        """
        if values.dtype != np.float32 or values.ndim != 2 or 0 in values.shape:
            raise ValueError(f"a map is a non-empty (H, W) float32 array, not {values.dtype}")
        data = np.ascontiguousarray(values, dtype="<f4").tobytes()
        height, width = values.shape
        digest = hashlib.sha256(data).hexdigest()[:32]
        destination = self.maps_dir / f"{digest}-{width}x{height}.f32"
        if not destination.is_file():
            self._publish(destination, [data])
        return destination

    def _publish(self, destination: Path, chunks: list[bytes | memoryview]) -> None:
        publish_atomically(destination, chunks, tmp_dir=self.tmp_dir, store_root=self.root)

    @contextlib.contextmanager
    def lock(self, name: str, timeout: float = -1) -> Iterator[None]:
        """Hold a cross-process lock (used so that two processes never prepare the same work).

        Raises:
            StoreWriteError: the lock file cannot be made (a read-only store), with the
                message every failed write has.
        """
        lock_file = self.locks_dir / f"{name}.lock"
        lock = FileLock(lock_file, timeout=timeout)
        with writing(lock_file, self.root):
            self.locks_dir.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        try:
            yield
        finally:
            lock.release()

    def write_result(self, key: ResultKey, result: TechniqueResult) -> Path:
        """Cache a technique's result atomically and return its path."""
        destination = self.results_dir / f"{key.entry_id}{RESULT_SUFFIX}"
        self._publish(destination, [serialize_result(key, result)])
        return destination

    # -- reading -----------------------------------------------------------------------------

    def read_result(self, key: ResultKey) -> TechniqueResult | None:
        """The validated cached result, or ``None`` if it is missing or was damaged.

        Read like every store file: a regular file inside the store, never a link."""
        path = self.results_dir / f"{key.entry_id}{RESULT_SUFFIX}"
        return self._checked(
            path,
            lambda descriptor, status: parse_result(path, read_all(descriptor, status.st_size)),
        )

    def read(self, key: EntryKey) -> PreparedLayer | None:
        """The validated entry for ``key``, or ``None`` if it is missing or was damaged."""
        return self.read_path(self.feature_path(key))

    def read_entry(self, entry_id: str) -> PreparedLayer | None:
        """Like :meth:`read`, by entry id (as the browser asks for it)."""
        if len(entry_id) != 32 or any(c not in "0123456789abcdef" for c in entry_id):
            return None
        return self.read_path(self.features_dir / f"{entry_id}{FEATURE_SUFFIX}")

    def read_path(self, path: Path) -> PreparedLayer | None:
        """The validated entry at ``path``, or ``None`` if it is missing or was damaged.

        The file is read through once to check it; only its header is kept (the arrays are
        read again when asked for).
        """

        def verify_entry(descriptor: int, status: os.stat_result) -> PreparedLayer:
            if status.st_size == 0:
                raise DamagedEntryError("the file is empty")
            return verify_stream(
                path, status.st_size, lambda offset, count: os.pread(descriptor, count, offset)
            )

        return self._checked(path, verify_entry)

    def read_image(self, image_sha256: str, max_side: int) -> Path | None:
        """The stored analysis image, or ``None`` if it is missing or was damaged.

        Its checksum (:mod:`classroom.store.sealed_png`, no decoding) catches truncation,
        altered bytes and another picture copied over it, so a damaged picture is prepared
        again instead of reaching a browser.
        """
        path = self.image_path(image_sha256, max_side)
        digest = self._checked(
            path,
            lambda descriptor, status: verify(read_all(descriptor, status.st_size), path.name),
        )
        return None if digest is None else path

    def image_version(self, image_sha256: str, max_side: int) -> str | None:
        """The checksum a stored analysis image claims (for its URL), from its first bytes.

        Not a check: whatever serves or uses the image verifies it whole first.
        """
        try:
            with opened(self.image_path(image_sha256, max_side), self.root) as found:
                return None if found is None else sealed_digest(os.pread(found[0], SEAL_END, 0))
        except (DamagedEntryError, OutsideStoreError, OSError):
            return None

    def load_file(self, name: str) -> StoreFile | None:
        """A feature file or analysis image by its file name, read whole and verified.

        ``None`` if the name is not one of the store's, or the file is missing or damaged
        (then reported once and removed, so that it is prepared again). The file route serves
        these bytes, never the disk's, so what it sends is always what was checked.
        """
        if FEATURE_NAME.match(name):
            path = self.features_dir / name
            check: Callable[[bytes], str] = lambda data: parse(path, data).digest  # noqa: E731
        elif IMAGE_NAME.match(name):
            path = self.images_dir / name
            check = lambda data: verify(data, name)  # noqa: E731
        elif MAP_NAME.match(name):
            path = self.maps_dir / name
            check = lambda data: _verify_map(data, name)  # noqa: E731
        else:
            return None

        def load(descriptor: int, status: os.stat_result) -> StoreFile:
            data = read_all(descriptor, status.st_size)
            return StoreFile(path, data, check(data), file_identity(status))

        return self._checked(path, load)

    def file_identity(self, name: str) -> tuple[int, ...] | None:
        """What identifies the current version of a store file (see :class:`StoreFile`), or
        ``None`` if it is missing or is not a regular file inside the store (then reported)."""
        if MAP_NAME.match(name):
            return self._checked(self.maps_dir / name, lambda _, status: file_identity(status))
        if not (FEATURE_NAME.match(name) or IMAGE_NAME.match(name)):
            return None
        path = (self.features_dir if name.endswith(FEATURE_SUFFIX) else self.images_dir) / name
        return self._checked(path, lambda _, status: file_identity(status))

    def _checked(self, path: Path, use: Callable[[int, os.stat_result], _T]) -> _T | None:
        """``use`` on the open file at ``path``; None if it is missing, refused or damaged."""
        status: os.stat_result | None = None
        try:
            with opened(path, self.root) as found:
                if found is None:
                    return None
                descriptor, status = found
                return use(descriptor, status)
        except OutsideStoreError as error:
            if first_report(path, None, str(error)):
                _LOGGER.warning("Not reading %s: %s.", path, error)
            return None
        except (DamagedEntryError, DamagedImageError) as error:
            self._discard(path, str(error), status)
            return None
        except OSError as error:
            self._discard(path, f"cannot be read ({error.strerror or error})", status)
            return None

    def _discard(self, path: Path, reason: str, status: os.stat_result | None = None) -> None:
        discard(path, reason, status)

    def maintain(self, *, verify: bool = False) -> MaintenanceReport:
        """Remove what nobody will read again (:func:`classroom.store.maintenance.maintain`)."""
        from classroom.store.maintenance import maintain

        return maintain(self, verify=verify)

    def remove_stale_temporaries(self, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
        """Delete leftovers of interrupted writes; returns how many were removed."""
        removed = 0
        cutoff = time.time() - older_than
        try:
            for leftover in self.tmp_dir.glob("*.part"):
                with contextlib.suppress(FileNotFoundError):
                    if leftover.stat().st_mtime < cutoff:
                        leftover.unlink()
                        removed += 1
        except OSError as error:
            # Tidying up is no reason to stop: a store that cannot be written says so when
            # something is written to it.
            _LOGGER.warning(
                "Could not remove leftovers in %s (%s)", self.tmp_dir, error.strerror or error
            )
        return removed

    # -- maintenance -------------------------------------------------------------------------


def _verify_map(data: bytes, name: str) -> str:
    """A stored map's digest (its name's), once its bytes are checked against the name."""
    match = MAP_NAME.match(name)
    if match is None:  # pragma: no cover - load_file matched it
        raise DamagedEntryError(f"{name} is not a map's name")
    digest, width, height = match.group(1), int(match.group(2)), int(match.group(3))
    if len(data) != width * height * 4 or hashlib.sha256(data).hexdigest()[:32] != digest:
        raise DamagedEntryError(f"{name} does not hold the {width}x{height} map it names")
    return digest
