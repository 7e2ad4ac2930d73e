"""``classroom open``: a bundle in the browser, every panel of every step, and never torch."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import BrowserContext

from classroom.lessons import Lesson
from harness.app import (
    LOOPBACK,
    REPO_ROOT,
    Server,
    free_port,
    streamlit_server,
    wait_painted,
)
from tests.browser.conftest import open_tab
from tests.browser.no_torch import LOG_VARIABLE, site_directory
from tests.bundles import make_bundle, prepared_lesson


def paint_every_step(browser: BrowserContext, url: str, lesson: Lesson) -> None:
    """Each step opened by its link: the view paints all of the step's panels."""
    for step in lesson.steps:
        query = urlencode({"lesson": lesson.id, "step": step.id})
        with open_tab(browser, f"{url}/?{query}") as tab:
            frame = wait_painted(tab, timeout_ms=120_000)
            panels = frame.evaluate("() => window.__classroomView.panels().length")
            assert panels == len(step.panels), step.id


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Lesson]:
    prepared = prepared_lesson(tmp_path_factory.mktemp("open-lesson"))
    bundle = make_bundle(prepared, tmp_path_factory.mktemp("open") / "shapes.classroom").path
    return bundle, prepared.lesson()


@contextmanager
def opened_server(
    command: list[str], port: int, temporary: Path, extra: dict[str, str]
) -> Iterator[Server]:
    """``classroom open`` (``command``) with its temporary directory in ``temporary``."""
    environment = {**os.environ, "TMPDIR": str(temporary), **extra}
    environment.pop("CLASSROOM_CACHE_DIR", None)
    with streamlit_server(command, port, environment=environment) as server:
        yield server


def test_a_bundle_opens_in_the_browser_without_torch(
    browser: BrowserContext, bundled: tuple[Path, Lesson], tmp_path: Path
) -> None:
    bundle, lesson = bundled
    log, temporary = tmp_path / "imports.log", tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    command = [sys.executable, "-m", "classroom", "open", str(bundle)]
    command += ["--port", str(port), "--host", LOOPBACK]
    blocker = site_directory(tmp_path / "site")
    extra = {LOG_VARIABLE: str(log), "PYTHONPATH": f"{blocker}{os.pathsep}{REPO_ROOT}"}
    with opened_server(command, port, temporary, extra) as server:
        assert any(temporary.iterdir()), "the bundle is unpacked while it is open"
        paint_every_step(browser, server.url, lesson)
    assert not log.exists(), f"torch was imported: {log.read_text()}"
    assert list(temporary.iterdir()) == [], "closing the app leaves nothing behind"
