"""An upload's preparation killed with SIGKILL at any point leaves a valid store (what held in
issue 17; kept so here).

A process does what the app does with an upload: it checks and keeps the file
(:func:`classroom.uploads.accept_upload`), then prepares it. It is killed while the upload
itself is being written, right after an entry is published, and at a seeded random moment,
each run resuming the last one's store. After every kill each kept upload holds exactly the
bytes its name is the hash of, and every entry and analysis image reads as valid; the last
run completes the store.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classroom.store import FeatureStore
from tests.conftest import REPO_ROOT
from tests.test_faults import _count, _kill_when, _verify

_PREPARE_AN_UPLOAD = """
import sys
from pathlib import Path
from classroom.preparation import PrepareRequest, prepare
from classroom.store import FeatureStore
from classroom.uploads import accept_upload

source = Path(sys.argv[1])
store = FeatureStore()
upload = accept_upload(source.name, source.read_bytes(), store)
request = PrepareRequest(upload.path, "resnet18", "untrained", ("conv1", "conv2_x"), precision=32)
assert prepare([request], store, untrained=True).ok
print("prepared")
"""


def _start(source: Path, store: FeatureStore) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "CLASSROOM_CACHE_DIR": str(store.root),
    }
    return subprocess.Popen(
        [sys.executable, "-c", _PREPARE_AN_UPLOAD, str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )


def _uploads_are_whole(store: FeatureStore) -> None:
    for path in store.uploads_dir.glob("*") if store.uploads_dir.is_dir() else []:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, f"{path} is partial"


def _upload_being_written(store: FeatureStore) -> bool:
    try:
        return any(".png." in entry.name for entry in os.scandir(store.tmp_dir))
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_an_upload_killed_at_any_point_leaves_a_valid_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Noise does not compress: a 19 MB upload takes a while to write.
    noise = np.random.default_rng(7).integers(0, 256, (2520, 2520, 3), dtype=np.uint8)
    source = tmp_path / "noise.png"
    Image.fromarray(noise).save(source, compress_level=0)
    assert 15 << 20 < source.stat().st_size < 20 << 20
    store = FeatureStore(tmp_path / "store")
    seeded = random.Random(2024)

    def published_more() -> Callable[[], bool]:
        before = _count(store.features_dir, "*.cfm")
        return lambda: _count(store.features_dir, "*.cfm") > before

    def after_random_delay() -> Callable[[], bool]:
        deadline = time.monotonic() + seeded.uniform(0.5, 6.0)
        return lambda: time.monotonic() > deadline

    moments: dict[str, Callable[[], Callable[[], bool]]] = {
        "while the upload is being written": lambda: lambda: _upload_being_written(store),
        "right after an entry is published": published_more,
        "at a seeded random moment": after_random_delay,
    }
    killed = []
    for moment, condition in moments.items():
        if _kill_when(_start(source, store), condition()):
            killed.append(moment)
        _uploads_are_whole(store)
        _verify(store, caplog)
    assert killed[:2] == list(moments)[:2], "a run finished before its moment"

    finished = _start(source, store)
    output, _ = finished.communicate(timeout=300)

    assert finished.returncode == 0, output
    _uploads_are_whole(store)
    assert _verify(store, caplog) == 2
    assert _count(store.uploads_dir) == 1
