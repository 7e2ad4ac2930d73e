"""Fixtures for the browser tests: prepared views, a real Streamlit server, real Chromium.

One server and one browser serve the whole session (starting them costs seconds); every
test gets a fresh tab, so the component starts from nothing each time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Frame, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from classroom.encoding import Precision
from classroom.server import streamlit_options
from classroom.store import FeatureStore, PreparedLayer
from tests.browser.chromium import launch
from tests.conftest import REPO_ROOT
from tests.synthetic import LayerSpec, prepare_view

APP = Path(__file__).resolve().parent / "app" / "server.py"
IFRAME = 'iframe[title="classroom.component.similarity_view"]'
#: ResNet-18's stage depths on a small image: grids of 64x48, 32x24 and 16x12 cells.
STAGES = (LayerSpec("conv2_x", 4, 64), LayerSpec("conv3_x", 8, 128), LayerSpec("conv4_x", 16, 256))
IMAGE = (256, 192)
STARTUP_SECONDS = 60.0
#: Polling interval for waits inside a frame. Playwright's default polls on animation frames,
#: which Chromium stops for frames scrolled out of view.
POLL_MS = 50


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class PreparedViews:
    """What the test page shows: per key (component key), the prepared layers."""

    store_root: Path
    manifest: Path
    views: dict[str, list[PreparedLayer]]


@pytest.fixture(scope="session")
def prepared_views(tmp_path_factory: pytest.TempPathFactory) -> PreparedViews:
    root = tmp_path_factory.mktemp("browser-store")
    store = FeatureStore(root)
    views: dict[str, list[PreparedLayer]] = {}
    precisions: tuple[Precision, ...] = (8, 16)
    for precision in precisions:
        views[f"view{precision}"] = prepare_view(
            store,
            image_width=IMAGE[0],
            image_height=IMAGE[1],
            layers=STAGES,
            precision=precision,
            model="resnet18",
            seed=precision,
        )
    manifest = root / "views.json"
    manifest.write_text(
        json.dumps(
            {
                "views": [
                    {
                        "key": key,
                        "view_id": f"{key}-a",
                        "entries": [layer.entry_id for layer in layers],
                        "preset": {"reference": {"x": 100, "y": 60}},
                    }
                    for key, layers in views.items()
                ]
            }
        )
    )
    return PreparedViews(root, manifest, views)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(command: list[str], environment: dict[str, str], url: str) -> Iterator[str]:
    """Run a Streamlit server for the block; yields ``url`` once its health check answers."""
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(f"{' '.join(command)} did not start:\n{output}")
            time.sleep(0.2)  # polling a server that is starting, not waiting on the page
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def server_url(prepared_views: PreparedViews) -> Iterator[str]:
    """The test page, served by `streamlit run` on a free port."""
    port = free_port()
    environment = {
        **os.environ,
        "CLASSROOM_CACHE_DIR": str(prepared_views.store_root),
        "CLASSROOM_TEST_VIEWS": str(prepared_views.manifest),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        *streamlit_options(port, "127.0.0.1"),
    ]
    with serving(command, environment, f"http://127.0.0.1:{port}") as url:
        yield url


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[BrowserContext]:
    with launch(playwright_instance, viewport=(1280, 1000)) as context:
        context.set_default_timeout(60_000)
        yield context


@contextmanager
def open_tab(browser: BrowserContext, url: str) -> Iterator[Page]:
    """A fresh tab on ``url``, closed afterwards: every test's component starts from nothing."""
    tab = browser.new_page()
    tab.goto(url)
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture
def page(browser: BrowserContext, server_url: str) -> Iterator[Page]:
    with open_tab(browser, server_url) as tab:
        yield tab


def view_frame(page: Page, index: int) -> Frame:
    """The component's frame (in page order), once every panel has its data on the GPU."""
    element = page.locator(IFRAME).nth(index).element_handle(timeout=60_000)
    frame = element.content_frame()
    assert frame is not None, "the component iframe has no document"
    try:
        frame.wait_for_function(
            "() => window.__classroomView !== undefined && "
            "window.__classroomView.panels().every((panel) => panel.status?.kind === 'ready')",
            timeout=60_000,
            polling=POLL_MS,
        )
    except PlaywrightError as error:
        state = frame.evaluate(
            "() => window.__classroomView === undefined ? document.body.innerText :"
            " JSON.stringify(window.__classroomView.panels().map((panel) => panel.status))"
        )
        raise AssertionError(f"the view did not get ready: {state}") from error
    return frame


def hook(frame: Frame, call: str, *args: Any) -> Any:
    """Call `window.__classroomView.<call>(...args)` in the component's frame."""
    return frame.evaluate(f"(args) => window.__classroomView.{call}(...args)", list(args))
