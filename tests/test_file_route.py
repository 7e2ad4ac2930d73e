"""The file route sends only checked store files, and nothing done to the files stops it.

A real server process (``tests/route_server.py``) serves a real store. What the route may
send is the file as it was checked, or a clean error: never other bytes, never a dead server,
whatever happens on disk meanwhile (files rewritten or truncated in place, replaced by other
pictures, symbolic links in their place, a folder linked out of the store).
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from classroom.store import DamagedEntryError, FeatureStore, PreparedLayer
from harness.synthetic import LayerSpec, prepare_view, synthetic_image
from tests.route_server import RouteServer, route_server

#: A 1024x768 image's conv2_x: a 12.6 MB file, so that reading and checking it takes a while.
BIG = (LayerSpec("conv2_x", 4, 256),)
SMALL = (LayerSpec("conv2_x", 4, 32), LayerSpec("conv3_x", 8, 64))
#: A client address elsewhere (TEST-NET-1), as a proxy on this machine names it.
REMOTE = "192.0.2.7"
#: How many requests the clients make while the entry is being rewritten underneath them.
_REQUESTS_UNDER_CHURN = 30


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body (gzip undone) of a GET; a clean HTTP error is a status."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            received = {name.lower(): value for name, value in response.headers.items()}
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, {name.lower(): value for name, value in error.headers.items()}, b""
    assert len(body) == int(received["content-length"]), "a short or long body"
    if received.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return status, received, body


def _url(server: RouteServer, path: Path, version: str | None = None) -> str:
    return f"{server.url}/classroom/files/{path.name}" + (
        "" if version is None else f"?v={version}"
    )


def stranger_bytes(good: bytes) -> bytes:
    """The right size, the wrong bytes."""
    return bytes(reversed(good))


def _rewrite_in_place(path: Path, versions: list[bytes]) -> None:
    """Write each version over the file in place (the same inode, as a copy or a sync tool
    would), ending with the last. A reader may find the file damaged and remove it meanwhile:
    it is then written anew."""
    for data in versions:
        try:
            with path.open("r+b") as handle:
                handle.truncate(len(data))
                handle.seek(0)
                handle.write(data)
        except FileNotFoundError:
            path.write_bytes(data)


def _keep_whole(path: Path, good: bytes) -> None:
    """Put the whole entry back if it is missing or not whole (a request or read that began
    during the churn may still find it damaged and remove it, as the app does before it
    prepares the entry again)."""
    if not path.exists() or path.stat().st_size != len(good) or path.read_bytes() != good:
        _rewrite_in_place(path, [good])


def _reports(server: RouteServer, path: Path) -> int:
    return sum(f"{path}: " in line for line in server.output().splitlines())


@pytest.fixture
def small(tmp_path: Path) -> tuple[FeatureStore, list[PreparedLayer]]:
    store = FeatureStore(tmp_path / "store")
    return store, prepare_view(store, image_width=64, image_height=48, layers=SMALL)


def test_files_are_sent_as_checked_with_their_version_and_cache_headers(
    small: tuple[FeatureStore, list[PreparedLayer]],
) -> None:
    store, layers = small
    entry = layers[0]
    image = store.image_path(entry.header.key.image_sha256, 64)
    version = store.image_version(entry.header.key.image_sha256, 64)
    with route_server(store.root) as server:
        # A client elsewhere (here: forwarded by a proxy) gets the gzip copy.
        status, headers, body = _get(
            _url(server, entry.path, entry.digest),
            **{"Accept-Encoding": "gzip", "X-Forwarded-For": REMOTE},
        )
        assert (status, body) == (200, entry.path.read_bytes())
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert headers["content-encoding"] == "gzip", "sparse codes compress well"
        assert headers["etag"] == f'"{entry.digest}-gzip"'
        # On this machine, the bytes as they are (inflating costs more than moving them),
        # marked so that no middleware compresses them on the way.
        status, headers, body = _get(
            _url(server, entry.path, entry.digest), **{"Accept-Encoding": "gzip"}
        )
        assert (status, body) == (200, entry.path.read_bytes())
        assert headers["content-encoding"] == "identity"
        assert headers["etag"] == f'"{entry.digest}"'
        # Without gzip, the bytes as they are; without the version, to be checked again.
        status, headers, body = _get(_url(server, entry.path), **{"X-Forwarded-For": REMOTE})
        assert (status, body) == (200, entry.path.read_bytes())
        assert headers["content-encoding"] == "identity"
        assert headers["cache-control"] == "no-cache"
        assert _get(_url(server, entry.path), **{"If-None-Match": headers["etag"]})[0] == 304

        status, headers, body = _get(_url(server, image, version))
        assert (status, body) == (200, image.read_bytes())
        assert headers["content-type"] == "image/png"
        assert headers["cache-control"] == "public, max-age=31536000, immutable"

        assert _get(f"{server.url}/classroom/files/..%2F..%2Fetc%2Fpasswd")[0] == 404
        assert _get(f"{server.url}/classroom/files/{'0' * 32}.cfm")[0] == 404


def test_a_served_entry_rewritten_and_truncated_in_place_never_kills_the_server(
    tmp_path: Path,
) -> None:
    """Issue 17, finding 1: copying over a served entry in place killed the server (SIGBUS,
    it had the file memory-mapped). Now every response is the valid entry or a clean 404."""
    store = FeatureStore(tmp_path / "store")
    entry = prepare_view(store, image_width=1024, image_height=768, layers=BIG)[0]
    good = entry.path.read_bytes()
    stranger = stranger_bytes(good)
    statuses: Counter[int] = Counter()
    wrong: list[str] = []
    stop = threading.Event()
    sent_whole = threading.Event()

    with route_server(store.root) as server:

        def fetch() -> None:
            while not stop.is_set():
                try:
                    status, _, body = _get(
                        _url(server, entry.path),
                        **{"Accept-Encoding": "gzip", "X-Forwarded-For": REMOTE},
                    )
                except (AssertionError, OSError) as error:  # a cut or malformed response
                    wrong.append(repr(error))
                    continue
                statuses[status] += 1
                if status == 200:
                    sent_whole.set()
                if status == 200 and body != good:
                    wrong.append(f"{len(body)} bytes that are not the entry")
                elif status not in (200, 404):
                    wrong.append(f"HTTP {status}")

        clients = [threading.Thread(target=fetch) for _ in range(3)]
        for client in clients:
            client.start()
        # Rewrite until the clients have made their requests under churn (counted, not
        # timed), then leave the entry whole until it has been sent once.
        while (
            server.process.poll() is None and statuses.total() + len(wrong) < _REQUESTS_UNDER_CHURN
        ):
            _rewrite_in_place(
                entry.path, [good[: len(good) // 3], stranger, good[: len(good) // 2], good]
            )
        deadline = time.monotonic() + 240
        while server.process.poll() is None and time.monotonic() < deadline:
            _keep_whole(entry.path, good)
            if sent_whole.wait(timeout=0.5):  # wakes at the first 200
                break
        stop.set()
        for client in clients:
            client.join()
        alive = server.process.poll() is None
        output = server.output()

    assert alive, f"the server died ({server.process.returncode}):\n{output[-2000:]}"
    assert wrong == [], wrong[:5]
    assert statuses[200] > 0, "the valid entry was never sent"


def test_the_apps_reads_of_an_entry_changing_underneath_never_crash(tmp_path: Path) -> None:
    """The app's read side (``load_prepared``) mapped entries too: a reader in a process of
    its own must end normally, each read giving the entry, nothing, or a clean error.

    The file is rewritten until the reader has made ``_READS_UNDER_CHURN`` reads (it counts
    them in a file), then left whole: the reader must then find it valid again. Counting
    reads, not seconds, keeps the test the same on a loaded machine."""
    store = FeatureStore(tmp_path / "store")
    entry = prepare_view(store, image_width=1024, image_height=768, layers=BIG)[0]
    good = entry.path.read_bytes()
    counter = tmp_path / "reads"
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(store.root), str(entry.path), str(counter)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    while reader.poll() is None and _reads(counter) < _READS_UNDER_CHURN:
        _rewrite_in_place(entry.path, [good[: len(good) // 4], stranger_bytes(good), good])
    while True:
        _keep_whole(entry.path, good)
        try:
            output = reader.communicate(timeout=0.5)[0].decode()  # wakes when the reader ends
            break
        except subprocess.TimeoutExpired:
            continue
    assert reader.returncode == 0, f"the reader died ({reader.returncode}): {output[-2000:]}"
    assert _reads(counter) >= _READS_UNDER_CHURN
    assert "valid" in output, output[-2000:]


def _reads(counter: Path) -> int:
    try:
        return int(counter.read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def test_an_entry_replaced_by_a_link_after_it_was_checked_is_not_followed(
    small: tuple[FeatureStore, list[PreparedLayer]], tmp_path: Path
) -> None:
    """A validated entry reads its arrays later: a link put in its place meanwhile (even to
    the same bytes) is refused, never followed."""
    store, layers = small
    entry = store.read_path(layers[0].path)
    assert entry is not None
    copy = tmp_path / "copy.cfm"
    shutil.copyfile(entry.path, copy)
    entry.path.unlink()
    entry.path.symlink_to(copy)
    with pytest.raises(DamagedEntryError, match="symbolic link"):
        entry.codes.sum()


#: How many reads the reader makes while the file is being rewritten underneath it.
_READS_UNDER_CHURN = 20

#: Reads the entry (and its arrays) over and over, counting its reads in a file, until it has
#: made the reads under churn and then found the entry whole (or a generous time is up).
_READER = f"""
import sys, time
from pathlib import Path
from classroom.store import DamagedEntryError, FeatureStore
store, path, counter = FeatureStore(Path(sys.argv[1])), Path(sys.argv[2]), Path(sys.argv[3])
seen, reads, valid_after_churn = set(), 0, False
end = time.monotonic() + 240
while not valid_after_churn and time.monotonic() < end:
    entry = store.read_path(path)
    outcome = "none"
    if entry is not None:
        try:
            entry.codes.sum()
            outcome = "valid"
        except DamagedEntryError:
            outcome = "refused"
    seen.add(outcome)
    valid_after_churn = outcome == "valid" and reads >= {_READS_UNDER_CHURN}
    reads += 1
    counter.write_text(str(reads))
