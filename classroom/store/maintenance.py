"""Keeping the store from growing forever (:func:`maintain`).

It removes the folders of older format versions (never read again: feature files, technique
results, collections' arrays) and uploads nobody has uploaded for a month, with their prepared
files and technique results; asked to verify, also every damaged file of the computed caches
(:mod:`~classroom.store.computed`), which their readers remove only when someone asks for them.
It never touches anything outside the store root.
"""

from __future__ import annotations

import collections
import enum
import logging
import re
import shutil
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.store.arrays import ARRAYS_VERSION
from classroom.store.computed import (
    computed_areas,
    damage,
    header_image_sha256,
    result_image_sha256,
)
from classroom.store.format import FORMAT_VERSION, MAGIC, MAX_HEADER_BYTES, PREFIX
from classroom.store.results import VERSION as RESULT_VERSION
from classroom.store.usage import measure_folder

if TYPE_CHECKING:
    from classroom.store.files import FeatureStore

__all__ = ["UPLOAD_MAX_AGE_DAYS", "MaintenanceReport", "Removal", "Removed", "maintain"]

_LOGGER = logging.getLogger(__name__)

#: Uploads not uploaded again for this long are removed, with their prepared files.
UPLOAD_MAX_AGE_DAYS: Final = 30
_VERSION_DIR: Final = re.compile(r"^v([0-9]{1,6})$")
_UPLOAD_NAME: Final = re.compile(r"^([0-9a-f]{64})\.[a-z0-9]{1,8}$")


def maintain(store: FeatureStore, *, verify: bool = False) -> MaintenanceReport:
    """Remove what nobody will read again; log each removal and return what was removed.

    * ``features/v<n>``, ``results/v<n>`` and ``collections/v<n>`` for every format version
      older than this one (a newer version's folder is left alone: two installed versions
      sharing a store must not keep deleting each other's work);
    * uploads not uploaded again for :data:`UPLOAD_MAX_AGE_DAYS` days, with their analysis
      images, feature files and technique results (found by the image hash in each file's
      header);
    * with ``verify``, every file of the computed caches that is damaged (each one read whole:
      ``classroom store --prune`` asks for it, the app's start does not).

    Only the store's own names are considered, symbolic links are removed as links (never
    followed), and an area whose real path lies outside the store root is skipped.
    """
    removed: list[Removal] = []
    versions = {
        "features": FORMAT_VERSION,
        "results": RESULT_VERSION,
        "collections": ARRAYS_VERSION,
    }
    for area, current in versions.items():
        for child in _children(store.root / area, store.root):
            version = _VERSION_DIR.match(child.name)
            if version is not None and int(version.group(1)) < current:
                removed.extend(_remove(child, Removed.OLD_FORMAT))

    cutoff = time.time() - UPLOAD_MAX_AGE_DAYS * 86400
    expired: set[str] = set()
    for upload in _children(store.uploads_dir, store.root):
        name = _UPLOAD_NAME.match(upload.name)
        if name is not None and _modified(upload) < cutoff:
            done = _remove(upload, Removed.OLD_UPLOAD)
            if done:
                expired.add(name.group(1))
            removed.extend(done)
    if expired:
        images = [
            path
            for path in _children(store.images_dir, store.root)
            if path.name.split("-", 1)[0] in expired
        ]
        entries = [
            path
            for path in _children(store.features_dir, store.root)
            if _entry_image_sha256(path) in expired
        ]
        results = [
            path
            for path in _children(store.results_dir, store.root)
            if result_image_sha256(path) in expired
        ]
        for path in [*images, *entries, *results]:
            removed.extend(_remove(path, Removed.UPLOAD_FILE))
    if verify:
        for computed in computed_areas(store):
            for path in _children(computed.folder, store.root):
                if computed.file_name.match(path.name) and stat.S_ISREG(_mode(path)):
                    why = damage(computed, path)
                    if why is not None:
                        _LOGGER.warning("Damaged %s %s: %s", computed.name, path, why)
                        removed.extend(_remove(path, Removed.DAMAGED))
    return MaintenanceReport(store.root, tuple(removed))


class Removed(enum.Enum):
    """Why :func:`maintain` removed something, as (one, several) for people."""

    OLD_FORMAT = ("folder of an older store format", "folders of older store formats")
    OLD_UPLOAD = (
        f"upload unused for {UPLOAD_MAX_AGE_DAYS} days",
        f"uploads unused for {UPLOAD_MAX_AGE_DAYS} days",
    )
    UPLOAD_FILE = ("prepared file of such an upload", "prepared files of such uploads")
    DAMAGED = ("damaged cache file", "damaged cache files")

    def count(self, number: int) -> str:
        return f"{number} {self.value[0] if number == 1 else self.value[1]}"


@dataclass(frozen=True)
class Removal:
    """One file, link or folder :func:`maintain` removed, and the bytes freed."""

    path: Path
    why: Removed
    nbytes: int


@dataclass(frozen=True)
class MaintenanceReport:
    """What :func:`maintain` removed from the store at ``root``."""

    root: Path
    removed: tuple[Removal, ...] = ()

    @property
    def nbytes(self) -> int:
        return sum(removal.nbytes for removal in self.removed)

    def summary(self) -> str:
        """One line for people: ``Freed 3.1 MB in /store: removed 2 uploads unused ...``."""
        if not self.removed:
            return f"Nothing to remove in {self.root}."
        counts = collections.Counter(removal.why for removal in self.removed)
        parts = ", ".join(why.count(counts[why]) for why in Removed if why in counts)
        return f"Freed {self.nbytes / 1e6:.1f} MB in {self.root}: removed {parts}."


def _mode(path: Path) -> int:
    try:
        return path.lstat().st_mode
    except OSError:
        return 0


def _modified(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return time.time()  # gone or unreadable: not old, so left alone


def _children(directory: Path, root: Path) -> Iterable[Path]:
    """The entries of a store area, or none if it is missing or really lies outside ``root``."""
    try:
        if not directory.resolve().is_relative_to(root):
            _LOGGER.warning("Not maintaining %s: it leads outside the store %s.", directory, root)
            return []
        return sorted(directory.iterdir())
    except OSError:  # missing, not a directory, or unreadable: nothing to maintain there
        return []


def _remove(path: Path, why: Removed) -> list[Removal]:
    """Remove a file, a link (not its target) or a whole folder; [] if it could not be."""
    try:
        status = path.lstat()
        if stat.S_ISDIR(status.st_mode):
            _, size = measure_folder(path)
            shutil.rmtree(path)
        else:
            size = status.st_size if stat.S_ISREG(status.st_mode) else 0
            path.unlink()
    except FileNotFoundError:
        return []
    except OSError as error:
        _LOGGER.warning("Could not remove %s (%s): %s", path, why.value[0], error.strerror or error)
        return []
    _LOGGER.info("Removed %s (%s, %.1f MB)", path, why.value[0], size / 1e6)
    return [Removal(path, why, size)]


def _entry_image_sha256(path: Path) -> str | None:
    """The image hash in a feature file's header, or None if it has none that can be read."""
    return header_image_sha256(path, PREFIX, MAGIC, MAX_HEADER_BYTES)
