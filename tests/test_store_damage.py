"""Damaged store files: detected, reported once, never read as data, rebuilt by the next prepare.

Every kind of damage is made on the fly to real entries (resnet18, untrained, a small picture),
then the same three things are checked: the reader returns nothing and logs the file and the
reason once (a second read is silent), and the next ``prepare`` writes an entry equal to the
one that was damaged. A property-based test adds random damage anywhere in a file.
"""

from __future__ import annotations

import logging
import shutil
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
from tests.store_damage_kinds import DAMAGE, IMAGE_DAMAGE, flip

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


# -- damage to a feature file (tests/store_damage_kinds.py), and the reason the reader gives --


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
    flip(lambda d: len(d) - 1)(path)
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
    flip(lambda d: len(d) - 1)(path)
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
