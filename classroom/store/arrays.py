"""The format of the arrays other caches keep in the store (collections' vectors, embeddings).

A file is :data:`ARRAY_MAGIC`, a 4-byte little-endian header length, a JSON header (what the
array is, its shape, dtype and the payload's SHA-256) and the raw array. It lives here, with the
store's other formats, so that the store's maintenance can tell a damaged file from a whole one
without importing the collections that write them (data flows one way).
"""

from __future__ import annotations

import hashlib
import json
from typing import Final

import numpy as np
import numpy.typing as npt

from classroom.store.format import DamagedEntryError

__all__ = [
    "ARRAYS_VERSION",
    "ARRAY_DTYPES",
    "ARRAY_MAGIC",
    "ARRAY_SUFFIX",
    "array_file_chunks",
    "parse_array",
]

ARRAY_MAGIC: Final = b"CLSCOLL1"
#: The ``v<n>`` folder under ``<store>/collections/``; older folders are never read again.
ARRAYS_VERSION: Final = 1
ARRAY_SUFFIX: Final = ".cca"
ARRAY_DTYPES: Final = ("float32", "float64", "int64", "uint8")
_MAX_HEADER: Final = 1 << 16


def array_file_chunks(array: npt.NDArray[np.generic], about: str = "") -> list[bytes | memoryview]:
    """The bytes of a file holding ``array`` (to be published atomically by the store)."""
    data = np.ascontiguousarray(array)
    if data.dtype.name not in ARRAY_DTYPES:
        raise ValueError(f"cannot cache {data.dtype} arrays (only {', '.join(ARRAY_DTYPES)})")
    payload = data.tobytes()
    header = json.dumps(
        {
            "about": about,
            "shape": list(data.shape),
            "dtype": data.dtype.name,
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode()
    return [ARRAY_MAGIC, len(header).to_bytes(4, "little"), header, payload]


def parse_array(raw: bytes) -> npt.NDArray[np.generic]:
    """The (read-only) array in a file's bytes.

    Raises:
        DamagedEntryError: saying what is wrong, for anything but a whole, unchanged file.
    """
    if not raw.startswith(ARRAY_MAGIC) or len(raw) < len(ARRAY_MAGIC) + 4:
        raise DamagedEntryError("is not a collection cache file")
    start = len(ARRAY_MAGIC) + 4
    length = int.from_bytes(raw[len(ARRAY_MAGIC) : start], "little")
    if length > _MAX_HEADER or start + length > len(raw):
        raise DamagedEntryError("has a truncated header")
    try:
        header = json.loads(raw[start : start + length])
        shape = tuple(int(side) for side in header["shape"])
        dtype = np.dtype(header["dtype"])
        digest = str(header["sha256"])
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedEntryError(f"has an unreadable header ({error})") from None
    payload = raw[start + length :]
    if dtype.name not in ARRAY_DTYPES or len(payload) != int(np.prod(shape)) * dtype.itemsize:
        raise DamagedEntryError("holds fewer or more bytes than its header says")
    if hashlib.sha256(payload).hexdigest() != digest:
        raise DamagedEntryError("does not match its checksum")
    return np.frombuffer(payload, dtype=dtype).reshape(shape)
