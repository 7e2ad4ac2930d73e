"""Serving a class: the server's resident memory with 1 and with 20 students on one lesson.

``classroom run`` serves the prepared benchmark lesson; students are browser contexts (each
with its own cache, as separate laptops) in one headless Chromium, opened one after another
(each waits until the previous one has painted: SwiftShader on two cores cannot paint twenty
at once). After each phase the server settles, then its memory is sampled a few times.
Memory is the ``classroom run`` process and its children (``VmRSS`` in ``/proc``), which
includes the prepared files it has mapped, once for all sessions.

Run alone: ``.venv/bin/python -m benchmarks --only serving``.
"""

from __future__ import annotations

import time
from typing import Final

from benchmarks.figures import Figure, Spec
from benchmarks.sessions import Session, classroom, describe_problems, open_session
from tests.browser.harness import rss_bytes

__all__ = ["SPECS", "measure", "sample_rss"]

ONE: Final = Spec("rss_mb_1_session", "server memory, 1 session", "MiB")
TWENTY: Final = Spec("rss_mb_20_sessions", "server memory, 20 sessions", "MiB")
PER_SESSION: Final = Spec("rss_mb_per_session", "  per session beyond the first", "MiB")
SPECS: Final[tuple[Spec, ...]] = (ONE, TWENTY, PER_SESSION)
#: Small pages: twenty WebGL pages on SwiftShader are heavy on two cores.
VIEWPORT: Final = (900, 700)
SETTLE_S: Final = 5.0


def sample_rss(pid: int, count: int, interval: float = 1.0) -> list[float]:
    """``count`` readings of the process tree's resident memory in MiB, ``interval`` apart."""
    readings: list[float] = []
    for index in range(count):
        if index:
            time.sleep(interval)
        readings.append(rss_bytes(pid) / 2**20)
    return readings


def measure(*, sessions: int = 20, samples: int = 5) -> list[Figure]:
    opened: list[Session] = []
    with classroom() as room:
        try:
            opened.append(open_session(room.browser, room.url, viewport=VIEWPORT)[0])
            time.sleep(SETTLE_S)  # let the first session's reruns and caches settle
            one = sample_rss(room.server.pid, samples)
            while len(opened) < sessions:
                opened.append(open_session(room.browser, room.url, viewport=VIEWPORT)[0])
            time.sleep(SETTLE_S)
            many = sample_rss(room.server.pid, samples)
            problems = [problem for session in opened for problem in session.problems()]
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
    many_spec = TWENTY
    if sessions != 20:
        label = f"server memory, {sessions} sessions"
        many_spec = Spec(f"rss_mb_{sessions}_sessions", label, "MiB")
    figures = [ONE.from_samples(one, note=how), many_spec.from_samples(many)]
    if many_spec is not TWENTY:
        figures.append(TWENTY.unmeasured(f"this run opened {sessions} sessions, not 20"))
    per_session = (sum(many) / len(many) - sum(one) / len(one)) / max(1, sessions - 1)
    figures.append(
        PER_SESSION.measured(
            per_session, note=f"(mean with {sessions} - mean with 1) / {sessions - 1}"
        )
    )
    return figures
