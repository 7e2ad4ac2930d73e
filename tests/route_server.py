"""The file route on its own, in a real server process (uvicorn), for the tests of what it sends.

A server of its own, so that a test can see it die (a crash of the route must not take the
test run with it) and read what it logged. ``app`` is the route alone, over the store named
by ``CLASSROOM_CACHE_DIR``, as in ``classroom run``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette

from classroom.file_route import file_route
from harness.app import LOOPBACK, REPO_ROOT, stop

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
    """uvicorn serving :data:`app` for ``store_root`` on a free loopback port.

    The listening socket is opened here and handed to uvicorn (``--fd``), so the server
    accepts connections from the moment this returns: a first request waits in the socket's
    backlog until the app answers, and nothing has to poll for the server to come up.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((LOOPBACK, 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    with listener, tempfile.TemporaryDirectory(prefix="classroom-route-") as temporary:
        log = Path(temporary) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "uvicorn", "tests.route_server:app"),
                    *("--fd", str(listener.fileno()), "--log-level", "warning"),
                ],
                cwd=REPO_ROOT,
                env={**os.environ, "CLASSROOM_CACHE_DIR": str(store_root)},
                stdout=sink,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
        server = RouteServer(f"http://{LOOPBACK}:{port}", process, log)
        try:
            yield server
        finally:
            stop(process)
