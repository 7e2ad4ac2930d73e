"""Browser sessions on the running app: one student each, with everything that went wrong.

Every session is its own browser context (its own cache and storage, as a student's laptop)
in one shared headless Chromium. A session records console errors, uncaught page errors,
failed requests and HTTP errors as they happen; :meth:`Session.problems` adds the Streamlit
exceptions shown on the page.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from benchmarks.workload import LESSON_ID, prepared_lesson
from harness.app import POLL_MS, Server, classroom_app, hook, wait_painted
from harness.chromium import launch_browser

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Frame,
        Page,
        Request,
        Response,
    )

__all__ = [
    "Classroom",
    "Session",
    "classroom",
    "describe_problems",
    "evict_from_page_cache",
    "lesson_url",
    "open_page",
    "open_session",
]

#: Waits until the GPU has finished the first frame with every heat map (frontend timeline.ts).
_SHOWN: Final = "() => window.__classroomView.timeline().shown !== undefined"

#: Streamlit shows an exception raised by the page script in this element.
EXCEPTION: Final = '[data-testid="stException"]'
PAINT_TIMEOUT_MS: Final = 180_000


def lesson_url(server_url: str, step: str | None = None) -> str:
    """The app's link to the benchmark lesson (and a step of it)."""
    query = f"lesson={LESSON_ID}" + ("" if step is None else f"&step={step}")
    return f"{server_url}/?{query}"


@dataclass
class Session:
    """One browser context with one page on the app."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    #: The component's frame once it has painted (set by :func:`open_session`).
    frame: Frame | None = None

    def watch(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def _failed(self, request: Request) -> None:
        # A navigation away from a page cancels what it was still loading: not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def problems(self) -> list[str]:
        """Everything that went wrong so far, Streamlit exceptions on the page included."""
        shown = self.page.locator(EXCEPTION)
        exceptions = [f"Streamlit exception: {text}" for text in shown.all_inner_texts()]
        return self.errors + exceptions

    def close(self) -> None:
        self.context.close()

    def timeline(self) -> dict[str, float]:
        """The view's opening marks in seconds since the page's navigation started, once the
        first frame with every heat map is on screen (``shown``)."""
        assert self.frame is not None, "the session has not painted yet"
        self.frame.wait_for_function(_SHOWN, polling=POLL_MS)
        navigation = float(self.page.evaluate("performance.timeOrigin"))
        marks: dict[str, float] = hook(self.frame, "timeline")
        return {name: (value - navigation) / 1000 for name, value in marks.items()}


def open_session(
    browser: Browser, url: str, *, viewport: tuple[int, int] = (1280, 800)
) -> tuple[Session, float]:
    """A new session on ``url``; returns it and the seconds from navigation to painted maps."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=1
    )
    context.set_default_timeout(PAINT_TIMEOUT_MS)
    return open_page(context, url)


def open_page(context: BrowserContext, url: str) -> tuple[Session, float]:
    """A new page on ``url`` in a browser context that may have visited the app before (its
    HTTP cache warm: a student's second visit); returns the session and the seconds from
    navigation to painted maps. Closing the session closes the context."""
    session = Session(context, context.new_page())
    session.watch()
    start = time.perf_counter()
    session.page.goto(url)
    session.frame = wait_painted(session.page, timeout_ms=PAINT_TIMEOUT_MS)
    return session, time.perf_counter() - start


def describe_problems(problems: list[str], *, limit: int = 5) -> str:
    """Distinct problems with how often each happened, most frequent first."""
    counts = Counter(problems)
    shown = [f"{count}x {problem}" for problem, count in counts.most_common(limit)]
    more = len(counts) - len(shown)
    return "; ".join(shown) + (f"; and {more} other problems" if more > 0 else "")


@dataclass(frozen=True)
class Classroom:
    """``classroom run`` serving the prepared benchmark lesson, and a browser for students."""

    server: Server
    browser: Browser

    @property
    def url(self) -> str:
        return lesson_url(self.server.url)


@contextmanager
def classroom() -> Iterator[Classroom]:
    from playwright.sync_api import sync_playwright

    lesson = prepared_lesson()
    with (
        classroom_app(lesson.lessons, lesson.cache, environment=lesson.environment) as server,
        sync_playwright() as playwright,
        launch_browser(playwright) as browser,
    ):
        yield Classroom(server, browser)


def evict_from_page_cache(paths: list[Path]) -> None:
    """Drop the files' pages from the operating system's cache, so the next read is cold.

    ``posix_fadvise(DONTNEED)`` needs no privileges and touches only these files (the
    machine is shared: dropping every cache would disturb everyone else).
    """
    if not hasattr(os, "posix_fadvise"):
        raise OSError("a cold store needs posix_fadvise (Linux), which this system lacks")
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # only clean pages can be dropped
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
