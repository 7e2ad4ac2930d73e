"""Fixtures for the browser tests: prepared views, a real Streamlit server, real Chromium.

One server and one browser serve the whole session (starting them costs seconds); every
test gets a fresh tab, so the component starts from nothing each time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from classroom.encoding import Precision, encode
from classroom.store import FeatureStore, PreparedLayer
from harness.app import (
    IFRAME,
    POLL_MS,
    free_port,
    hook,
    streamlit_command,
    streamlit_server,
    view_frame,
)
from harness.chromium import launch
from harness.synthetic import LayerSpec, prepare_view, synthetic_features
from tests.conftest import REPO_ROOT

# The tests import these from here.
__all__ = [
    "IFRAME",
    "POLL_MS",
    "PreparedViews",
    "hook",
    "open_tab",
    "serve_views",
    "view_frame",
    "views_url",
]

APP = Path(__file__).resolve().parent / "app" / "server.py"
#: Other images of a cross-image panel (sizes differ from the view's and from each other).
ACROSS_IMAGES = ((200, 150), (256, 192), (120, 200))
#: ResNet-18's stage depths on a small image: grids of 64x48, 32x24 and 16x12 cells.
STAGES = (LayerSpec("conv2_x", 4, 64), LayerSpec("conv3_x", 8, 128), LayerSpec("conv4_x", 16, 256))
IMAGE = (256, 192)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class PreparedViews:
    """What the test page shows: per key (component key), the prepared layers.

    ``views`` are on the page by default; ``extra`` views only where the page's address asks
    for them (``?views=key,key``, see :func:`views_url`).
    """

    store_root: Path
    manifest: Path
    views: dict[str, list[PreparedLayer]]
    extra: dict[str, list[PreparedLayer]]
    #: Per view key: other images' entries of one of its layers (a cross-image panel).
    across: dict[str, list[PreparedLayer]]


def views_url(server_url: str, *keys: str) -> str:
    """The test page showing only the views ``keys`` (default ones or extra ones)."""
    return f"{server_url}/?views={','.join(keys)}"


def _twin(store: FeatureStore, like: PreparedLayer, seed: int) -> PreparedLayer:
    """The layer of ``like`` in another network (other weights) on the same image."""
    header = like.header
    key = header.key.model_copy(update={"weights_id": f"untrained:seed={seed}"})
    info = header.info.model_copy(update={"weights_label": f"untrained (seed {seed})"})
    features = synthetic_features(header.height, header.width, header.channels, seed=seed)
    store.write(key, info, encode(features, header.key.precision))
    twin = store.read(key)
    assert twin is not None
    return twin


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
    # The same layer of two networks side by side (a trained-against-untrained step), and a
    # view that opens locked (a step with `locked: true`, a link with lock=1).
    conv2 = views["view8"][0]
    extra = {"twins": [conv2, _twin(store, conv2, seed=9)], "locked": views["view8"]}
    # Other images' conv3_x maps, which the reference pixel of view8 (view16) lights up.
    across: dict[str, list[PreparedLayer]] = {}
    for precision in precisions:
        key = f"across{precision}"
        extra[key] = views[f"view{precision}"]
        across[key] = [
            prepare_view(
                store,
                image_width=width,
                image_height=height,
                layers=STAGES[1:2],
                precision=precision,
                model="resnet18",
                seed=precision * 10 + number,
            )[0]
            for number, (width, height) in enumerate(ACROSS_IMAGES)
        ]
    presets: dict[str, dict[str, object]] = {
        "locked": {"reference": None, "pinned": {"x": 100, "y": 60}, "locked": True}
    }
    manifest = root / "views.json"
    manifest.write_text(
        json.dumps(
            {
                "views": [
                    {
                        "key": key,
                        "view_id": f"{key}-a",
                        "entries": [layer.entry_id for layer in layers],
                        "preset": presets.get(key, {"reference": {"x": 100, "y": 60}}),
                        "default": key in views,
                        "across": [
                            {
                                "layer": others[0].header.key.layer,
                                "entries": [other.entry_id for other in others],
                            }
                            for others in [across.get(key)]
                            if others
                        ],
                    }
                    for key, layers in {**views, **extra}.items()
                ]
            }
        )
    )
    return PreparedViews(root, manifest, views, extra, across)


@contextmanager
def serve_views(store_root: Path, manifest: Path) -> Iterator[str]:
    """The test page (``app/server.py``) showing the views of ``manifest`` from the store at
    ``store_root``, served by `streamlit run` on a free port: its URL."""
    port = free_port()
    environment = {
        **os.environ,
        "CLASSROOM_CACHE_DIR": str(store_root),
        "CLASSROOM_TEST_VIEWS": str(manifest),
    }
    command = streamlit_command(port, APP)
    with streamlit_server(command, port, environment=environment, cwd=REPO_ROOT) as server:
        yield server.url


@pytest.fixture(scope="session")
def server_url(prepared_views: PreparedViews) -> Iterator[str]:
    """The test page on the session's prepared views."""
    with serve_views(prepared_views.store_root, prepared_views.manifest) as url:
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
