"""The load check: 20 students on one lesson for minutes; no error anywhere, memory flat.

Twenty browser contexts (one per student, in one headless Chromium) open the prepared
benchmark lesson on ``classroom run`` and then, taking turns, do what students do: point
at the panels, pin a location, lock and release it, step forwards and back through the
lesson. Every session's console errors, uncaught page errors, failed requests, HTTP errors
and Streamlit exceptions are collected, and so are tracebacks in the server's output: there
must be none. The server's resident memory is read every few seconds; after the first half
(warm-up) the growth of its floor (:func:`floor_slope`) must stay under
:data:`FLAT_MIB_PER_MIN`.

Not part of a plain ``python -m benchmarks`` run (it takes minutes): run it with
``.venv/bin/python -m benchmarks --only load`` (``--load-minutes``, ``--sessions``).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.sessions import Session, classroom, describe_problems, open_session
from benchmarks.workload import STEP_IDS
from harness.app import IFRAME, rss_bytes, wait_painted

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["FLAT_MIB_PER_MIN", "SPECS", "floor_slope", "measure"]

#: Growth that still counts as flat: at this slope a two-hour class adds at most 120 MiB.
FLAT_MIB_PER_MIN: Final = 1.0
PROBLEMS: Final = Spec("load_problems", "load check: problems in all sessions", "", Goal("<=", 0))
SLOPE: Final = Spec(
    "load_rss_slope_mb_per_min",
    "load check: memory growth after warm-up",
    "MiB/min",
    Goal("<=", FLAT_MIB_PER_MIN),
)
RSS: Final = Spec("load_rss_mb", "load check: server memory after warm-up", "MiB")
ACTIONS: Final = Spec("load_actions", "load check: student actions", "")
SPECS: Final[tuple[Spec, ...]] = (PROBLEMS, SLOPE, RSS, ACTIONS)
NO_PROBLEMS: Final = (
    "no console or page errors, failed requests, HTTP errors, Streamlit exceptions or server "
    "tracebacks"
)
VIEWPORT: Final = (900, 700)
SAMPLE_EVERY_S: Final = 2.0
WINDOW_S: Final = 15.0


@dataclass
class _Student:
    """One session and where it is in its routine."""

    session: Session
    rng: random.Random
    turn: int = 0
    step: int = 0
    direction: int = 1
    actions: int = 0

    @property
    def page(self) -> Page:
        return self.session.page

    def act(self, steps: int) -> None:
        """The next thing this student does (a routine of pointing, pinning and stepping)."""
        routine: tuple[Callable[[int], None], ...] = (
            self._point,
            self._point,
            self._pin,
            self._lock,
            self._point,
            self._release,
            self._step,
        )
        routine[self.turn % len(routine)](steps)
        self.turn += 1
        self.actions += 1

    def _panel_point(self) -> tuple[float, float]:
        panels = self.page.frame_locator(IFRAME).first.get_by_test_id("panel")
        box = panels.nth(self.rng.randrange(panels.count())).bounding_box()
        if box is None:
            raise RuntimeError("a panel of the view is not on the page")
        x = box["x"] + self.rng.uniform(0.05, 0.95) * box["width"]
        return x, box["y"] + self.rng.uniform(0.05, 0.95) * box["height"]

    def _point(self, _: int) -> None:
        for _move in range(3):
            self.page.mouse.move(*self._panel_point(), steps=2)

    def _pin(self, _: int) -> None:
        self.page.mouse.click(*self._panel_point())

    def _lock(self, _: int) -> None:
        self.page.keyboard.press("l")

    def _release(self, _: int) -> None:
        self.page.keyboard.press("Escape")

    def _step(self, steps: int) -> None:
        """Forwards to the last step, then back to the first, and so on."""
        if steps < 2:
            return
        if not 0 <= self.step + self.direction < steps:
            self.direction = -self.direction
        self.page.keyboard.press("PageDown" if self.direction > 0 else "PageUp")
        self.step += self.direction


def floor_slope(times: list[float], readings: list[float], window_s: float) -> float:
    """Growth of the memory floor in MiB per minute: the least-squares slope of the lowest
    reading in each ``window_s`` window.

    A rerun's transient buffers make single readings jump by tens of MiB and back within
    seconds; a leak raises the floor the readings return to.
    """
    floors: dict[int, float] = {}
    for moment, reading in zip(times, readings, strict=True):
        window = int((moment - times[0]) // window_s)
        floors[window] = min(reading, floors.get(window, reading))
    if len(floors) < 2:
        return 0.0
    middles = [(window + 0.5) * window_s for window in floors]
    return statistics.linear_regression(middles, list(floors.values())).slope * 60


def measure(*, sessions: int = 20, minutes: float = 3.0, seed: int = 0) -> list[Figure]:
    steps = len(STEP_IDS)
    students: list[_Student] = []
    times: list[float] = []
    readings: list[float] = []
    with classroom() as room:
        try:
            for index in range(sessions):  # staggered: each paints before the next opens
                session = open_session(room.browser, room.url, viewport=VIEWPORT)[0]
                students.append(_Student(session, random.Random(seed * 1000 + index)))
            start = time.monotonic()
            next_sample = start
            turn = 0
            while (now := time.monotonic()) - start < minutes * 60:
                if now >= next_sample:
                    times.append(now - start)
                    readings.append(rss_bytes(room.server.pid) / 2**20)
                    next_sample += SAMPLE_EVERY_S
                students[turn % len(students)].act(steps)
                turn += 1
            for student in students:  # every view still answers and paints
                wait_painted(student.page)
            problems = [problem for student in students for problem in student.session.problems()]
        finally:
            for student in students:
                student.session.close()
        tracebacks = room.server.output().count("Traceback (most recent call last)")
    if tracebacks:
        problems.append(f"{tracebacks} tracebacks in the server's output")
    half = len(times) // 2
    late_times, late_readings = times[half:], readings[half:]
    slope = floor_slope(late_times, late_readings, WINDOW_S)
    actions = sum(student.actions for student in students)
    how = (
        f"{sessions} sessions for {minutes:g} min, {actions} actions (point, pin, lock, release, "
        f"step) in turns; server memory read every {SAMPLE_EVERY_S:g} s"
    )
    return [
        PROBLEMS.measured(
            len(problems),
            n=sessions,
            note=describe_problems(problems, limit=10) if problems else NO_PROBLEMS,
        ),
        SLOPE.measured(
            slope,
            n=len(late_times),
            note=f"least-squares slope of the lowest reading per {WINDOW_S:g} s over the second "
            f"half (the first half is warm-up); {how}",
            samples=readings,
        ),
        RSS.from_samples(late_readings),
        ACTIONS.measured(actions),
    ]
