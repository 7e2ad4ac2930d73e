"""'Your own image': checking an upload, keeping it, and what to prepare for it.

An upload is checked as soon as it arrives, from its header alone (size, then what
:mod:`classroom.images` checks before decoding: format, pixel count, the memory decoding
takes, a side too short), so a wrong file gets a message naming it and the limit it broke
before anything is queued, and a room full of uploads costs no decoding in the page. Decoding
happens once, in the preparation queue, one picture at a time (a damaged file is reported
from there). Accepted files are kept content-addressed in the store's uploads area: the same
picture uploaded twice is prepared once. Nothing is ever deleted on a refusal: the same bytes
may be in use by another session, whose lesson allows what this one refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image, UnidentifiedImageError

from classroom import images
from classroom.lessons import Lesson
from classroom.preparation import DEFAULT_LAYERS, PrepareRequest
from classroom.store import FeatureStore

__all__ = [
    "MAX_UPLOAD_DECODED_BYTES",
    "MAX_UPLOAD_MB",
    "MAX_UPLOAD_PIXELS",
    "UPLOAD_TYPES",
    "Upload",
    "UploadError",
    "accept_upload",
    "upload_request",
]

#: The file types the uploader offers; the content is checked too, not only the name.
UPLOAD_TYPES: Final = ("png", "jpg", "jpeg", "tif", "tiff", "webp", "gif", "bmp")
MAX_UPLOAD_MB: Final = 20
#: About 7000 x 5000: a large camera picture; far larger ones belong in a lesson's datasets.
MAX_UPLOAD_PIXELS: Final = 40_000_000
#: The memory one upload may take to decode (a JPEG is decoded at reduced size, so only its
#: analysis size counts): a 33-megapixel PNG, or a 40-megapixel 16-bit greyscale scan.
MAX_UPLOAD_DECODED_BYTES: Final = 128 << 20
#: Stored files keep a suffix that matches their content, whatever the uploaded name said.
_SUFFIXES: Final = {
    "PNG": ".png",
    "JPEG": ".jpg",
    "MPO": ".jpg",
    "TIFF": ".tif",
    "WEBP": ".webp",
    "GIF": ".gif",
    "BMP": ".bmp",
    "AVIF": ".avif",
}


class UploadError(ValueError):
    """An upload cannot be used; the message names the file and what to do.

    Attributes:
        name: the file name as uploaded (text from outside: show it literally).
        problem: what is wrong and what to do, without the name.
    """

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


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

    Only the header is read: a file that is damaged further in is refused when it is
    prepared. A refused file is never kept, and nothing already kept is deleted.

    Raises:
        UploadError: the file is empty, larger than :data:`MAX_UPLOAD_MB`, not a picture in
            one of :data:`classroom.images.FORMATS`, has more than ``max_pixels`` pixels,
            would take more than :data:`MAX_UPLOAD_DECODED_BYTES` to decode, or is too small
            for the network; or the store cannot keep it.
    """
    limit = MAX_UPLOAD_MB * 1024 * 1024
    if not data:
        raise UploadError(name, "the file is empty")
    if len(data) > limit:
        raise UploadError(
            name,
            f"{len(data) / 1024 / 1024:.1f} MB is more than the limit of {MAX_UPLOAD_MB} MB; "
            "save the picture smaller (fewer pixels or JPEG) and try again",
        )
    try:
        original_size = images.check_image_bytes(
            Path(name),
            data,
            max_side,
            max_pixels=max_pixels,
            max_decoded_bytes=MAX_UPLOAD_DECODED_BYTES,
        )
    except images.ImageError as error:
        # The problem alone: the person knows the file by its own name, not the stored copy's.
        raise UploadError(name, error.problem) from None
    try:
        path = store.write_upload(data, _suffix(data))
    except OSError as error:
        raise UploadError(name, f"cannot be kept: {error}") from None
    return Upload(name=name, path=path, original_size=original_size)


def _suffix(data: bytes) -> str:
    """A file-name suffix for the content (``.bin`` when it is no picture: images says why)."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            kind = opened.format or ""
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return ".bin"
    return _SUFFIXES.get(kind, ".bin")


def upload_request(upload: Upload, lesson: Lesson | None) -> PrepareRequest:
    """What to prepare for an upload: the current lesson's network and weights, at its
    family's early, middle and late layers.

    Using the lesson's network (its own weights or model file too) lets the class compare
    their own picture with the lesson's; without a lesson, the defaults.
    """
    if lesson is None:
        return PrepareRequest(
            image=upload.path,
            layers=DEFAULT_LAYERS,
            source=f"your image {upload.name}",
        )
    return PrepareRequest(
        image=upload.path,
        architecture=lesson.model,
        weights=lesson.weights,
        layers=lesson.network.default_layers,
        precision=lesson.precision,
        max_side=lesson.max_side,
        source=f"your image {upload.name}",
        num_classes=lesson.num_classes,
        model_file=lesson.model_file,
    )
