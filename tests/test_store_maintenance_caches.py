"""Store maintenance of the computed caches (technique results, generated images, collections'
arrays) and ``classroom store``: old formats, an expired upload's results, damaged files, sizes.
All on real files written by the store's and the caches' own writers."""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from classroom.cli import main
from classroom.collections.cache import ArrayCache
from classroom.store import UPLOAD_MAX_AGE_DAYS, FeatureStore, Removed, ResultKey
from classroom.store.usage import store_usage
from classroom.techniques import TechniqueMap, TechniqueResult
from harness.synthetic import synthetic_image

PNG = synthetic_image(8, 6, seed=0)


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def _result(store: FeatureStore, image_sha256: str, request: str = "saliency") -> Path:
    key = ResultKey(image_sha256, 64, "shapes", "trained", request)
    values = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    result = TechniqueResult((TechniqueMap("saliency", "Saliency", "how much", values, (0, 1)),))
    return store.write_result(key, result)


def _generated(store: FeatureStore, key: str) -> Path:
    buffer = io.BytesIO()
    np.savez(buffer, images=np.zeros((1, 8, 8, 3), np.uint8), values=np.ones(1, np.float32))
    return store.write_generated(key, buffer.getvalue())


def _flip(path: Path, offset: int) -> None:
    """Change one byte in the middle of ``path`` (what a bad sector or a bad copy does)."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_older_result_and_collection_formats_go(store: FeatureStore) -> None:
    current = [_result(store, "ab" * 32), ArrayCache(store).write("c" * 32, np.arange(4))]
    old = [store.root / "results" / "v0", store.root / "collections" / "v0"]
    for folder in old:
        folder.mkdir(parents=True)
        (folder / "x.bin").write_bytes(b"x" * 100)

    report = store.maintain()

    assert sorted((removal.path, removal.why) for removal in report.removed) == [
        (folder, Removed.OLD_FORMAT) for folder in sorted(old)
    ]
    assert all(path.is_file() for path in current)


def test_an_expired_uploads_technique_results_go_with_it(store: FeatureStore) -> None:
    data = PNG + b"old upload"
    upload = store.write_upload(data, ".png")
    digest = hashlib.sha256(data).hexdigest()
    expired = [_result(store, digest, "saliency"), _result(store, digest, "grad_cam")]
    kept = _result(store, "cd" * 32)  # a lesson's image: no upload, never expires
    then = time.time() - (UPLOAD_MAX_AGE_DAYS + 1) * 86400
    os.utime(upload, (then, then))

    report = store.maintain()

    assert sorted((removal.path, removal.why) for removal in report.removed) == sorted(
        [(upload, Removed.OLD_UPLOAD)] + [(path, Removed.UPLOAD_FILE) for path in expired]
    )
    assert kept.is_file()


def test_verifying_removes_damaged_cache_files_and_keeps_whole_ones(store: FeatureStore) -> None:
    cache = ArrayCache(store)
    whole = [
        _result(store, "01" * 32),
        _generated(store, "a" * 32),
        cache.write("a" * 32, np.ones(9)),
    ]
    damaged = [
        _result(store, "02" * 32),
        _generated(store, "b" * 32),
        cache.write("b" * 32, np.ones(9)),
    ]
    for path in damaged:
        _flip(path, path.stat().st_size - 30)  # in the payload: only a checksum or CRC notices
    truncated = _generated(store, "c" * 32)
    truncated.write_bytes(truncated.read_bytes()[:40])
    damaged.append(truncated)
    foreign = store.generated_dir / "notes.npz"
    foreign.write_bytes(b"not the store's")

    assert store.maintain().removed == (), "only a verifying run reads every cache file"
    report = store.maintain(verify=True)

    assert sorted((removal.path, removal.why) for removal in report.removed) == sorted(
        (path, Removed.DAMAGED) for path in damaged
    )
    assert all(path.is_file() for path in [*whole, foreign])
    assert store.maintain(verify=True).removed == ()


def test_the_usage_report_counts_every_area(store: FeatureStore) -> None:
    result = _result(store, "ab" * 32)
    generated = _generated(store, "a" * 32)
    (store.root / "stray.txt").write_text("left by hand")

    usage = {area.name: (area.files, area.nbytes) for area in store_usage(store).areas}

    assert usage == {
        "results": (1, result.stat().st_size),
        "generated": (1, generated.stat().st_size),
        "other": (1, len("left by hand")),
    }


def test_classroom_store_prunes_and_reports(
    store: FeatureStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(store.root))
    whole = _generated(store, "a" * 32)
    damaged = _generated(store, "b" * 32)
    _flip(damaged, damaged.stat().st_size - 30)

    listed = CliRunner().invoke(main, ["store"])
    assert listed.exit_code == 0, listed.output
    assert damaged.is_file(), "a plain report removes nothing"
    assert re.search(r"^generated +2 ", listed.output, re.MULTILINE)

    pruned = CliRunner().invoke(main, ["store", "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert "removed 1 damaged cache file." in pruned.output
    assert re.search(r"^generated +1 ", pruned.output, re.MULTILINE)
    assert whole.is_file()
    assert not damaged.exists()
