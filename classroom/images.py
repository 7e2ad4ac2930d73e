"""Opening images safely and making the *analysis image* the features are computed on.

The analysis image is the file's picture upright (EXIF orientation applied), in RGB, with its
longest side capped at ``max_side`` (aspect ratio kept, Lanczos filter). Features keep the
image's resolution otherwise: no 224 x 224 crop, because high-resolution maps are the point.
The content hash is the SHA-256 of the file's bytes, as the store keys it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from classroom.hashing import file_sha256

__all__ = [
    "DEFAULT_MAX_SIDE",
    "MAX_PIXELS",
    "MIN_SIDE",
    "AnalysisImage",
    "ImageError",
    "analysis_size",
    "content_sha256",
    "load_analysis_image",
    "map_pixel",
    "to_rgb",
    "upright_size",
]

DEFAULT_MAX_SIDE: Final = 1024
#: Larger pictures are refused before decoding: a decompression bomb must not exhaust memory.
MAX_PIXELS: Final = 100_000_000
#: The shorter side of the analysis image must span at least two conv4_x cells (stride 16).
MIN_SIDE: Final = 32

# Modes whose values are not 8-bit intensities; they are stretched to 0..255 by their range.
_HIGH_DEPTH_MODES: Final = frozenset({"I", "F", "I;16", "I;16L", "I;16B", "I;16N"})
_WHITE: Final = (255, 255, 255)


class ImageError(ValueError):
    """An image cannot be used; the message names the file and the problem."""


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
        self.image.save(buffer, format="PNG")
        return buffer.getvalue()


def analysis_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The size of the analysis image: unchanged, or scaled so the longest side is ``max_side``."""
    if max_side <= 0:
        raise ValueError(f"max_side must be positive, not {max_side}")
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB.

    Transparent pixels are composited over white (how viewers show them). High-bit-depth
    greyscale (16-bit, 32-bit integer, float) is stretched from its own minimum and maximum to
    0..255, as image viewers display it: microscopy data often fills only 12 of 16 bits and
    would otherwise look black.
    """
    if image.mode == "RGB":
        return image
    if image.mode in _HIGH_DEPTH_MODES:
        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        span = high - low if high > low else 1.0
        grey = np.rint((values - low) * (255.0 / span)).astype(np.uint8)
        return Image.fromarray(grey, mode="L").convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in {"RGBa", "La", "PA"}:
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA"}:
        background = Image.new("RGB", image.size, _WHITE)
        background.paste(image.convert("RGBA"), mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _unreadable(path: Path, error: OSError) -> ImageError:
    if isinstance(error, FileNotFoundError):
        return ImageError(f"{path}: the image file does not exist")
    if isinstance(error, IsADirectoryError):
        return ImageError(f"{path}: is a directory, not an image file")
    return ImageError(f"{path}: cannot be read ({error.strerror or error})")


def content_sha256(path: Path) -> str:
    """SHA-256 of the image file's bytes, without decoding it (cached per process)."""
    try:
        return file_sha256(path)
    except OSError as error:
        raise _unreadable(path, error) from None


def upright_size(path: Path) -> tuple[int, int]:
    """``(width, height)`` of the picture after EXIF orientation, read from its header only."""
    try:
        with Image.open(path) as opened:
            width, height = opened.size
            orientation = opened.getexif().get(ExifTags.Base.Orientation, 1)
    except UnidentifiedImageError:
        raise ImageError(f"{path}: is not an image file Pillow can read") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{path}: has too many pixels to be opened safely") from None
    except OSError as error:
        raise _unreadable(path, error) from None
    # Orientations 5 to 8 turn the picture by a quarter: width and height swap.
    return (height, width) if orientation in {5, 6, 7, 8} else (width, height)


def map_pixel(
    x: int, y: int, from_size: tuple[int, int], to_size: tuple[int, int]
) -> tuple[int, int]:
    """The pixel of a resized picture whose centre lies under the centre of pixel ``(x, y)``.

    Lessons give reference pixels in original-image pixels; the view works in analysis-image
    pixels.

    Raises:
        ValueError: if ``(x, y)`` lies outside a picture of ``from_size``.
    """
    (from_width, from_height), (to_width, to_height) = from_size, to_size
    if not (0 <= x < from_width and 0 <= y < from_height):
        raise ValueError(f"pixel ({x}, {y}) is outside the {from_width} x {from_height} image")
    return (
        min(int((x + 0.5) * to_width / from_width), to_width - 1),
        min(int((y + 0.5) * to_height / from_height), to_height - 1),
    )


def load_analysis_image(
    path: Path, max_side: int = DEFAULT_MAX_SIDE, *, max_pixels: int = MAX_PIXELS
) -> AnalysisImage:
    """Open ``path`` and make its analysis image.

    Raises:
        ImageError: if the file is missing, is not an image, is truncated or corrupt, has more
            than ``max_pixels`` pixels, or its analysis image is thinner than :data:`MIN_SIDE`.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        # Pillow's own bomb warning is replaced by the explicit limit below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
        with opened:
            # Only the header has been read so far: refuse a huge picture before decoding it.
            width, height = opened.size
            if width * height > max_pixels:
                raise ImageError(
                    f"{path}: {width} x {height} pixels is more than the limit of "
                    f"{max_pixels:,} pixels; scale the image down first"
                )
            opened.load()
            upright = ImageOps.exif_transpose(opened)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(f"{path}: is not an image file Pillow can read") from None
    except Image.DecompressionBombError:
        raise ImageError(
            f"{path}: has far more pixels than the limit of {max_pixels:,}; "
            "scale the image down first"
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(f"{path}: the image is truncated or corrupt ({error})") from error

    original_size = upright.size
    target = analysis_size(*original_size, max_side)
    if min(target) < MIN_SIDE:
        raise ImageError(
            f"{path}: the image is too small: {target[0]} x {target[1]} pixels after capping the "
            f"longest side at {max_side}; both sides must be at least {MIN_SIDE} pixels"
        )
    try:
        rgb = to_rgb(upright)
    except ValueError as error:
        raise ImageError(f"{path}: colour mode {upright.mode} is not supported ({error})") from None
    if target != rgb.size:
        rgb = rgb.resize(target, Image.Resampling.LANCZOS)
    return AnalysisImage(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        image=rgb,
        original_size=original_size,
        max_side=max_side,
    )
