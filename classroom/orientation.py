"""A picture's EXIF orientation, read from its header, and how to turn it upright."""

from __future__ import annotations

import io
import struct
from typing import IO, Final

from PIL import ExifTags, Image

__all__ = ["TRANSPOSE", "exif_orientation"]

#: How a picture is turned upright, by EXIF orientation (1, upright, needs nothing).
TRANSPOSE: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _trailing_png_exif(source: IO[bytes]) -> bytes | None:
    """The EXIF chunk a PNG keeps after its pixel data, found by skipping chunks, not decoding."""
    position = source.tell()
    try:
        source.seek(8)
        while len(head := source.read(8)) == 8:
            length, kind = struct.unpack(">I4s", head)
            if kind == b"eXIf":
                return source.read(length)
            if kind == b"IEND":
                return None
            source.seek(length + 4, io.SEEK_CUR)
        return None
    finally:
        source.seek(position)


def exif_orientation(opened: Image.Image, source: IO[bytes]) -> int:
    """The EXIF orientation (1 to 8; 1 when absent or invalid), from the header alone.

    Pillow's PNG plugin decodes the whole picture to find an EXIF chunk behind the pixel data;
    here that chunk is looked up by skipping chunks, so that a check costs a header's read.
    """
    if opened.format == "PNG" and "exif" not in opened.info:
        trailing = _trailing_png_exif(source)
        if trailing is not None:
            opened.info["exif"] = (
                trailing if trailing.startswith(b"Exif") else b"Exif\0\0" + trailing
            )
    # The base class's method: the same tags, without the PNG plugin's full decode.
    orientation = Image.Image.getexif(opened).get(ExifTags.Base.Orientation, 1)
    return orientation if orientation in TRANSPOSE else 1
