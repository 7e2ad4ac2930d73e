"""Every kind of damage a store file can suffer, each with the reason its reader must give.

Data for tests/test_store_damage.py: :data:`DAMAGE` for feature files, :data:`IMAGE_DAMAGE`
for analysis images; each entry damages the file at a path in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from classroom.store import FeatureStore
from harness.synthetic import synthetic_image

__all__ = ["DAMAGE", "IMAGE_DAMAGE", "Damage", "flip"]

Damage = Callable[[Path], None]


def _edit(change: Callable[[bytearray], None]) -> Damage:
    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        change(data)
        path.write_bytes(bytes(data))

    return damage


def flip(offset: Callable[[bytearray], int]) -> Damage:
    """Flip the lowest bit of the byte at ``offset(data)``."""

    def change(data: bytearray) -> None:
        data[offset(data)] ^= 0x01

    return _edit(change)


def _set_prefix(field_offset: int, value: int) -> Damage:
    def change(data: bytearray) -> None:
        data[field_offset : field_offset + 4] = struct.pack("<I", value)

    return _edit(change)


def _header(data: bytes | bytearray) -> dict[str, Any]:
    length = struct.unpack_from("<I", data, 12)[0]
    parsed: dict[str, Any] = json.loads(bytes(data[32 : 32 + length]))
    return parsed


def _lie(change: Callable[[dict[str, Any]], object]) -> Damage:
    """Rewrite the JSON header and recompute the digest: only consistency checks can object."""

    def rewrite(data: bytearray) -> None:
        header = _header(data)
        change(header)
        _replace_header(data, json.dumps(header, separators=(",", ":")).encode())

    return _edit(rewrite)


def _replace_header(data: bytearray, encoded: bytes) -> None:
    codes_offset = _header(data)["codes"]["offset"]
    assert 32 + len(encoded) <= codes_offset, "the test's header no longer fits"
    data[32:codes_offset] = encoded + bytes(codes_offset - 32 - len(encoded))
    digest = hashlib.blake2b(bytes(data[32:]), digest_size=16).digest()
    data[12:32] = struct.pack("<I", len(encoded)) + digest


def _nested(section: str, field: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(header: dict[str, Any]) -> None:
        header[section][field] = value

    return change


def _shifted(section: str, field: str, by: int) -> Callable[[dict[str, Any]], None]:
    def change(header: dict[str, Any]) -> None:
        header[section][field] += by

    return change


def _renamed(field: str, name: str) -> Callable[[dict[str, Any]], None]:
    def change(header: dict[str, Any]) -> None:
        header[name] = header.pop(field)

    return change


def _more_channels(header: dict[str, Any]) -> None:
    header["channels"] += header["channels_per_texel"]


def _four_per_texel(header: dict[str, Any]) -> None:
    """The v1 layout's four channels per texel, with slices to match: still refused at 8 bit."""
    header.update(channels_per_texel=4, slices=-(-header["channels"] // 4))


def _zero_length(path: Path) -> None:
    path.write_bytes(b"")


def _directory(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _linked_to(target: str) -> Damage:
    def link(path: Path) -> None:
        path.unlink()
        path.symlink_to(target)

    return link


def _linked_to_copy(path: Path) -> None:
    """A link to a valid copy of the file kept outside the store (which must stay)."""
    store_root = next(parent for parent in path.parents if parent.name == "store")
    outside = store_root.parent / f"outside-{path.name}"
    shutil.copyfile(path, outside)
    _linked_to(str(outside))(path)


def _another_png(path: Path) -> None:
    path.write_bytes(synthetic_image(8, 6, seed=1))


def _another_images_png(path: Path) -> None:
    """The sealed analysis image of another picture, copied over this one."""
    other = FeatureStore(path.parents[2] / "other-store")
    path.write_bytes(other.write_image("ef" * 32, 64, synthetic_image(8, 6, seed=2)).read_bytes())


def _not_json(path: Path) -> None:
    _edit(lambda data: _replace_header(data, b"\xff{not json"))(path)


#: How to damage an entry, and what the log must say about it.
DAMAGE: dict[str, tuple[Damage, str]] = {
    # Truncation and stray bytes: the digest catches them.
    "truncated by one byte": (_edit(lambda d: d.__delitem__(slice(-1, None))), "checksum mismatch"),
    "truncated after the prefix": (_edit(lambda d: d.__delitem__(slice(40, None))), "does not fit"),
    "truncated inside the prefix": (_edit(lambda d: d.__delitem__(slice(20, None))), "prefix"),
    "zero length": (_zero_length, "the file is empty"),
    "bytes appended": (_edit(lambda d: d.extend(bytes(64))), "checksum mismatch"),
    "header byte flipped": (flip(lambda _: 40), "checksum mismatch"),
    "code byte flipped": (flip(lambda d: _header(d)["codes"]["offset"] + 5), "checksum"),
    "scale byte flipped": (flip(lambda d: _header(d)["scales"]["offset"] + 2), "checksum"),
    "last byte flipped": (flip(lambda d: len(d) - 1), "checksum mismatch"),
    "digest byte flipped": (flip(lambda _: 20), "checksum mismatch"),
    # The fixed prefix.
    "wrong magic": (flip(lambda _: 0), "wrong magic"),
    "older format version": (_set_prefix(8, 1), "written by an older format version (1); this"),
    "version 0": (_set_prefix(8, 0), "written by an older format version (0); this is version 2"),
    "newer format version": (_set_prefix(8, 3), "written by a newer format version (3)"),
    "header length too large": (_set_prefix(12, 10**9), "header length 1000000000 does not fit"),
    # Headers that disagree with the data, under a valid digest.
    "header is not JSON": (_not_json, "invalid header"),
    "unknown header field": (_lie(lambda h: h.update(extra=1)), "Extra inputs are not permitted"),
    "missing header field": (_lie(lambda h: h.pop("slices")), "invalid header"),
    "v1's groups field": (_lie(_renamed("slices", "groups")), "invalid header"),
    "version 1 in the header": (_lie(lambda h: h.update(version=1)), "invalid header"),
    "another transform": (_lie(lambda h: h.update(transform="global-min")), "invalid header"),
    "negative offset": (_lie(_nested("codes", "offset", -64)), "invalid header"),
    # The grid (width, height) is authoritative: no formula of image size and stride holds
    # for every network, so only the sections it describes can contradict it.
    "width": (_lie(lambda h: h.update(width=h["width"] + 1)), "code section size does not match"),
    "slices": (_lie(lambda h: h.update(slices=h["slices"] + 1)), "cannot hold"),
    "channels": (_lie(_more_channels), "texel slices of 16 cannot hold"),
    "channels per texel": (_lie(_four_per_texel), "4 channels per texel do not match 8-bit"),
    "dtype": (_lie(lambda h: h.update(dtype="uint16")), "dtype uint16 does not match 8-bit"),
    "signedness": (_lie(lambda h: h.update(signed=True)), "dtype uint8 does not match 8-bit"),
    "precision in the key": (_lie(_nested("key", "precision", 16)), "does not match 16-bit"),
    "layer in the key": (_lie(_nested("key", "layer", "conv4_x")), "a different entry"),
    "image in the key": (_lie(_nested("key", "image_sha256", "0" * 64)), "a different entry"),
    "code size": (_lie(_shifted("codes", "nbytes", -4)), "code section size does not match"),
    "scale size": (_lie(_shifted("scales", "nbytes", 4)), "scale section size does not match"),
    "unaligned codes": (_lie(_shifted("codes", "offset", 4)), "not aligned"),
    "codes over the header": (_lie(_nested("codes", "offset", 0)), "overlaps the header"),
    "overlapping sections": (_lie(_shifted("scales", "offset", -64)), "sections overlap"),
    "scales past the end": (_lie(_shifted("scales", "offset", 64)), "the file has"),
    # Not a file at all.
    "a directory": (_directory, "is a directory, not a file"),
    "a FIFO": (_fifo, "is a special file, not a file"),
    "a symbolic link to a valid copy": (_linked_to_copy, "is a symbolic link"),
    "a dangling symbolic link": (_linked_to("/nonexistent/entry.cfm"), "is a symbolic link"),
}


IMAGE_DAMAGE: dict[str, tuple[Damage, str]] = {
    "truncated": (_edit(lambda d: d.__delitem__(slice(len(d) // 2, None))), "checksum mismatch"),
    "pixel data altered": (flip(lambda d: d.index(b"IDAT") + 10), "checksum mismatch"),
    "checksum altered": (flip(lambda _: 45), "checksum mismatch"),
    "another valid PNG": (_another_png, "no content checksum"),
    "another image's sealed PNG": (_another_images_png, "or is another image's"),
    "zero length": (_zero_length, "the file is empty"),
    "a directory": (_directory, "is a directory, not a file"),
    "a symbolic link to a valid copy": (_linked_to_copy, "is a symbolic link"),
    "a symbolic link to /etc/passwd": (_linked_to("/etc/passwd"), "is a symbolic link"),
}
