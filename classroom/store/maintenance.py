"""Keeping the store from growing forever (:func:`maintain`).

It removes the folders of older format versions (never read again) and uploads nobody has
uploaded for a month, with their prepared files. It never touches anything outside the store
root.
"""

from __future__ import annotations

import collections
import enum
import json
import logging
import os
import re
import shutil
import stat
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.store.format import FORMAT_VERSION, MAGIC, MAX_HEADER_BYTES, PREFIX

if TYPE_CHECKING:
    from classroom.store.files import FeatureStore

__all__ = ["UPLOAD_MAX_AGE_DAYS", "MaintenanceReport", "Removal", "Removed", "maintain"]

_LOGGER = logging.getLogger(__name__)

#: Uploads not uploaded again for this long are removed, with their prepared files.
UPLOAD_MAX_AGE_DAYS: Final = 30
_VERSION_DIR: Final = re.compile(r"^v([0-9]{1,6})$")
_UPLOAD_NAME: Final = re.compile(r"^([0-9a-f]{64})\.[a-z0-9]{1,8}$")


def maintain(store: FeatureStore) -> MaintenanceReport:
    """Remove what nobody will read again; log each removal and return what was removed.

    * ``features/v<n>`` for every format version older than this one (a newer version's
      folder is left alone: two installed versions sharing a store must not keep deleting
      each other's work);
    * uploads not uploaded again for :data:`UPLOAD_MAX_AGE_DAYS` days, with their analysis
      images and feature files (found by the image hash in each entry's header).

    Only the store's own names are considered, symbolic links are removed as links (never
    followed), and an area whose real path lies outside the store root is skipped.
    """
    removed: list[Removal] = []
    for child in _children(store.root / "features", store.root):
        version = _VERSION_DIR.match(child.name)
        if version is not None and int(version.group(1)) < FORMAT_VERSION:
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
        for path in [*images, *entries]:
            removed.extend(_remove(path, Removed.UPLOAD_FILE))
    return MaintenanceReport(store.root, tuple(removed))


class Removed(enum.Enum):
    """Why :func:`maintain` removed something, as (one, several) for people."""

    OLD_FORMAT = ("folder of an older store format", "folders of older store formats")
    OLD_UPLOAD = (
        f"upload unused for {UPLOAD_MAX_AGE_DAYS} days",
        f"uploads unused for {UPLOAD_MAX_AGE_DAYS} days",
    )
    UPLOAD_FILE = ("prepared file of such an upload", "prepared files of such uploads")

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
            size = sum(
                (Path(folder) / name).lstat().st_size
                for folder, _, names in os.walk(path)
                for name in names
            )
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
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        with path.open("rb") as handle:
            prefix = handle.read(PREFIX.size)
            magic, _, header_length, _ = PREFIX.unpack(prefix)
            if magic != MAGIC or header_length > MAX_HEADER_BYTES:
                return None
            header = json.loads(handle.read(header_length))
        image_sha256 = header["key"]["image_sha256"]
    except (OSError, struct.error, ValueError, KeyError, TypeError):
        return None
    return image_sha256 if isinstance(image_sha256, str) else None
