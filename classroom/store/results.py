"""The technique-result format: keys and bytes of a cached :class:`TechniqueResult`.

A result is addressed by everything that determines it (:class:`ResultKey`): the image's
content hash and size cap, the model, the weights identity, and the request's canonical text
(technique name, layer, class, reference pixel and every parameter, defaults filled in). A
file is a fixed prefix (magic, version, header length, a blake2b-128 digest of everything
after the prefix), a JSON header (each map's meaning, range, colour scale and shape; the
top-5) and the maps' float32 values. :func:`parse` validates all of it, so a damaged file is
reported and recomputed, never shown.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any, Final

import numpy as np

from classroom.store.format import DamagedEntryError
from classroom.techniques.result import Prediction, TechniqueMap, TechniqueResult

__all__ = ["RESULT_SUFFIX", "ResultKey", "parse_result", "serialize_result"]

MAGIC: Final = b"CLSTECH\x00"
VERSION: Final = 1
PREFIX: Final = struct.Struct("<8sII16s")
RESULT_SUFFIX: Final = ".ctr"
_MAX_HEADER: Final = 1 << 20


def _digest(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class ResultKey:
    """What a cached result depends on; :attr:`entry_id` names its file."""

    def __init__(
        self, image_sha256: str, max_side: int, model: str, weights_id: str, request: str
    ) -> None:
        self.fields = {
            "image_sha256": image_sha256,
            "max_side": max_side,
            "model": model,
            "weights_id": weights_id,
            "request": request,
        }

    @property
    def entry_id(self) -> str:
        text = json.dumps(self.fields, sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def serialize_result(key: ResultKey, result: TechniqueResult) -> bytes:
    """The file's bytes (small: a few image-sized float32 maps)."""
    maps: list[dict[str, Any]] = []
    payload = bytearray()
    for item in result.maps:
        values = np.ascontiguousarray(item.values, dtype="<f4")
        maps.append(
            {
                "technique": item.technique,
                "title": item.title,
                "meaning": item.meaning,
                "shape": list(values.shape),
                "value_range": list(item.value_range),
                "scale": item.scale,
                "tile_names": list(item.tile_names),
                "offset": len(payload),
            }
        )
        payload += values.tobytes()
    header = json.dumps(
        {
            "key": key.fields,
            "maps": maps,
            "predictions": [[p.label, p.probability] for p in result.predictions],
        },
        separators=(",", ":"),
    ).encode()
    body = header + bytes(payload)
    return PREFIX.pack(MAGIC, VERSION, len(header), _digest(body)) + body


def parse_result(path: Path, data: bytes) -> TechniqueResult:
    """Validate a file's bytes and return its result.

    Raises:
        DamagedEntryError: for anything but a whole, unchanged file of this version.
    """
    if len(data) < PREFIX.size:
        raise DamagedEntryError(f"{path.name}: shorter than its prefix")
    magic, version, header_length, digest = PREFIX.unpack_from(data)
    if magic != MAGIC or version != VERSION:
        raise DamagedEntryError(f"{path.name}: not a technique result of version {VERSION}")
    body = memoryview(data)[PREFIX.size :]
    if header_length > min(len(body), _MAX_HEADER) or _digest(body) != digest:
        raise DamagedEntryError(f"{path.name}: the checksum does not match (damaged)")
    try:
        header = json.loads(bytes(body[:header_length]))
        payload = body[header_length:]
        maps = []
        for entry in header["maps"]:
            shape = tuple(int(side) for side in entry["shape"])
            count = int(np.prod(shape))
            start = int(entry["offset"])
            values = np.frombuffer(payload, "<f4", count, start).reshape(shape).astype(np.float32)
            low, high = entry["value_range"]
            maps.append(
                TechniqueMap(
                    entry["technique"],
                    entry["title"],
                    entry["meaning"],
                    values,
                    (float(low), float(high)),
                    entry["scale"],
                    tuple(entry["tile_names"]),
                )
            )
        predictions = tuple(Prediction(str(a), float(b)) for a, b in header["predictions"])
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedEntryError(
            f"{path.name}: its header does not describe it ({error})"
        ) from error
    return TechniqueResult(maps=tuple(maps), predictions=predictions)
