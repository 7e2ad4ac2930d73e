"""Store maintenance: older format folders and month-old uploads go, nothing outside the root."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest

from classroom import encoding
from classroom.store import (
    FORMAT_VERSION,
    UPLOAD_MAX_AGE_DAYS,
    EntryKey,
    FeatureStore,
    LayerInfo,
    Removed,
)
from harness.synthetic import synthetic_image

PNG = synthetic_image(8, 6, seed=0)


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def _age(path: Path, days: float) -> None:
    """Make ``path`` look last modified ``days`` ago (the link itself, for a link)."""
    then = time.time() - days * 86400
    os.utime(path, (then, then), follow_symlinks=False)


def _entry(store: FeatureStore, image_sha256: str, layer: str = "conv2_x") -> Path:
    key = EntryKey(
        image_sha256=image_sha256,
        max_side=64,
        model="resnet18",
        weights_id="untrained:seed=0",
        layer=layer,
        precision=8,
    )
    info = LayerInfo(
        stride=4, image_width=8, image_height=8, weights_label="untrained (seed 0)", untrained=True
    )
    values = np.arange(2 * 2 * 3, dtype=np.float32).reshape(2, 2, 3)
    return store.write(key, info, encoding.encode(values, 8))


def _upload_with_features(store: FeatureStore, data: bytes) -> list[Path]:
    """An upload as the app keeps it: the file, its analysis image and two feature files."""
    upload = store.write_upload(data, ".png")
    digest = hashlib.sha256(data).hexdigest()
    assert upload.stem == digest, "uploads are named by the hash their entries are keyed by"
    return [
        upload,
        store.write_image(digest, 64, PNG),
        _entry(store, digest, "conv2_x"),
        _entry(store, digest, "conv3_x"),
    ]


def test_folders_of_older_format_versions_are_removed_and_others_kept(
    store: FeatureStore,
) -> None:
    current = _entry(store, "ab" * 32)
    features = store.root / "features"
    old = features / "v1"
    (old / "deep").mkdir(parents=True)
    (old / "a.cfm").write_bytes(b"x" * 1000)
    (old / "deep" / "b.cfm").write_bytes(b"y" * 500)
    newer = features / f"v{FORMAT_VERSION + 1}"
    newer.mkdir()
    (features / "notes").mkdir()
    (features / "v1.txt").write_text("not a version folder")

    report = store.maintain()

    assert [(removal.path, removal.why, removal.nbytes) for removal in report.removed] == [
        (old, Removed.OLD_FORMAT, 1500)
    ]
    assert not old.exists()
    assert current.is_file()
    assert newer.is_dir(), "a newer version's folder belongs to a newer install sharing the store"
    assert (features / "notes").is_dir()
    assert (features / "v1.txt").is_file()


def test_uploads_unused_for_a_month_go_with_their_prepared_files(store: FeatureStore) -> None:
    old = _upload_with_features(store, PNG + b"an old upload")
    fresh = _upload_with_features(store, PNG + b"a fresh upload")
    lesson = [store.write_image("cd" * 32, 64, PNG), _entry(store, "cd" * 32)]
    _age(old[0], UPLOAD_MAX_AGE_DAYS + 1)
    _age(fresh[0], UPLOAD_MAX_AGE_DAYS - 1)
    for path in [*old[1:], *fresh[1:], *lesson]:
        _age(path, 400)  # prepared files are judged by their upload, not by their own age

    report = store.maintain()

    assert sorted((removal.path, removal.why) for removal in report.removed) == sorted(
        [(old[0], Removed.OLD_UPLOAD)] + [(path, Removed.UPLOAD_FILE) for path in old[1:]]
    )
    assert report.nbytes == sum(removal.nbytes for removal in report.removed) > 0
    assert not any(path.exists() for path in old)
    assert all(path.is_file() for path in [*fresh, *lesson])
    assert report.summary() == (
        f"Freed {report.nbytes / 1e6:.1f} MB in {store.root}: removed "
        f"1 upload unused for {UPLOAD_MAX_AGE_DAYS} days, "
        "3 prepared files of such uploads."
    )
    again = store.maintain()
    assert again.removed == ()
    assert again.summary() == f"Nothing to remove in {store.root}."


def test_uploading_the_same_picture_again_keeps_it(store: FeatureStore) -> None:
    data = PNG + b"used every term"
    upload = store.write_upload(data, ".png")
    _age(upload, UPLOAD_MAX_AGE_DAYS + 5)

    assert store.write_upload(data, ".png") == upload
    assert store.maintain().removed == ()
    assert upload.is_file()


def test_files_that_are_not_the_stores_own_are_left_alone(store: FeatureStore) -> None:
    store.uploads_dir.mkdir(parents=True)
    foreign = [store.uploads_dir / "README.txt", store.uploads_dir / ("ab" * 32 + ".png.bak")]
    for path in foreign:
        path.write_text("someone else's")
        _age(path, 365)

    assert store.maintain().removed == ()
    assert all(path.is_file() for path in foreign)


def test_nothing_outside_the_store_root_is_touched(store: FeatureStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "features" / "v1").mkdir(parents=True)
    precious = outside / "features" / "v1" / "precious.cfm"
    precious.write_bytes(b"not the store's")
    old_upload = outside / ("ef" * 32 + ".png")
    old_upload.write_bytes(PNG)
    _age(old_upload, 365)

    features = store.root / "features"
    features.mkdir(parents=True)
    # A version folder that is a link out of the store: the link goes, its target stays.
    (features / "v0").symlink_to(outside / "features" / "v1", target_is_directory=True)
    # Inside an old folder, a link out of the store: removed as a link, never followed.
    (features / "v1").mkdir()
    (features / "v1" / "escape").symlink_to(outside, target_is_directory=True)
    # An uploads area that really lies outside the store is not maintained at all.
    store.uploads_dir.symlink_to(outside, target_is_directory=True)

    report = store.maintain()

    assert sorted(removal.path.name for removal in report.removed) == ["v0", "v1"]
    assert not (features / "v0").is_symlink()
    assert not (features / "v1").exists()
    assert precious.read_bytes() == b"not the store's"
    assert old_upload.is_file()


def test_each_removal_is_logged(store: FeatureStore, caplog: pytest.LogCaptureFixture) -> None:
    (store.root / "features" / "v1").mkdir(parents=True)
    upload = store.write_upload(PNG + b"old", ".png")
    _age(upload, UPLOAD_MAX_AGE_DAYS + 1)

    with caplog.at_level(logging.INFO, logger="classroom.store"):
        store.maintain()

    assert sorted(record.getMessage() for record in caplog.records) == [
        f"Removed {store.root / 'features' / 'v1'} (folder of an older store format, 0.0 MB)",
        f"Removed {upload} (upload unused for {UPLOAD_MAX_AGE_DAYS} days, 0.0 MB)",
    ]


def test_a_missing_store_needs_no_maintenance(store: FeatureStore) -> None:
    assert store.maintain().removed == ()
    assert not store.root.exists(), "maintenance creates nothing"
