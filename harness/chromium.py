"""Headless Chromium with WebGL 2 (SwiftShader), shared by the browser tests and the benchmark.

Playwright cannot download browsers here, so it drives the system Chromium:
``$CLASSROOM_CHROMIUM`` if set, else ``/usr/bin/chromium`` (``python3 dev.py test`` sets the
variable after installing Chromium with apt-get where it can).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright

__all__ = ["FLAGS", "chromium_executable", "launch", "launch_browser"]

#: Headless WebGL 2 through SwiftShader, and nothing that reaches the network.
FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_executable() -> str:
    """The Chromium binary to drive, or a clear error naming how to provide one."""
    configured = os.environ.get("CLASSROOM_CHROMIUM")
    candidates = [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise FileNotFoundError(
        "Chromium was not found: install it (`apt-get install chromium`) or set "
        "CLASSROOM_CHROMIUM to a Chromium or Chrome binary"
    )


@contextmanager
def launch(
    playwright: Playwright,
    *,
    executable: str | None = None,
    extra_flags: Sequence[str] = (),
    viewport: tuple[int, int] = (1280, 900),
) -> Iterator[BrowserContext]:
    """A browser context with a fresh profile directory (deleted afterwards)."""
    with TemporaryDirectory(prefix="classroom-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable or chromium_executable(),
            args=[*FLAGS, *extra_flags],
            headless=True,
            viewport={"width": viewport[0], "height": viewport[1]},
            device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()


@contextmanager
def launch_browser(playwright: Playwright, *, executable: str | None = None) -> Iterator[Browser]:
    """One browser whose contexts (``browser.new_context()``) share nothing: each is a
    separate user with its own cache, as the students of one class on their own laptops.
    Playwright gives the browser a fresh profile directory of its own.
    """
    browser = playwright.chromium.launch(
        executable_path=executable or chromium_executable(), args=list(FLAGS), headless=True
    )
    try:
        yield browser
    finally:
        browser.close()
