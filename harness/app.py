"""A live app, a browser on it, the component's frame and the server's memory.

Shared by the browser tests' fixtures and by the benchmarks (``benchmarks/``), so that both
start servers, find the view and decide when it has painted in the same way:

* :func:`streamlit_server` starts a Streamlit server (``classroom run`` or a test page) on a
  free port, with its own environment, and waits for ``/_stcore/health``;
* :func:`view_frame` finds the component's iframe and waits until every panel has its data
  on the GPU; :func:`wait_painted` until every panel has painted a heat map;
* :func:`rss_bytes` reads the resident memory of a process and its children from ``/proc``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

__all__ = [
    "IFRAME",
    "NAVIGATOR",
    "POLL_MS",
    "Server",
    "classroom_app",
    "classroom_command",
    "classroom_program",
    "free_port",
    "hook",
    "painted",
    "rss_bytes",
    "stop",
    "streamlit_command",
    "streamlit_server",
    "view_frame",
    "wait_painted",
]

IFRAME: Final = 'iframe[title="classroom.component.similarity_view"]'
#: The step navigator's frame (Back and Next, the step count).
NAVIGATOR: Final = 'iframe[title="classroom.component.step_navigator"]'
#: Polling interval for waits inside a frame. Playwright's default polls on animation frames,
#: which Chromium stops for frames scrolled out of view.
POLL_MS: Final = 50
STARTUP_SECONDS: Final = 60.0
REPO_ROOT: Final = Path(__file__).resolve().parents[1]
LOOPBACK: Final = "127.0.0.1"
#: Every panel has its data on the GPU.
_READY: Final = (
    "() => window.__classroomView !== undefined && "
    "window.__classroomView.panels().every((panel) => panel.status?.kind === 'ready')"
)
#: ... and has computed and drawn its heat map.
_PAINTED: Final = (
    "() => window.__classroomView !== undefined && window.__classroomView.panels().length > 0"
    " && window.__classroomView.panels().every((panel) => panel.status?.kind === 'ready'"
    " && panel.computedFrame >= 0 && panel.frame >= 0)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running server: its base URL, its process and the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def classroom_program() -> list[str]:
    """The ``classroom`` command of this environment (its console script where installed)."""
    script = Path(sys.executable).with_name("classroom")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "classroom"]


def classroom_command(
    port: int, lessons: Path | None = None, *, untrained: bool = True
) -> list[str]:
    """``classroom run`` of this environment on ``port`` (loopback only).

    ``lessons`` is the lesson directory (default: the bundled lessons).
    """
    command = [*classroom_program(), "run", "--port", str(port), "--host", LOOPBACK]
    if lessons is not None:
        command += ["--lessons", str(lessons)]
    return command + (["--untrained"] if untrained else [])


def streamlit_command(port: int, script: Path) -> list[str]:
    """``streamlit run script`` on ``port`` (loopback only), with the options classroom uses."""
    from classroom.server import streamlit_options

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        *streamlit_options(port, LOOPBACK),
    ]


@contextmanager
def streamlit_server(
    command: Sequence[str],
    port: int,
    *,
    environment: Mapping[str, str],
    cwd: Path = REPO_ROOT,
    startup_seconds: float = STARTUP_SECONDS,
) -> Iterator[Server]:
    """Start ``command`` (a server listening on ``port``) and wait until it is healthy.

    ``environment`` is the server's whole environment (a caller that wants to add to this
    process's passes ``{**os.environ, ...}``). The server's output goes to a file rather than
    a pipe, which nobody would read while the server runs, and which would stall it once
    full. The server is stopped on exit.
    """
    with tempfile.TemporaryDirectory(prefix="classroom-server-") as temporary:
        log = Path(temporary) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=dict(environment),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://{LOOPBACK}:{port}", process, log)
        try:
            _wait_healthy(server, startup_seconds)
            yield server
        finally:
            stop(process)


@contextmanager
def classroom_app(
    lessons: Path,
    cache_dir: Path,
    *,
    untrained: bool = True,
    environment: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """``classroom run`` on a free port for ``lessons``, with its store in ``cache_dir``.

    ``environment`` is added to this process's.
    """
    port = free_port()
    settings = {**os.environ, "CLASSROOM_CACHE_DIR": str(cache_dir), **(environment or {})}
    command = classroom_command(port, lessons, untrained=untrained)
    with streamlit_server(command, port, environment=settings) as server:
        yield server


def _wait_healthy(server: Server, startup_seconds: float) -> None:
    deadline = time.monotonic() + startup_seconds
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start:\n{server.output()}")
        time.sleep(0.2)  # polling a server that is starting, not waiting on a page


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server: politely, then for good if it has not exited in ten seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def view_frame(page: Page, index: int = 0, *, timeout_ms: float = 60_000) -> Frame:
    """The component's frame (in page order), once every panel has its data on the GPU."""
    return _wait_for_view(page, index, _READY, "get ready", timeout_ms)


def wait_painted(page: Page, index: int = 0, *, timeout_ms: float = 60_000) -> Frame:
    """The component's frame once every panel has computed and drawn its heat map."""
    return _wait_for_view(page, index, _PAINTED, "paint", timeout_ms)


def painted(frame: Frame) -> bool:
    """Whether every panel of the view in ``frame`` has painted its heat map."""
    return bool(frame.evaluate(_PAINTED))


def _wait_for_view(page: Page, index: int, condition: str, what: str, timeout_ms: float) -> Frame:
    from playwright.sync_api import Error as PlaywrightError

    element = page.locator(IFRAME).nth(index).element_handle(timeout=timeout_ms)
    frame = element.content_frame()
    assert frame is not None, "the component iframe has no document"
    try:
        frame.wait_for_function(condition, timeout=timeout_ms, polling=POLL_MS)
    except PlaywrightError as error:
        raise AssertionError(f"the view did not {what}: {_view_state(frame)}") from error
    return frame


def _view_state(frame: Frame) -> str:
    state: str = frame.evaluate(
        "() => window.__classroomView === undefined ? document.body.innerText :"
        " JSON.stringify(window.__classroomView.panels().map((panel) => panel.status))"
    )
    return state


def hook(frame: Frame, call: str, *args: Any) -> Any:
    """Call ``window.__classroomView.<call>(...args)`` in the component's frame."""
    return frame.evaluate(f"(args) => window.__classroomView.{call}(...args)", list(args))


# -- memory -------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _status_kib(pid: int, field: str) -> int:
    with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
        return _field_kib(status, field)


def _field_kib(status: IO[str], field: str) -> int:
    for line in status:
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def rss_bytes(pid: int, *, field: str = "VmRSS", children: bool = True) -> int:
    """Resident memory of ``pid`` (and, by default, all its descendants) from ``/proc``.

    ``field`` is a line of ``/proc/<pid>/status``: ``VmRSS`` (all resident pages),
    ``RssAnon`` (the process's own memory, without files mapped from disk) or ``RssFile``.
    A descendant that exits while being read counts as zero.
    """
    if not Path("/proc/self/status").is_file():
        raise OSError("reading memory needs Linux's /proc")
    pending, total = [pid], 0
    while pending:
        current = pending.pop()
        try:
            total += _status_kib(current, field) * 1024
        except (OSError, ValueError):
            if current == pid:
                raise
            continue
        if children:
            pending.extend(_children(current))
    return total
