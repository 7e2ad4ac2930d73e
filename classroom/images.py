"""Making the *analysis image* the features are computed on, from a checked image file.

The analysis image is the file's picture upright (EXIF orientation applied), in RGB, with its
longest side capped at ``max_side`` (aspect ratio kept, Lanczos filter). Features keep the
image's resolution otherwise: no 224 x 224 crop, because high-resolution maps are the point.
The content hash is the SHA-256 of the file's bytes, as the store keys it.

Everything that can be refused from a header (limits, sizes, formats) is
:mod:`classroom.image_headers`, re-exported here, so callers keep one module for images.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from classroom.image_headers import (
    DEFAULT_MAX_SIDE,
    FORMATS,
    MAX_DECODED_BYTES,
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MIN_SIDE,
    ImageError,
    analysis_size,
    check_file_size,
    check_image_bytes,
    check_size,
    content_sha256,
    map_pixel,
    planned,
    unreadable,
    upright_size,
)
from classroom.orientation import TRANSPOSE
from classroom.pixels import reduced_rgb, to_rgb

__all__ = [
    "DEFAULT_MAX_SIDE",
    "FORMATS",
    "MAX_DECODED_BYTES",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MIN_SIDE",
    "AnalysisImage",
    "ImageError",
    "analysis_size",
    "check_image_bytes",
    "check_size",
    "content_sha256",
    "load_analysis_image",
    "map_pixel",
    "to_rgb",
    "upright_size",
]


@dataclass(frozen=True)
class AnalysisImage:
    """The picture features are computed on, and where it came from.

    Attributes:
        path: the source file.
        sha256: SHA-256 of the source file's bytes.
        image: upright RGB picture, longest side at most ``max_side``.
        original_size: ``(width, height)`` of the source picture after EXIF orientation,
            the coordinates lessons use for reference pixels.
        max_side: the cap it was made with.
    """

    path: Path
    sha256: str
    image: Image.Image
    original_size: tuple[int, int]
    max_side: int

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of the analysis image."""
        width, height = self.image.size
        return width, height

    def png_bytes(self) -> bytes:
        """The analysis image encoded as PNG (how the store keeps it)."""
        buffer = io.BytesIO()
        # Level 1, not Pillow's 6: a 1024x768 photograph takes 0.06 s instead of 0.24 s (a
        # quarter of a forward pass) for a file 12 % larger, fetched once per browser.
        self.image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


def load_analysis_image(
    path: Path,
    max_side: int = DEFAULT_MAX_SIDE,
    *,
    max_pixels: int = MAX_PIXELS,
    max_decoded_bytes: int = MAX_DECODED_BYTES,
) -> AnalysisImage:
    """Open ``path`` and make its analysis image.

    Memory stays bounded: everything is checked from the header before decoding, a JPEG is
    decoded at reduced size where the analysis image allows, and a picture at least twice
    the analysis size in each direction is box-reduced band by band (:func:`reduced_rgb`)
    before the Lanczos filter makes the exact size.

    Raises:
        ImageError: naming the file and the problem, if it is missing, larger than
            :data:`MAX_FILE_BYTES`, not an image in one of :data:`FORMATS`, truncated or
            corrupt, has more than ``max_pixels`` pixels (checked from the header, before
            decoding), would take more than ``max_decoded_bytes`` to decode, or is too small
            or too narrow for its analysis image to have both sides of at least
            :data:`MIN_SIDE` pixels.
    """
    try:
        with path.open("rb") as handle:
            # The bytes are hashed and decoded in memory; a wrong file (a video, a disk
            # image) must not be read whole first.
            check_file_size(path, os.fstat(handle.fileno()).st_size)
            data = handle.read()
    except OSError as error:
        raise unreadable(path, error) from None
    with planned(path, data, max_side, max_pixels, max_decoded_bytes) as (opened, plan):
        # Only the header has been read so far: what cannot be used was refused before decoding.
        orientation, original_size, (width, height) = plan
        opened.load()
        factor = max(1, min(opened.width // (2 * width), opened.height // (2 * height)))
        rgb = reduced_rgb(opened, factor)
    if orientation != 1:
        rgb = rgb.transpose(TRANSPOSE[orientation])
    target = analysis_size(*original_size, max_side)
    if target != rgb.size:
        rgb = rgb.resize(target, Image.Resampling.LANCZOS)
    return AnalysisImage(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        image=rgb,
        original_size=original_size,
        max_side=max_side,
    )
