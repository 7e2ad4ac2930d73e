"""Serving a class: a new student's first paint with twenty others, the file route's
throughput against a plain static file server, and the server's memory.

``classroom run`` serves the prepared benchmark lesson; students are browser contexts (each
with its own cache, as separate laptops) in one headless Chromium, opened one after another
(each waits until the previous one has painted: SwiftShader on two cores cannot paint twenty
at once).

* First paint: from navigation until the GPU has finished the first frame with every heat
  map (the component's timeline), for a student alone on the server, then for a student
  arriving while twenty others are open; the ratio of the medians.
* Throughput: clients fetch the lesson's largest feature file over and over, as plain bytes
  (no compression: the plain server has none), from the route and from Python's
  ``http.server`` (``ThreadingHTTPServer``, the standard static file server) serving the
  store's own file, in alternating rounds of the same length; the median of the rounds'
  ratios.
* Kept-alive connections: the median time of a small request (Streamlit's health check)
  on one connection kept alive, against the same request on a new connection each time. A
  browser loads the page's hundred-odd files over six kept-alive connections; without
  TCP_NODELAY each request after a connection's first waited ~40 ms for a delayed
  acknowledgement (:mod:`classroom.no_delay`).
* Memory: the resident memory (``VmRSS``) of the ``classroom run`` process and its children
  with one student and with twenty, after settling.

Run alone: ``.venv/bin/python -m benchmarks --only serving``.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.sessions import Session, classroom, describe_problems, open_session
from benchmarks.static_server import serve_directory
from benchmarks.workload import prepared_lesson
from classroom.store import FeatureStore
from harness.app import rss_bytes

__all__ = ["SPECS", "measure", "sample_rss"]

LONE: Final = Spec("first_paint_s_1_session", "a new student's first paint, alone", "s")
CROWDED: Final = Spec("first_paint_s_20_sessions", "  the same with 20 students open", "s")
PAINT_RATIO: Final = Spec(
    "first_paint_ratio_20_sessions", "  with 20 / alone", "x", Goal("<=", 2.0)
)
THROUGHPUT: Final = Spec("route_mb_per_s", "file route throughput (largest feature file)", "MB/s")
STATIC: Final = Spec("static_mb_per_s", "  a plain static file server, the same file", "MB/s")
THROUGHPUT_RATIO: Final = Spec(
    "route_throughput_ratio", "  route / plain static server", "x", Goal(">=", 0.8)
)
KEPT_ALIVE: Final = Spec("kept_alive_request_ms", "a small request, kept-alive connection", "ms")
NEW_CONNECTION: Final = Spec("new_connection_request_ms", "  the same on a new connection", "ms")
KEPT_ALIVE_RATIO: Final = Spec(
    "kept_alive_request_ratio", "  kept-alive / new connection", "x", Goal("<=", 1.5)
)
ONE: Final = Spec("rss_mb_1_session", "server memory, 1 session", "MiB")
TWENTY: Final = Spec("rss_mb_20_sessions", "server memory, 20 sessions", "MiB")
PER_SESSION: Final = Spec("rss_mb_per_session", "  per session beyond the first", "MiB")
SPECS: Final[tuple[Spec, ...]] = (
    LONE,
    CROWDED,
    PAINT_RATIO,
    THROUGHPUT,
    STATIC,
    THROUGHPUT_RATIO,
    KEPT_ALIVE,
    NEW_CONNECTION,
    KEPT_ALIVE_RATIO,
    ONE,
    TWENTY,
    PER_SESSION,
)
#: Small pages: twenty WebGL pages on SwiftShader are heavy on two cores.
VIEWPORT: Final = (900, 700)
SETTLE_S: Final = 5.0
CLIENTS: Final = 4
ROUND_S: Final = 2.0


def sample_rss(pid: int, count: int, interval: float = 1.0) -> list[float]:
    """``count`` readings of the process tree's resident memory in MiB, ``interval`` apart."""
    readings: list[float] = []
    for index in range(count):
        if index:
            time.sleep(interval)
        readings.append(rss_bytes(pid) / 2**20)
    return readings


