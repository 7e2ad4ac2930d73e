"""What an image file's header tells, and what is refused from it before decoding.

The limits (file size, pixels, the memory decoding takes, the smallest analysis image), the
picture's upright size (EXIF orientation applied), the size of its analysis image, and where a
reference pixel lands in it: everything a lesson check, an upload and the preparation plan need
to know without decoding a picture, so checking lessons needs neither numpy nor the decoders'
memory. :mod:`classroom.images` decodes what passed these checks.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

from PIL import Image, UnidentifiedImageError

from classroom.formats import FORMATS, readable_formats, unidentified
from classroom.hashing import file_sha256
from classroom.orientation import exif_orientation

__all__ = [
    "DEFAULT_MAX_SIDE",
    "FORMATS",
    "MAX_DECODED_BYTES",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MIN_SIDE",
    "ImageError",
    "Plan",
    "analysis_size",
    "check_file_size",
    "check_image_bytes",
    "check_size",
    "content_sha256",
    "decoded_bytes",
    "image_error",
    "map_pixel",
    "planned",
    "unreadable",
    "upright_size",
]

DEFAULT_MAX_SIDE: Final = 1024
#: Larger pictures are refused before decoding: a decompression bomb must not exhaust memory.
MAX_PIXELS: Final = 100_000_000
#: Larger files are refused before reading: 100 million 16-bit RGB pixels fit, uncompressed.
MAX_FILE_BYTES: Final = 1 << 30
#: The shorter side of the analysis image must span at least two conv4_x cells (stride 16).
#: Smaller pictures are refused, not enlarged: upscaling would show the network detail that
#: the picture does not have.
MIN_SIDE: Final = 32
#: Pictures whose decoding takes more memory are refused before decoding: 100 million pixels
#: of four bytes (RGB, RGBA, 32-bit grey) fit, as lessons may have them.
MAX_DECODED_BYTES: Final = 512 << 20


#: Bytes per pixel in Pillow's memory: one byte for 1, L and P, two for 16-bit greyscale,
#: four for every other mode (multi-band 8-bit pictures are stored as four bytes a pixel).
_ONE_BYTE: Final = frozenset({"1", "L", "P"})
_TWO_BYTES: Final = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})

#: What :func:`planned` found in a header: the EXIF orientation, the upright size, and the
#: size to decode at (in the stored orientation).
Plan = tuple[int, tuple[int, int], tuple[int, int]]


class ImageError(ValueError):
    """An image cannot be used; the message names the file and the problem.

    Attributes:
        problem: the problem alone, without the file name (for reports that name the file
            their own way, such as a lesson's line and field).
    """

    def __init__(self, message: str, *, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem if problem is not None else message


def image_error(path: Path, problem: str) -> ImageError:
    return ImageError(f"{path}: {problem}", problem=problem)


def decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    """The memory Pillow takes for a decoded picture of ``mode`` and ``size``."""
    per_pixel = 1 if mode in _ONE_BYTE else 2 if mode in _TWO_BYTES else 4
    return size[0] * size[1] * per_pixel


def analysis_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The size of the analysis image: unchanged, or scaled so the longest side is ``max_side``."""
    if max_side <= 0:
        raise ValueError(f"max_side must be positive, not {max_side}")
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def unreadable(path: Path, error: OSError) -> ImageError:
    if isinstance(error, FileNotFoundError):
        return image_error(path, "the image file does not exist")
    if isinstance(error, IsADirectoryError):
        return image_error(path, "is a directory, not an image file")
    return image_error(path, f"cannot be read ({error.strerror or error})")


def check_file_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise image_error(
            path,
            f"the file has {size / 2**20:,.0f} MB, more than the {MAX_FILE_BYTES >> 20} MB an "
            "image file may have; scale the picture down first",
        )


def content_sha256(path: Path) -> str:
    """SHA-256 of the image file's bytes, without decoding it (cached per process).

    Raises:
        ImageError: if the file cannot be read or is larger than :data:`MAX_FILE_BYTES`
            (hashing gigabytes read by mistake would hold up preparation for nothing).
    """
    try:
        check_file_size(path, path.stat().st_size)
        return file_sha256(path)
    except OSError as error:
        raise unreadable(path, error) from None


def _check_pixels(path: Path, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise image_error(
            path,
            f"{width} x {height} pixels is more than the limit of {max_pixels:,} pixels; "
            "scale the image down first",
        )


def check_size(
    path: Path, width: int, height: int, max_side: int, *, max_pixels: int = MAX_PIXELS
) -> None:
    """Refuse a picture of ``width`` x ``height`` that is too large or too small to prepare.

    Raises:
        ImageError: if it has more than ``max_pixels`` pixels, or a side of its analysis
            image (longest side capped at ``max_side``) is shorter than :data:`MIN_SIDE`.
    """
    _check_pixels(path, width, height, max_pixels)
    target = analysis_size(width, height, max_side)
    if min(target) >= MIN_SIDE:
        return
    if min(width, height) >= MIN_SIDE:
        raise image_error(
            path,
            f"the image is too narrow: {width} x {height} pixels become {target[0]} x "
            f"{target[1]} when the longest side is capped at {max_side}, and both sides must "
            f"be at least {MIN_SIDE} pixels; crop it to a less extreme shape",
        )
    raise image_error(
        path,
        f"the image is too small: {target[0]} x {target[1]} pixels after capping the longest "
        f"side at {max_side}; both sides must be at least {MIN_SIDE} pixels, enough for the "
        "deepest layers to see more than one cell",
    )


@contextlib.contextmanager
def _opened(path: Path, source: IO[bytes], max_pixels: int) -> Iterator[Image.Image]:
    """The picture in ``source`` opened (header read only) and checked against ``max_pixels``.

    Any failure inside the ``with`` block, including decoding in it, becomes an
    :class:`ImageError` that names ``path``. Pillow reports damage mostly as OSError, but its
    plugins also raise SyntaxError, EOFError, struct.error and others; a picture must never
    fail with a message that does not say which file it is.
    """
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning is replaced by the explicit limit below; its hard
            # error (at twice its warning size) still applies and is reported below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(source, formats=readable_formats())
        with opened:
            _check_pixels(path, *opened.size, max_pixels)
            yield opened
    except ImageError:
        raise
    except UnidentifiedImageError:
        source.seek(0)
        raise image_error(path, unidentified(source.read(64))) from None
    except Image.DecompressionBombError:
        limit = 2 * (Image.MAX_IMAGE_PIXELS or 0)
        raise image_error(
            path,
            f"has too many pixels to be opened safely (over {limit:,}); scale the image down first",
        ) from None
    except MemoryError:
        raise image_error(path, "needs more memory to decode than this computer has") from None
    except Exception as error:
        raise image_error(path, f"the image is truncated or corrupt ({error})") from error


def upright_size(
    path: Path, *, max_pixels: int = MAX_PIXELS, verify: bool = False
) -> tuple[int, int]:
    """``(width, height)`` of the picture after EXIF orientation, read from its header only.

    With ``verify``, the file's own checks are run too, without decoding the picture (a
    PNG's checksums: a cut or altered PNG is found; other formats have none to run).

    Raises:
        ImageError: if the file cannot be read, is not an image in one of :data:`FORMATS`,
            has more than ``max_pixels`` pixels, or fails its checks.
    """
    try:
        handle = path.open("rb")
    except OSError as error:
        raise unreadable(path, error) from None
    with handle, _opened(path, handle, max_pixels) as opened:
        width, height = opened.size
        orientation = exif_orientation(opened, handle)
        if verify:
            opened.verify()
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


def _plan(
    path: Path,
    opened: Image.Image,
    source: IO[bytes],
    *,
    max_side: int,
    max_pixels: int,
    max_decoded_bytes: int,
) -> Plan:
    """Check an opened picture from its header and prepare its decoding at reduced size.

    Returns its EXIF orientation, its upright size and the size to decode it at (in its stored
    orientation), having asked a JPEG decoder for a smaller picture where the analysis image
    allows (``draft``: the decoder scales by 1/2, 1/4 or 1/8, almost for free).

    Raises:
        ImageError: the picture is too large or too small (:func:`check_size`), or decoding it
            would take more than ``max_decoded_bytes`` of memory.
    """
    width, height = opened.size
    orientation = exif_orientation(opened, source)
    turned = orientation in {5, 6, 7, 8}
    upright = (height, width) if turned else (width, height)
    check_size(path, *upright, max_side, max_pixels=max_pixels)
    target = analysis_size(*upright, max_side)
    stored_target = (target[1], target[0]) if turned else target
    if opened.format in {"JPEG", "MPO"} and stored_target != opened.size:
        # At least twice the analysis size, so that the Lanczos filter still has detail to use.
        opened.draft(None, (2 * stored_target[0], 2 * stored_target[1]))
    needed = decoded_bytes(opened.mode, opened.size)
    if needed > max_decoded_bytes:
        raise image_error(
            path,
            f"decoding this {width} x {height} picture takes {needed / 1e6:,.0f} MB of memory, "
            f"more than the {max_decoded_bytes / 1e6:,.0f} MB a picture may take here; save it "
            "with fewer pixels, or as JPEG",
        )
    return orientation, upright, stored_target


@contextlib.contextmanager
def planned(
    path: Path, data: bytes, max_side: int, max_pixels: int, max_decoded_bytes: int
) -> Iterator[tuple[Image.Image, Plan]]:
    """The picture in ``data`` opened and checked from its header (:func:`_plan`)."""
    source = io.BytesIO(data)
    with _opened(path, source, max_pixels) as opened:
        yield (
            opened,
            _plan(
                path,
                opened,
                source,
                max_side=max_side,
                max_pixels=max_pixels,
                max_decoded_bytes=max_decoded_bytes,
            ),
        )


def check_image_bytes(
    path: Path,
    data: bytes,
    max_side: int = DEFAULT_MAX_SIDE,
    *,
    max_pixels: int = MAX_PIXELS,
    max_decoded_bytes: int = MAX_DECODED_BYTES,
) -> tuple[int, int]:
    """Check the picture in ``data`` from its header alone; returns its upright size.

    Everything :func:`load_analysis_image` refuses before decoding is refused here (the
    format, the pixel and memory limits, a picture too small or too narrow), at the cost of
    reading a header: a server can check every upload at once, however many arrive, and
    leave decoding to its preparation queue. ``path`` only names the picture in messages.

    Raises:
        ImageError: naming ``path`` and the problem.
    """
    if not data:
        raise image_error(path, "is not an image file: it is empty")
    check_file_size(path, len(data))
    with planned(path, data, max_side, max_pixels, max_decoded_bytes) as (_, plan):
        return plan[1]
