"""Damaged store files: detected, reported once, never read as data, rebuilt by the next prepare.

Every kind of damage is made on the fly to real entries (resnet18, untrained, a small picture),
then the same three things are checked: the reader returns nothing and logs the file and the
reason once (a second read is silent), and the next ``prepare`` writes an entry equal to the
one that was damaged. A property-based test adds random damage anywhere in a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from classroom import images
from classroom.preparation import PrepareRequest, prepare
from classroom.store import FeatureStore, PreparedLayer
from classroom.store import files as store_files
from classroom.store import format as store_format
from tests.conftest import picture
from tests.damage import damaged
from tests.privileges import file_modes_enforced
from tests.synthetic import synthetic_image

LAYERS = ("conv2_x", "conv3_x")


@dataclass(frozen=True)
class Prepared:
    """A store holding the entries of one small picture, and where each file is."""

    store: FeatureStore
    request: PrepareRequest
    entries: dict[str, Path]
    image: Path

    def read(self, layer: str) -> PreparedLayer | None:
        return self.store.read_path(self.entries[layer])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    root = tmp_path_factory.mktemp("pristine")
    source = root / "scene.png"
    Image.fromarray(picture(72, 56, seed=3)).save(source)
    request = PrepareRequest(source, "resnet18", "untrained", LAYERS, max_side=64)
    feature_store = FeatureStore(root / "store")
    assert prepare([request], feature_store).ok
    return _located(feature_store, request)


def _located(feature_store: FeatureStore, request: PrepareRequest) -> Prepared:
    sha = images.content_sha256(request.image)
    entries = {
        entry.header.key.layer: entry.path
        for entry in map(feature_store.read_path, feature_store.features_dir.glob("*.cfm"))
        if entry is not None
    }
    assert sorted(entries) == sorted(LAYERS)
    return Prepared(feature_store, request, entries, feature_store.image_path(sha, 64))


@pytest.fixture
def copy(pristine: Prepared, tmp_path: Path) -> Prepared:
    """A private copy of the pristine store, to damage."""
    shutil.copytree(pristine.store.root, tmp_path / "store")
    return _located(FeatureStore(tmp_path / "store"), pristine.request)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("classroom.store")]


def _assert_rebuilt(copy: Prepared, pristine: Prepared) -> None:
    (result,) = prepare([copy.request], copy.store).results
    assert result.error is None
    for layer in LAYERS:
        assert copy.entries[layer].read_bytes() == pristine.entries[layer].read_bytes()
        assert copy.read(layer) is not None
    assert copy.image.read_bytes() == pristine.image.read_bytes()


# -- damage to a feature file, and the reason the reader gives --------------------------------

Damage = Callable[[Path], None]


def _edit(change: Callable[[bytearray], None]) -> Damage:
    def damage(path: Path) -> None:
        data = bytearray(path.read_bytes())
        change(data)
        path.write_bytes(bytes(data))

    return damage


def _flip(offset: Callable[[bytearray], int]) -> Damage:
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
    "header byte flipped": (_flip(lambda _: 40), "checksum mismatch"),
    "code byte flipped": (_flip(lambda d: _header(d)["codes"]["offset"] + 5), "checksum"),
    "scale byte flipped": (_flip(lambda d: _header(d)["scales"]["offset"] + 2), "checksum"),
    "last byte flipped": (_flip(lambda d: len(d) - 1), "checksum mismatch"),
    "digest byte flipped": (_flip(lambda _: 20), "checksum mismatch"),
    # The fixed prefix.
    "wrong magic": (_flip(lambda _: 0), "wrong magic"),
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


def _assert_reported_once(
    read: Callable[[], object], path: Path, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``read()`` finds nothing and logs ``path`` and ``reason``; a second read logs nothing."""
    with caplog.at_level(logging.WARNING, logger="classroom.store"):
        caplog.clear()
        assert read() is None
        (report,) = _warnings(caplog)
        assert f"{path}: " in report
        assert reason in report
        assert "It will be prepared again" in report
        caplog.clear()
        assert read() is None
        assert _warnings(caplog) == [], "the damage was reported twice"


