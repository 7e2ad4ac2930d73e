"""The store's computed caches: technique results, generated images and collections' arrays.

Each is a folder of files named by a key (32 hex digits and the area's suffix), written
atomically and checked when read; a damaged file is removed by the reader that meets it. One
that nobody asks for again stays, though, so :func:`damage` lets maintenance check every file
of these areas itself, with the formats the store owns: a result's checksum and header
(:mod:`~classroom.store.results`), an array's checksum (:mod:`~classroom.store.arrays`), and a
generated image's ``.npz`` (a zip archive: every member's CRC).
"""

from __future__ import annotations

import io
import json
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.store.arrays import ARRAY_SUFFIX, parse_array
from classroom.store.format import DamagedEntryError
from classroom.store.results import MAGIC as RESULT_MAGIC
from classroom.store.results import PREFIX as RESULT_PREFIX
from classroom.store.results import RESULT_SUFFIX, parse_result

if TYPE_CHECKING:
    from classroom.store.files import FeatureStore

__all__ = [
    "ComputedArea",
    "computed_areas",
    "damage",
    "header_image_sha256",
    "result_image_sha256",
]

#: The largest file maintenance reads whole to check it (bigger ones are left to their readers).
_MAX_CHECKED_BYTES: Final = 1 << 28


@dataclass(frozen=True)
class ComputedArea:
    """One computed cache: its name for people, its folder, its files' names, their check."""

    name: str
    folder: Path
    file_name: re.Pattern[str]
    check: Callable[[Path, bytes], object]


def _check_npz(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise DamagedEntryError(f"{path.name}: not a whole .npz archive ({error})") from None
    if broken is not None:
        raise DamagedEntryError(f"{path.name}: its member {broken} does not match its CRC")


def _check_array(path: Path, data: bytes) -> None:
    try:
        parse_array(data)
    except DamagedEntryError as error:
        raise DamagedEntryError(f"{path.name} {error}") from None


def computed_areas(store: FeatureStore) -> tuple[ComputedArea, ...]:
    """The store's computed caches, in the order maintenance reports them."""

    def named(suffix: str) -> re.Pattern[str]:
        return re.compile(rf"^[0-9a-f]{{32}}{re.escape(suffix)}$")

    return (
        ComputedArea("technique results", store.results_dir, named(RESULT_SUFFIX), parse_result),
        ComputedArea("generated images", store.generated_dir, named(".npz"), _check_npz),
        ComputedArea("collection arrays", store.collections_dir, named(ARRAY_SUFFIX), _check_array),
    )


def damage(area: ComputedArea, path: Path) -> str | None:
    """Why the regular file ``path`` of ``area`` is damaged, or None when it is whole (or too
    large to read here, or gone)."""
    try:
        status = path.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_CHECKED_BYTES:
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    try:
        area.check(path, data)
    except DamagedEntryError as error:
        return str(error)
    return None


def header_image_sha256(
    path: Path, prefix: struct.Struct, magic: bytes, max_header: int
) -> str | None:
    """The image hash in the JSON header of a store file that starts with ``prefix`` (magic,
    version, header length, ...): a feature file or a technique result; None if unreadable."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        with path.open("rb") as handle:
            found, _, header_length, _ = prefix.unpack(handle.read(prefix.size))
            if found != magic or header_length > max_header:
                return None
            header = json.loads(handle.read(header_length))
        image_sha256 = header["key"]["image_sha256"]
    except (OSError, struct.error, ValueError, KeyError, TypeError):
        return None
    return image_sha256 if isinstance(image_sha256, str) else None


def result_image_sha256(path: Path) -> str | None:
    """The image hash a technique result is keyed by (its header), or None if unreadable."""
    return header_image_sha256(path, RESULT_PREFIX, RESULT_MAGIC, 1 << 20)
