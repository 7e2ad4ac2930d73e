"""Which files are read as pictures, and what the others are, for a helpful refusal."""

from __future__ import annotations

from functools import cache
from typing import Final

from PIL import Image

__all__ = ["FORMATS", "readable_formats", "unidentified"]

#: The formats read. Others are refused even where Pillow could open them: EPS would run
#: Ghostscript, and rarely used decoders are the likeliest to mishandle a hostile file.
FORMATS: Final = ("PNG", "JPEG", "MPO", "TIFF", "WEBP", "GIF", "BMP", "AVIF")
_FORMAT_NAMES: Final = "PNG, JPEG, TIFF, WebP, GIF or BMP"
#: ISO media brands of HEIF pictures (what iPhones save), which Pillow cannot read.
_HEIF_BRANDS: Final = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
#: Files people mistake for pictures, by their first bytes.
_OTHER_KINDS: Final = (
    (b"%PDF", "a PDF document"),
    (b"%!PS", "a PostScript (EPS) file"),
    (b"\xc5\xd0\xd3\xc6", "a PostScript (EPS) file"),
    (b"8BPS", "a Photoshop (PSD) file"),
)


def unidentified(head: bytes) -> str:
    """What a file Pillow cannot identify is, as far as its first bytes tell."""
    if not head:
        return "is not an image file: it is empty"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return (
            "is a HEIC/HEIF photo (the format iPhones save by default), which cannot be read "
            "here; convert it to JPEG or PNG first"
        )
    for magic, kind in _OTHER_KINDS:
        if head.startswith(magic):
            return f"is {kind}, which is not read here; export it as PNG or JPEG"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if text.isprintable() or all(c.isprintable() or c.isspace() for c in text):
            return "is not an image file: it holds text"
    return f"is not an image file that can be read here (use {_FORMAT_NAMES})"


@cache
def readable_formats() -> tuple[str, ...]:
    """:data:`FORMATS` that this Pillow build has (AVIF needs a recent one)."""
    Image.init()
    return tuple(name for name in FORMATS if name in Image.OPEN)
