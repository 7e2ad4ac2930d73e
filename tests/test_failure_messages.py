"""Every failure a person can see says what, where and what to do (issue 17, finding 4).

The model is the message of a store that cannot be written: ``cannot write <file>: <reason>.
<what to do> To keep prepared features somewhere else than <store>, set CLASSROOM_CACHE_DIR.``
A lesson step used to show ``[Errno 1] Operation not permitted: '.../locks/<hash>.lock'``
for the same store, and a bug its bare exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from classroom import images
from classroom.preparation import Cause, PrepareRequest, prepare
from classroom.store import FeatureStore
from tests.conftest import picture
from tests.privileges import file_modes_enforced


@pytest.fixture
def request_(tmp_path: Path) -> PrepareRequest:
    path = tmp_path / "photo.png"
    Image.fromarray(picture(64, 48)).save(path)
    return PrepareRequest(path, "resnet18", "untrained", ("conv2_x",), max_side=64)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeatureStore]:
    store = FeatureStore(tmp_path / "store")
    yield store
    for folder in [store.root, *store.root.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o755)


def _model(store: FeatureStore, file: Path, reason: str, advice: str) -> str:
    return (
        f"cannot write {file}: {reason}. {advice}To keep prepared features somewhere else than "
        f"{store.root}, set CLASSROOM_CACHE_DIR."
    )


def test_a_read_only_store_is_explained_like_every_store_write(
    store: FeatureStore, request_: PrepareRequest
) -> None:
    store.root.mkdir(parents=True)
    store.root.chmod(0o555)

    with file_modes_enforced():
        report = prepare([request_], store, untrained=True)

    [result] = report.results
    assert result.failure is not None
    assert result.failure.cause is Cause.OTHER
    lock = store.locks_dir / _lock_file(store, request_)
    assert result.failure.message == _model(
        store, lock, "Permission denied", "Make the directory writable for this user. "
    )


def test_a_lock_folder_that_cannot_be_written_is_explained_too(
    store: FeatureStore, request_: PrepareRequest
) -> None:
    """What a read-only store did to a lesson step: the lock file could not be made."""
    store.locks_dir.mkdir(parents=True)
    store.locks_dir.chmod(0o555)

    with file_modes_enforced():
        report = prepare([request_], store, untrained=True)

    [result] = report.results
    assert result.failure is not None
    lock = store.locks_dir / _lock_file(store, request_)
    assert result.failure.message == _model(
        store, lock, "Permission denied", "Make the directory writable for this user. "
    )
    assert "Errno" not in result.failure.message


def test_leftovers_that_cannot_be_tidied_do_not_stop_preparation(
    store: FeatureStore, request_: PrepareRequest, caplog: pytest.LogCaptureFixture
) -> None:
    store.tmp_dir.mkdir(parents=True)
    (store.tmp_dir / "old.part").write_bytes(b"left by an interrupted write")
    store.tmp_dir.chmod(0o555)

    with file_modes_enforced():
        removed = store.remove_stale_temporaries(older_than=0)

    assert removed == 0
    assert "Could not remove leftovers" in caplog.text
    store.tmp_dir.chmod(0o755)
    assert prepare([request_], store, untrained=True).ok


def test_a_bug_says_so_and_what_to_do(
    store: FeatureStore, request_: PrepareRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(images, "load_analysis_image", broken)

    [result] = prepare([request_], store, untrained=True).results

    assert result.failure is not None
    assert result.failure.message.startswith(
        "something unexpected went wrong in classroom itself (not in your files). Try again; "
        "if it happens again, restart classroom, and report it with the log of the terminal "
        "classroom runs in. The error was KeyError: "
    )


def _lock_file(store: FeatureStore, request: PrepareRequest) -> str:
    from classroom import networks
    from classroom.preparation.pipeline import lock_name

    identity = networks.untrained_weights(request.architecture).identity
    name = lock_name(
        images.content_sha256(request.image), request.max_side, request.architecture, identity
    )
    return f"{name}.lock"