@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_is_reported_once_and_rebuilt(
    copy: Prepared, pristine: Prepared, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    damage, reason = DAMAGE[kind]
    path = copy.entries["conv3_x"]
    damage(path)

    _assert_reported_once(lambda: copy.read("conv3_x"), path, reason, caplog)

    assert not path.exists()
    assert copy.store.read_entry(path.stem) is None
    assert copy.read("conv2_x") is not None, "the other layer must be untouched"
    _assert_rebuilt(copy, pristine)


def test_a_reader_never_removes_an_entry_a_writer_has_just_published(
    copy: Prepared, pristine: Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader finds damage in the file it opened; meanwhile a writer renames a good one in."""
    path = copy.entries["conv3_x"]
    _flip(lambda d: len(d) - 1)(path)
    real_verify = store_format.verify_stream

    def verify_while_a_writer_publishes(
        examined: Path, size: int, read_at: Callable[[int, int], bytes]
    ) -> PreparedLayer:
        replacement = copy.store.tmp_dir / "replacement.part"
        replacement.write_bytes(pristine.entries["conv3_x"].read_bytes())
        replacement.replace(examined)
        return real_verify(examined, size, read_at)  # still the damaged file the reader opened

    monkeypatch.setattr(store_files, "verify_stream", verify_while_a_writer_publishes)
    assert copy.read("conv3_x") is None
    monkeypatch.undo()

    assert path.read_bytes() == pristine.entries["conv3_x"].read_bytes()
    assert copy.read("conv3_x") is not None


def test_an_entry_copied_under_another_name_is_refused(copy: Prepared) -> None:
    conv2, conv3 = copy.entries["conv2_x"], copy.entries["conv3_x"]
    conv3.write_bytes(conv2.read_bytes())
    assert copy.read("conv3_x") is None
    assert copy.read("conv2_x") is not None


def test_an_unreadable_entry_is_reported_once_and_rebuilt(
    copy: Prepared, pristine: Prepared, caplog: pytest.LogCaptureFixture
) -> None:
    path = copy.entries["conv2_x"]
    path.chmod(0)
    with file_modes_enforced():
        _assert_reported_once(
            lambda: copy.read("conv2_x"), path, "cannot be opened (Permission denied)", caplog
        )
        _assert_rebuilt(copy, pristine)


@pytest.fixture
def read_only_entries(copy: Prepared) -> Iterator[Path]:
    directory = copy.store.features_dir
    directory.chmod(0o555)
    try:
        with file_modes_enforced():
            yield directory
    finally:
        directory.chmod(0o755)


def test_damage_that_cannot_be_removed_is_still_reported_once(
    copy: Prepared, pristine: Prepared, read_only_entries: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = copy.entries["conv2_x"]
    _flip(lambda d: len(d) - 1)(path)
    with caplog.at_level(logging.WARNING, logger="classroom.store"):
        for _ in range(3):
            assert copy.read("conv2_x") is None
        damaged, kept = _warnings(caplog)
    assert "checksum mismatch" in damaged
    assert kept == (
        f"Could not remove {path} (Permission denied); it is ignored until it is removed or "
        "replaced."
    )
    assert path.exists()

    (result,) = prepare([copy.request], copy.store).results

    assert result.error == (
        f"cannot write {path}: Permission denied. Make the directory writable for this user. "
        f"To keep prepared features somewhere else than {copy.store.root}, set "
        "CLASSROOM_CACHE_DIR."
    )
    assert list(copy.store.tmp_dir.iterdir()) == [], "a failed write left a temporary file"
    read_only_entries.chmod(0o755)
    _assert_rebuilt(copy, pristine)


def test_entries_of_an_older_release_are_ignored(
    copy: Prepared, pristine: Prepared, caplog: pytest.LogCaptureFixture
) -> None:
    """The previous release kept its (version 1) files in features/v1/; this one never looks
    there. A version 1 file found where a version 2 entry belongs is damage (see DAMAGE)."""
    old = copy.store.root / "features" / "v1"
    old.mkdir()
    for path in copy.entries.values():
        (old / path.name).write_bytes(b"CLSFEAT\0" + struct.pack("<I", 1) + bytes(100))
        path.unlink()
    with caplog.at_level(logging.WARNING, logger="classroom.store"):
        assert copy.read("conv2_x") is None
        _assert_rebuilt(copy, pristine)
    assert _warnings(caplog) == []
    assert sorted(p.name for p in old.iterdir()) == sorted(p.name for p in copy.entries.values())


# -- the analysis image ----------------------------------------------------------------------

IMAGE_DAMAGE: dict[str, tuple[Damage, str]] = {
    "truncated": (_edit(lambda d: d.__delitem__(slice(len(d) // 2, None))), "checksum mismatch"),
    "pixel data altered": (_flip(lambda d: d.index(b"IDAT") + 10), "checksum mismatch"),
    "checksum altered": (_flip(lambda _: 45), "checksum mismatch"),
    "another valid PNG": (_another_png, "no content checksum"),
    "another image's sealed PNG": (_another_images_png, "or is another image's"),
    "zero length": (_zero_length, "the file is empty"),
    "a directory": (_directory, "is a directory, not a file"),
    "a symbolic link to a valid copy": (_linked_to_copy, "is a symbolic link"),
    "a symbolic link to /etc/passwd": (_linked_to("/etc/passwd"), "is a symbolic link"),
}


@pytest.mark.parametrize("kind", IMAGE_DAMAGE)
def test_a_damaged_analysis_image_is_reported_once_and_rebuilt(
    copy: Prepared, pristine: Prepared, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    damage, reason = IMAGE_DAMAGE[kind]
    damage(copy.image)
    sha = images.content_sha256(copy.request.image)

    _assert_reported_once(lambda: copy.store.read_image(sha, 64), copy.image, reason, caplog)

    _assert_rebuilt(copy, pristine)
    assert copy.store.read_image(sha, 64) == copy.image


# -- random damage ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_entry(tmp_path_factory: pytest.TempPathFactory) -> tuple[FeatureStore, Path, bytes]:
    """A tiny valid entry (a 3 x 4 grid of 6 channels), so each example is cheap."""
    from classroom import encoding
    from classroom.store import EntryKey, LayerInfo

    feature_store = FeatureStore(tmp_path_factory.mktemp("fuzz"))
    key = EntryKey(
        image_sha256="ab" * 32,
        max_side=64,
        model="resnet18",
        weights_id="untrained:seed=0",
        layer="conv2_x",
        precision=8,
    )
    info = LayerInfo(
        stride=4, image_width=16, image_height=12, weights_label="untrained", untrained=True
    )
    values = [[[float((x + 2 * y + c) % 5) for c in range(6)] for x in range(4)] for y in range(3)]
    path = feature_store.write(key, info, encoding.encode(values, 8))
    return feature_store, path, path.read_bytes()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_damage_is_never_read_as_data(
    small_entry: tuple[FeatureStore, Path, bytes], data: st.DataObject
) -> None:
    feature_store, path, original = small_entry
    damaged_bytes = data.draw(damaged(original))
    path.write_bytes(damaged_bytes)

    entry = feature_store.read_path(path)  # must not raise, whatever the bytes

    if damaged_bytes == original:
        assert entry is not None, "an intact file was refused"
        assert entry.path.read_bytes() == original
    else:
        assert entry is None, "a damaged file was accepted"
        assert not path.exists()