print(sorted(seen))
"""


def test_analysis_images_are_checked_before_they_are_sent_and_their_url_follows_them(
    small: tuple[FeatureStore, list[PreparedLayer]],
) -> None:
    """Issue 17, finding 2: a replaced or truncated image was sent as it was, and cached
    for good. Now it is refused (once reported, then removed to be rebuilt), and a new
    image has a new URL."""
    store, layers = small
    sha = layers[0].header.key.image_sha256
    image = store.image_path(sha, 64)
    first = store.image_version(sha, 64)
    with route_server(store.root) as server:
        assert _get(_url(server, image, first))[0] == 200
        # Another valid picture copied over it: not sent, reported once, removed.
        image.write_bytes(synthetic_image(64, 48, seed=9))
        for _ in range(3):
            status, _, body = _get(_url(server, image, first))
            assert (status, body) == (404, b"")
        assert not image.exists()
        assert _reports(server, image) == 1
        # Prepared again, from another picture: another version, so another URL.
        store.write_image(sha, 64, synthetic_image(64, 48, seed=10))
        second = store.image_version(sha, 64)
        assert second not in (None, first)
        status, headers, body = _get(_url(server, image, second))
        assert (status, body, headers["cache-control"]) == (
            200,
            image.read_bytes(),
            "public, max-age=31536000, immutable",
        )
        # The old URL gets the new picture, but not for keeps.
        assert _get(_url(server, image, first))[1]["cache-control"] == "no-cache"
        # Truncated: refused too.
        image.write_bytes(image.read_bytes()[:100])
        assert _get(_url(server, image, second))[0] == 404
        assert _reports(server, image) == 2


def test_only_regular_files_inside_the_store_are_sent(
    small: tuple[FeatureStore, list[PreparedLayer]], tmp_path: Path
) -> None:
    """Issue 17, finding 9: a link in images/ was followed (/etc/passwd sent as a PNG), a link
    in place of an entry gave a silent 404 for good. Now neither is followed: both are
    reported once and removed (to be prepared again); a folder linked out of the store is
    refused and left alone."""
    store, layers = small
    sha = layers[0].header.key.image_sha256
    image = store.image_path(sha, 64)
    entry = layers[1].path
    outside = tmp_path / "outside.cfm"
    shutil.copyfile(entry, outside)
    copied = outside.read_bytes()
    image.unlink()
    image.symlink_to("/etc/passwd")
    entry.unlink()
    entry.symlink_to(outside)
    with route_server(store.root) as server:
        for _ in range(2):
            assert _get(_url(server, image))[0] == 404
            assert _get(_url(server, entry))[0] == 404
        assert not image.is_symlink()
        assert not entry.is_symlink()
        assert outside.read_bytes() == copied, "what a link pointed to is not the store's"
        assert (_reports(server, image), _reports(server, entry)) == (1, 1)
        assert "is a symbolic link" in server.output()

        # The images folder itself linked out of the store: refused, nothing removed.
        elsewhere = tmp_path / "elsewhere"
        store.images_dir.rename(elsewhere)
        store.write_image(sha, 64, synthetic_image(64, 48, seed=0))
        kept = store.image_path(sha, 64).read_bytes()
        shutil.rmtree(store.images_dir)
        (elsewhere / image.name).write_bytes(kept)
        store.images_dir.symlink_to(elsewhere, target_is_directory=True)
        for _ in range(2):
            assert _get(_url(server, image))[0] == 404
        assert (elsewhere / image.name).read_bytes() == kept
        assert server.output().count("leads outside the store") == 1
