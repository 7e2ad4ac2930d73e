"""What a lesson bundle holds (its manifest) and the rules every member name obeys.

A bundle is a zip archive (read with the standard library, never unpickled or executed) of::

    manifest.json                        this module's :class:`Manifest`
    lessons/<lesson>.yaml                the lesson file, as the instructor wrote it
    datasets/<path>                      its images (and LICENSES.md), as the lesson names them
    store/features/v2/<entry_id>.cfm     prepared maps, in the store's own format
    store/images/<sha256>-<side>.png     the analysis images they were computed from

so that, unpacked, it is a lesson directory, a datasets directory and a store, which the app
reads as it reads a prepared lesson.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from classroom.store import FEATURE_SUFFIX, FORMAT_VERSION

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_SUFFIX",
    "BUNDLE_VERSION",
    "MANIFEST_NAME",
    "Limits",
    "Manifest",
    "MapRecord",
    "Member",
    "Pin",
    "member_problem",
]

BUNDLE_FORMAT: Final = "classroom-lesson-bundle"
BUNDLE_VERSION: Final = 1
BUNDLE_SUFFIX: Final = ".classroom"
MANIFEST_NAME: Final = "manifest.json"

LESSONS_PREFIX: Final = "lessons/"
DATASETS_PREFIX: Final = "datasets/"
FEATURES_PREFIX: Final = f"store/features/v{FORMAT_VERSION}/"
IMAGES_PREFIX: Final = "store/images/"

_LESSON_NAME: Final = re.compile(r"^lessons/[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.ya?ml$")
_FEATURE_NAME: Final = re.compile(
    "^" + re.escape(FEATURES_PREFIX) + "[0-9a-f]{32}" + re.escape(FEATURE_SUFFIX) + "$"
)
_IMAGE_NAME: Final = re.compile("^" + re.escape(IMAGES_PREFIX) + r"[0-9a-f]{64}-[0-9]{1,6}\.png$")
_MAX_NAME: Final = 255

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


@dataclass(frozen=True)
class Limits:
    """What a bundle may hold, checked against its declarations before anything is unpacked.

    The defaults fit a lesson of a few dozen pictures at 16 bit with room to spare; a bundle
    beyond them is refused rather than allowed to fill a student's disk.
    """

    bundle_bytes: int = 4 * 1024**3
    members: int = 10_000
    manifest_bytes: int = 4 * 1024**2
    member_bytes: int = 1024**3
    total_bytes: int = 4 * 1024**3


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Member(_Strict):
    """One file of the bundle: its name, its exact size and its SHA-256."""

    name: str
    size: Annotated[int, Field(ge=0)]
    sha256: Sha256Hex


class Pin(_Strict):
    """Which weights made the maps of one (model, weights name): what the viewer keys on."""

    model: str
    weights: str
    weights_id: str
    label: str
    untrained: bool


class MapRecord(_Strict):
    """One prepared map: which picture, network, weights and layer made it."""

    member: str
    image: str
    model: str
    weights_id: str
    layer: str
    precision: Literal[8, 16, 32]


class Manifest(_Strict):
    """``manifest.json``: the bundle's table of contents, every member with its checksum."""

    format: Literal["classroom-lesson-bundle"]
    version: Literal[1]
    classroom_version: str
    lesson: str
    untrained: bool
    pins: list[Pin]
    maps: list[MapRecord]
    members: list[Member]


def member_problem(name: str) -> str | None:
    """Why ``name`` cannot be a member of a bundle (escaping paths, odd places), or None."""
    if not name or len(name) > _MAX_NAME:
        return "a member name is empty or too long"
    if "\\" in name or "\x00" in name or any(ord(char) < 32 for char in name):
        return f"the member name {name!r} holds a backslash or a control character"
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"the member {name!r} has an absolute path"
    if any(part in {"", ".", ".."} for part in name.split("/")):
        return f"the member path {name!r} escapes its folder ('..', '.' or an empty part)"
    if name == MANIFEST_NAME:
        return None
    if name.startswith(LESSONS_PREFIX):
        return None if _LESSON_NAME.match(name) else f"{name!r} is not a lesson file name"
    if name.startswith(FEATURES_PREFIX):
        return None if _FEATURE_NAME.match(name) else f"{name!r} is not a feature file name"
    if name.startswith(IMAGES_PREFIX):
        return None if _IMAGE_NAME.match(name) else f"{name!r} is not an analysis image name"
    if name.startswith(DATASETS_PREFIX) and len(path.parts) > 1:
        return None
    return f"{name!r} is outside the folders a bundle has (lessons/, datasets/, store/)"
