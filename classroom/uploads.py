"""'Your own image': checking an upload, keeping it, and what to prepare for it.

An upload is checked as soon as it arrives (size, type, pixel count, readability), so a wrong
file gets a message naming it and the limit it broke, before anything is queued. Accepted
files are kept content-addressed in the store's uploads area: the same picture uploaded twice
is prepared once, and nothing about it is shared with other sessions except those files.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, UnidentifiedImageError

from classroom import images, models
from classroom.lessons import Lesson
from classroom.preparation import DEFAULT_LAYERS, PrepareRequest
from classroom.store import FeatureStore

__all__ = [
    "MAX_UPLOAD_MB",
    "MAX_UPLOAD_PIXELS",
    "UPLOAD_TYPES",
    "Upload",
    "UploadError",
    "accept_upload",
    "upload_request",
]

#: The file types the uploader offers; the content is checked too, not only the name.
UPLOAD_TYPES: Final = ("png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp")
MAX_UPLOAD_MB: Final = 20
#: About 7000 x 5000: a large camera picture; far larger ones belong in a lesson's datasets.
MAX_UPLOAD_PIXELS: Final = 40_000_000
_SUFFIXES: Final = {"PNG": ".png", "JPEG": ".jpg", "TIFF": ".tif", "BMP": ".bmp", "WEBP": ".webp"}
_TYPE_NAMES: Final = "PNG, JPEG, TIFF, BMP or WebP"


class UploadError(ValueError):
    """An upload cannot be used; the message names the file and what to do."""


@dataclass(frozen=True)
class Upload:
    """An accepted upload.

    Attributes:
        name: the file name as uploaded (for captions only).
        path: where the store keeps it.
        original_size: ``(width, height)`` after EXIF rotation.
    """

    name: str
    path: Path
    original_size: tuple[int, int]


def accept_upload(
    name: str,
    data: bytes,
    store: FeatureStore,
    *,
    max_side: int = images.DEFAULT_MAX_SIDE,
    max_pixels: int = MAX_UPLOAD_PIXELS,
) -> Upload:
    """Check an uploaded file and keep it in the store.

    Raises:
        UploadError: the file is empty, larger than :data:`MAX_UPLOAD_MB`, not a picture of
            an accepted type, has more than ``max_pixels`` pixels, or cannot be decoded.
    """
    limit = MAX_UPLOAD_MB * 1024 * 1024
    if not data:
        raise UploadError(f"{name}: the file is empty")
    if len(data) > limit:
        raise UploadError(
            f"{name}: {len(data) / 1024 / 1024:.1f} MB is more than the limit of "
            f"{MAX_UPLOAD_MB} MB; save the picture smaller (fewer pixels or JPEG) and try again"
        )
    try:
        with Image.open(io.BytesIO(data)) as opened:
            kind = opened.format or "unknown"
    except (UnidentifiedImageError, OSError):
        raise UploadError(f"{name}: is not a picture; upload a {_TYPE_NAMES} file") from None
    suffix = _SUFFIXES.get(kind)
    if suffix is None:
        raise UploadError(f"{name}: is a {kind} file; upload a {_TYPE_NAMES} file")
    path = store.write_upload(data, suffix)
    try:
        analysis = images.load_analysis_image(path, max_side, max_pixels=max_pixels)
    except images.ImageError as error:
        path.unlink(missing_ok=True)
        # The message names the stored copy; the person knows the file by its own name.
        raise UploadError(str(error).replace(str(path), name, 1)) from None
    return Upload(name=name, path=path, original_size=analysis.original_size)


def upload_request(upload: Upload, lesson: Lesson | None) -> PrepareRequest:
    """What to prepare for an upload: the default layers of the current lesson's network.

    Using the lesson's model and weights lets the class compare their own picture with the
    lesson's; without a lesson, the defaults.
    """
    return PrepareRequest(
        image=upload.path,
        architecture=lesson.model if lesson else models.DEFAULT_ARCHITECTURE,
        weights=lesson.weights if lesson else models.IMAGENET,
        layers=DEFAULT_LAYERS,
        precision=lesson.precision if lesson else 8,
        max_side=lesson.max_side if lesson else images.DEFAULT_MAX_SIDE,
        source=f"your image {upload.name}",
    )
