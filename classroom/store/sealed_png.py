"""Analysis images with their own checksum, as feature files have one in their prefix.

A PNG's chunk CRCs catch truncation and flipped bits, but not another valid picture copied
over the file, and they cannot name a version of the content. So the store writes every
analysis image with one private ancillary chunk right after IHDR (browsers and decoders skip
chunks they do not know)::

    offset 33: length 16 (uint32, big-endian) | type "clDg" | BLAKE2b-128 digest | CRC-32

The digest covers the file's name in the store (so the picture of another image copied under
this name is refused) and every byte of the file except that chunk. A reader checks it before
the image is served or used (no decoding), and the image's URL carries it, so the URL changes
whenever the content does and a browser never keeps a stale copy.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Final

__all__ = ["SEAL_END", "DamagedImageError", "seal", "sealed_digest", "verify"]

SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
CHUNK_TYPE: Final = b"clDg"
#: The seal chunk starts after the signature (8 bytes) and IHDR (4 + 4 + 13 + 4 bytes).
SEAL_START: Final = 33
DIGEST_BYTES: Final = 16
#: Where the seal chunk ends: enough bytes to read the digest of a sealed image.
SEAL_END: Final = SEAL_START + 4 + 4 + DIGEST_BYTES + 4


class DamagedImageError(ValueError):
    """A stored analysis image cannot be trusted; the message says why."""


def _digest(name: str, data: bytes | memoryview, without: slice) -> bytes:
    hasher = hashlib.blake2b(name.encode() + b"\x00", digest_size=DIGEST_BYTES)
    hasher.update(data[: without.start])
    hasher.update(data[without.stop :])
    return hasher.digest()


def seal(png: bytes, name: str) -> bytes:
    """``png``, to be stored as ``name``, with the seal chunk after its IHDR chunk."""
    if not png.startswith(SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("an analysis image must be a PNG starting with its IHDR chunk")
    digest = _digest(name, png, slice(SEAL_START, SEAL_START))
    body = CHUNK_TYPE + digest
    chunk = struct.pack(">I", DIGEST_BYTES) + body + struct.pack(">I", zlib.crc32(body))
    return png[:SEAL_START] + chunk + png[SEAL_START:]


def sealed_digest(head: bytes) -> str | None:
    """The digest a sealed image's first SEAL_END bytes claim (hex), or None if unsealed."""
    if len(head) < SEAL_END or not head.startswith(SIGNATURE):
        return None
    length, chunk_type = struct.unpack_from(">I4s", head, SEAL_START)
    if length != DIGEST_BYTES or chunk_type != CHUNK_TYPE:
        return None
    return head[SEAL_START + 8 : SEAL_START + 8 + DIGEST_BYTES].hex()


def verify(data: bytes, name: str) -> str:
    """The digest (hex) of a whole sealed image stored as ``name``, once it matches.

    Raises:
        DamagedImageError: naming what is wrong.
    """
    if not data.startswith(SIGNATURE):
        raise DamagedImageError("not a PNG file" if data else "the file is empty")
    claimed = sealed_digest(data)
    if claimed is None:
        raise DamagedImageError(
            "it has no content checksum (written by an older classroom, or not by classroom)"
        )
    if _digest(name, data, slice(SEAL_START, SEAL_END)).hex() != claimed:
        raise DamagedImageError(
            "checksum mismatch: the image was truncated or altered, or is another image's"
        )
    return claimed
