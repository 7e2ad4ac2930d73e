"""Two servers on one store both serve it correctly (what held in issue 17; kept so here).

A class may run a second ``classroom run`` on the same store (another port, a restart that
overlapped). Both start, maintain the store without harm, and serve every prepared entry and
image byte for byte, also while the other serves the same files.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from click.testing import CliRunner

from classroom.cli import main
from classroom.store import FeatureStore
from harness.app import Server, classroom_app
from tests.lesson_tree import VALID, LessonTree


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[FeatureStore, list[Server]]]:
    tree = LessonTree(tmp_path)
    lesson = tree.write(VALID + "model: resnet18\nlayers: [conv2_x, conv3_x]\n")
    store = FeatureStore(tmp_path / "store")
    environment = {**os.environ, "CLASSROOM_CACHE_DIR": str(store.root)}
    prepared = CliRunner().invoke(main, ["prepare", "--untrained", str(lesson)], env=environment)
    assert prepared.exit_code == 0, prepared.output
    with ExitStack() as stack:
        running = [stack.enter_context(classroom_app(tree.lessons, store.root)) for _ in range(2)]
        yield store, running


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        body: bytes = response.read()
        return body


@pytest.mark.slow
def test_two_servers_on_one_store_serve_every_file_byte_for_byte(
    servers: tuple[FeatureStore, list[Server]],
) -> None:
    store, running = servers
    files = [*store.features_dir.glob("*.cfm"), *store.images_dir.glob("*.png")]
    assert len(files) == 3, "two layers and the analysis image"
    requests = [
        (f"{server.url}/classroom/files/{path.name}", path.read_bytes())
        for _ in range(4)
        for server in running
        for path in files
    ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda request: _get(request[0]), requests))

    assert all(body == expected for body, (_, expected) in zip(bodies, requests, strict=True))
    for server in running:
        assert _get(f"{server.url}/_stcore/health") == b"ok"
        assert server.process.poll() is None
        assert "Traceback" not in server.output()