def _first_paint(room: Any, problems: list[str]) -> float:
    """Seconds until a new student's view is on screen (the student leaves afterwards)."""
    session, _ = open_session(room.browser, room.url, viewport=VIEWPORT)
    try:
        problems.extend(session.problems())
        return session.timeline()["shown"]
    finally:
        session.close()


# -- throughput ----------------------------------------------------------------------------------


def _fetch_loop(url: str, size: int, until: float, received: list[int]) -> None:
    """GET ``url`` over and over until ``until``, reading into one buffer; adds the bytes."""
    parts = urlsplit(url)
    buffer = memoryview(bytearray(1 << 20))
    total = 0
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        while time.perf_counter() < until:
            connection.request("GET", parts.path, headers={"Accept-Encoding": "identity"})
            response = connection.getresponse()
            if response.status != 200:
                raise RuntimeError(f"{url}: HTTP {response.status}")
            got = 0
            while count := response.readinto(buffer):
                got += count
            if got != size:
                raise RuntimeError(f"{url}: {got} of {size} bytes")
            total += got
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(
                    parts.hostname or "", parts.port, timeout=60
                )
    finally:
        connection.close()
    received.append(total)


def _throughput(url: str, size: int) -> float:
    """MB/s that CLIENTS concurrent clients get from ``url`` over ROUND_S seconds."""
    received: list[int] = []
    start = time.perf_counter()
    until = start + ROUND_S
    threads = [
        threading.Thread(target=_fetch_loop, args=(url, size, until, received))
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(received) != CLIENTS:
        raise RuntimeError(f"a client of {url} failed")
    return sum(received) / (time.perf_counter() - start) / 1e6


def _throughputs(route_base: str, rounds: int) -> tuple[list[float], list[float], str]:
    """(route, static) MB/s per round, alternating which goes first, and the file's name."""
    store = FeatureStore(prepared_lesson().cache)
    largest = max(store.features_dir.glob("*.cfm"), key=lambda path: path.stat().st_size)
    size = largest.stat().st_size
    route_url = f"{route_base}/classroom/files/{largest.name}"
    route: list[float] = []
    static: list[float] = []
    with serve_directory(store.features_dir) as static_base:
        static_url = f"{static_base}/{largest.name}"
        _throughput(route_url, size)  # the route has read and checked the file once
        _throughput(static_url, size)  # and the file is in the page cache for both
        for index in range(rounds):
            order: list[tuple[list[float], str]] = [(route, route_url), (static, static_url)]
            for results, url in order if index % 2 == 0 else reversed(order):
                results.append(_throughput(url, size))
    return route, static, f"{largest.name} ({size / 1e6:.1f} MB)"


# -- kept-alive connections -------------------------------------------------------------------

#: A small answer that involves no session: the time is the connection's, not the app's.
SMALL_REQUEST: Final = "/_stcore/health"
REQUESTS: Final = 40


def _request_ms(connection: http.client.HTTPConnection) -> float:
    """Milliseconds for one GET of SMALL_REQUEST on ``connection``, the body read."""
    start = time.perf_counter()
    connection.request("GET", SMALL_REQUEST)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{SMALL_REQUEST}: HTTP {response.status}")
    return (time.perf_counter() - start) * 1000


def _request_latencies(base: str) -> tuple[list[float], list[float]]:
    """(kept-alive, new connection) milliseconds per request, REQUESTS of each, interleaved
    in blocks so a passing load spike touches both."""
    parts = urlsplit(base)
    host, port = parts.hostname or "", parts.port
    kept = http.client.HTTPConnection(host, port, timeout=30)
    kept_alive: list[float] = []
    fresh: list[float] = []
    try:
        _request_ms(kept)  # the kept connection is open from here on
        for _ in range(REQUESTS // 4):
            kept_alive.extend(_request_ms(kept) for _ in range(4))
            for _ in range(4):
                connection = http.client.HTTPConnection(host, port, timeout=30)
                try:
                    fresh.append(_request_ms(connection))
                finally:
                    connection.close()
    finally:
        kept.close()
    return kept_alive, fresh


def measure(*, sessions: int = 20, samples: int = 5, repeats: int = 3) -> list[Figure]:
    opened: list[Session] = []
    problems: list[str] = []
    with classroom() as room:
        timed: Callable[[Any], float] = functools.partial(_first_paint, problems=problems)
        try:
            timed(room)  # the server's and the browser's warm-up
            lone = [timed(room) for _ in range(repeats)]
            route, static, file_note = _throughputs(room.server.url, 2 * repeats)
            kept_alive, fresh = _request_latencies(room.server.url)
            opened.append(open_session(room.browser, room.url, viewport=VIEWPORT)[0])
            time.sleep(SETTLE_S)  # let the first session's reruns and caches settle
            one = sample_rss(room.server.pid, samples)
            while len(opened) < sessions:
                opened.append(open_session(room.browser, room.url, viewport=VIEWPORT)[0])
            time.sleep(SETTLE_S)
            many = sample_rss(room.server.pid, samples)
            crowded = [timed(room) for _ in range(repeats)]
            problems.extend(problem for session in opened for problem in session.problems())
        finally:
            for session in opened:
                session.close()
    how = (
        f"classroom run (pid tree VmRSS), {samples} readings 1 s apart after {SETTLE_S:g} s of "
        f"settling; sessions are browser contexts opened one after another, each painted "
        f"before the next, {VIEWPORT[0]}x{VIEWPORT[1]} pages"
    )
    if problems:
        how += f"; problems seen in the sessions: {describe_problems(problems)}"
    many_spec, crowded_spec, ratio_spec = TWENTY, CROWDED, PAINT_RATIO
    if sessions != 20:
        many_spec = Spec(
            f"rss_mb_{sessions}_sessions", f"server memory, {sessions} sessions", "MiB"
        )
        crowded_spec = Spec(f"first_paint_s_{sessions}_sessions", f"  with {sessions} open", "s")
        ratio_spec = Spec(
            f"first_paint_ratio_{sessions}_sessions", f"  with {sessions} / alone", "x"
        )
    per_session = (sum(many) / len(many) - sum(one) / len(one)) / max(1, sessions - 1)
    figures = [
        LONE.from_samples(
            lone,
            note="from navigation until the GPU has finished the first frame with every heat "
            "map; a new browser context each time",
        ),
        crowded_spec.from_samples(crowded, note=f"with {sessions} other students' pages open"),
        ratio_spec.measured(
            statistics.median(crowded) / statistics.median(lone),
            n=len(crowded),
            note="ratio of the medians",
        ),
        THROUGHPUT.from_samples(
            route,
            note=f"{CLIENTS} clients fetching {file_note} over and over for {ROUND_S:g} s "
            "rounds, plain bytes (Accept-Encoding: identity), loopback",
        ),
        STATIC.from_samples(
            static, note="Python's http.server (ThreadingHTTPServer) serving the store's file"
        ),
        THROUGHPUT_RATIO.ratio_of(
            route, static, note="median of the rounds' ratios (alternating which goes first)"
        ),
        KEPT_ALIVE.from_samples(
            kept_alive, note=f"GET {SMALL_REQUEST}, {REQUESTS} requests on one connection"
        ),
        NEW_CONNECTION.from_samples(fresh, note="the connection's set-up included"),
        KEPT_ALIVE_RATIO.measured(
            statistics.median(kept_alive) / statistics.median(fresh),
            n=len(kept_alive),
            note="ratio of the medians",
        ),
        ONE.from_samples(one, note=how),
        many_spec.from_samples(many),
        PER_SESSION.measured(
            per_session, note=f"(mean with {sessions} - mean with 1) / {sessions - 1}"
        ),
    ]
    if sessions != 20:
        reason = f"this run opened {sessions} sessions, not 20"
        figures += [spec.unmeasured(reason) for spec in (CROWDED, PAINT_RATIO, TWENTY)]
    return figures
