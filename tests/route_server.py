"""The file route on its own, in a real server process (uvicorn), for the tests of what it sends.

A server of its own, so that a test can see it die (a crash of the route must not take the
test run with it) and read what it logged. ``app`` is the route alone, over the store named
by ``CLASSROOM_CACHE_DIR``, as in ``classroom run``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from classroom.file_route import file_route
from tests.browser.harness import LOOPBACK, REPO_ROOT, free_port

__all__ = ["RouteServer", "app", "route_server"]

app = Starlette(routes=[file_route()])


@dataclass(frozen=True)
class RouteServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def route_server(store_root: Path) -> Iterator[RouteServer]:
    """uvicorn serving :data:`app` for ``store_root`` on a free loopback port."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="classroom-route-") as temporary:
        log = Path(temporary) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "uvicorn", "tests.route_server:app"),
                    *("--host", LOOPBACK, "--port", str(port), "--log-level", "warning"),
                ],
                cwd=REPO_ROOT,
                env={**os.environ, "CLASSROOM_CACHE_DIR": str(store_root)},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        server = RouteServer(f"http://{LOOPBACK}:{port}", process, log)
        try:
            _wait_listening(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_listening(server: RouteServer) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{server.url}/classroom/files/none", timeout=2)
        except urllib.error.HTTPError:
            return  # it answers (404): it is up
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the route server did not start:\n{server.output()}")
        time.sleep(0.1)  # polling a server that is starting, not waiting on a page
