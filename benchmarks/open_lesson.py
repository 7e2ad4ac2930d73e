"""Opening a prepared lesson: from page load to the first painted heat maps, warm and cold.

The benchmark lesson (one 1024x768 image, ResNet-101 conv2_x/conv3_x/conv4_x at 8 bit,
prepared with ``classroom prepare --untrained``) is served by ``classroom run``. Each round
starts a fresh server on a cold store (the lesson's and the store's files dropped from the
operating system's cache, nothing validated or cached by the app yet) and opens the lesson
once (cold), then once more in a new browser context on the now warm server (warm: what
every student after the first sees). Every open is a new browser context, so the browser
never has the feature files cached. One round before the measured ones warms the browser
itself up (shader compilation).

Run alone: ``.venv/bin/python -m benchmarks --only open``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Spec
from benchmarks.sessions import (
    describe_problems,
    evict_from_page_cache,
    lesson_url,
    open_session,
)
from benchmarks.workload import IMAGE_NOTE, prepared_lesson
from tests.browser.chromium import launch_browser
from tests.browser.harness import classroom_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["SPECS", "measure"]

WARM: Final = Spec("warm_open_s", "open a prepared lesson, warm store", "s")
COLD: Final = Spec("cold_open_s", "open a prepared lesson, cold store", "s")
RATIO: Final = Spec("cold_open_ratio", "  cold / warm", "x")
SPECS: Final[tuple[Spec, ...]] = (WARM, COLD, RATIO)
VIEWPORT: Final = (1280, 800)


def _timed_open(browser: Browser, url: str, problems: list[str]) -> float:
    """Seconds until the lesson's maps are painted; what went wrong goes into ``problems``."""
    session, seconds = open_session(browser, url, viewport=VIEWPORT)
    try:
        problems.extend(session.problems())
    finally:
        session.close()
    return seconds


def _round(browser: Browser, problems: list[str]) -> tuple[float, float]:
    """(cold, warm) seconds on a fresh server."""
    lesson = prepared_lesson()
    evict_from_page_cache(lesson.files())
    with classroom_app(lesson.lessons, lesson.cache, environment=lesson.environment) as server:
        url = lesson_url(server.url)
        cold = _timed_open(browser, url, problems)
        warm = _timed_open(browser, url, problems)
    return cold, warm


def measure(*, repeats: int = 5) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    prepared_lesson()  # not part of any timing
    colds: list[float] = []
    warms: list[float] = []
    problems: list[str] = []
    with sync_playwright() as playwright, launch_browser(playwright) as browser:
        _round(browser, problems)  # the browser's own warm-up
        for _ in range(repeats):
            cold, warm = _round(browser, problems)
            colds.append(cold)
            warms.append(warm)
    seen = f"; problems seen in the sessions: {describe_problems(problems)}" if problems else ""
    how = (
        f"classroom run --untrained, lesson of one image ({IMAGE_NOTE}), ResNet-101 "
        f"conv2_x+conv3_x+conv4_x at 8 bit; {VIEWPORT[0]}x{VIEWPORT[1]} page, a new browser "
        "context per open; from navigation until every panel has painted its heat map"
    )
    return [
        WARM.from_samples(warms, note=how + "; warm: the server has served the lesson once"),
        COLD.from_samples(
            colds,
            note="a fresh server; the lesson's and the store's files dropped from the OS cache",
        ),
        RATIO.ratio_of(colds, warms, note="median and IQR of the rounds' ratios" + seen),
    ]
