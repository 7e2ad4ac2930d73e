"""Lesson bundles: their size against the maps they carry, opening one against a warm store,
and the viewer's installed size against the full install.

The benchmark lesson (one 1024x768 image, ResNet-101 conv2_x/conv3_x/conv4_x at 8 bit,
prepared with ``classroom prepare --untrained``) is packed with ``classroom bundle``. Sizes:
the bundle file against the sum of its feature files in the store (goal ≤ 1.05). Times, in
pairs side by side: from starting ``classroom open BUNDLE`` (verify, unpack, serve) until the
browser has painted every panel, against the same from starting ``classroom run`` on the warm
store the bundle was made from; and the verification alone (:func:`open_bundle`: checks and
unpacking) against validating the same maps in the store (:func:`load_prepared`). Installed
size: the files of every distribution the viewer needs (``classroom``'s requirements without
extras, followed transitively in this environment) against those the ``prepare`` extra adds.

Run alone: ``.venv/bin/python -m benchmarks --only bundle``.
"""

from __future__ import annotations

import importlib.metadata
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.sessions import lesson_url, open_session
from benchmarks.workload import IMAGE_NOTE, LESSON_ID, prepared_lesson
from harness.app import (
    LOOPBACK,
    classroom_command,
    classroom_program,
    free_port,
    streamlit_server,
)
from harness.chromium import launch_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["SPECS", "installed_bytes", "measure"]

SIZE: Final = Spec(
    "bundle_size_ratio", "bundle size / its prepared maps in the store", "x", Goal("<=", 1.05)
)
OPEN: Final = Spec("bundle_open_s", "classroom open until every panel is painted", "s")
RUN: Final = Spec("store_open_s", "classroom run on the warm store, the same", "s")
OPEN_RATIO: Final = Spec("bundle_open_ratio", "  open a bundle / open the store", "x")
VERIFY_RATIO: Final = Spec(
    "bundle_verify_ratio", "verify and unpack a bundle / validate the store's maps", "x"
)
INSTALLED: Final = Spec(
    "viewer_install_ratio", "installed size, viewer / viewer + prepare", "x", Goal("<=", 0.1)
)
SPECS: Final[tuple[Spec, ...]] = (SIZE, OPEN, RUN, OPEN_RATIO, VERIFY_RATIO, INSTALLED)


def _distribution_bytes(name: str) -> int:
    files = importlib.metadata.distribution(name).files or []
    total = 0
    for file in files:
        try:
            total += Path(str(file.locate())).stat().st_size
        except OSError:
            continue
    return total


def installed_bytes(extras: tuple[str, ...] = ()) -> int:
    """Bytes on disk of ``classroom`` and everything it requires (with ``extras``), here."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    pending: list[tuple[str, tuple[str, ...]]] = [("classroom", extras)]
    while pending:
        name, wanted = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            markers = [{"extra": extra} for extra in wanted] or [{"extra": ""}]
            if requirement.marker is None or any(requirement.marker.evaluate(m) for m in markers):
                pending.append((requirement.name, tuple(requirement.extras)))
    return sum(_distribution_bytes(name) for name in seen)


def _open_seconds(
    browser: Browser, command: list[str], port: int, environment: dict[str, str]
) -> float:
    """Seconds from starting ``command`` (a server on ``port``) until every panel is painted."""
    start = time.perf_counter()
    with streamlit_server(command, port, environment={**os.environ, **environment}) as server:
        session, _ = open_session(browser, lesson_url(server.url))
        seconds = time.perf_counter() - start
        session.close()
    return seconds


def measure(*, repeats: int = 5) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    from classroom.bundle import open_bundle
    from classroom.bundle.writing import write_bundle
    from classroom.lessons import load_lesson
    from classroom.preparation import load_prepared
    from classroom.preparation.requests import requests_for_lesson
    from classroom.store import FeatureStore

    lesson = prepared_lesson()
    lesson_file = lesson.lessons / f"{LESSON_ID}.yaml"
    store = FeatureStore(lesson.cache)
    with tempfile.TemporaryDirectory(prefix="classroom-bench-bundle-") as temporary:
        bundle = write_bundle(
            lesson_file, Path(temporary) / "bench.classroom", store=store, untrained=True
        )
        figures = [
            SIZE.measured(
                bundle.bundle_bytes / bundle.map_bytes,
                note=f"{bundle.bundle_bytes / 1e6:.1f} MB bundle, {bundle.maps} maps "
                f"{bundle.map_bytes / 1e6:.1f} MB; {IMAGE_NOTE}",
            )
        ]
        verify, validate = [], []
        requests = requests_for_lesson(load_lesson(lesson_file))
        for _ in range(repeats):
            start = time.perf_counter()
            with open_bundle(bundle.path):
                verify.append(time.perf_counter() - start)
            start = time.perf_counter()
            for request in requests:
                assert load_prepared(request, store, untrained=True) is not None
            validate.append(time.perf_counter() - start)
        opened, run = [], []
        with sync_playwright() as playwright, launch_browser(playwright) as browser:
            for _ in range(repeats):
                port = free_port()
                command = [*classroom_program(), "open", str(bundle.path), "--port", str(port)]
                opened.append(_open_seconds(browser, [*command, "--host", LOOPBACK], port, {}))
                port = free_port()
                command = classroom_command(port, lesson.lessons, untrained=True)
                environment = {"CLASSROOM_CACHE_DIR": str(lesson.cache), **lesson.environment}
                run.append(_open_seconds(browser, command, port, environment))
        figures += [
            OPEN.from_samples(opened),
            RUN.from_samples(run),
            OPEN_RATIO.ratio_of(opened, run, note="each from starting the command"),
            VERIFY_RATIO.ratio_of(verify, validate),
        ]
    viewer, full = installed_bytes(), installed_bytes(("prepare",))
    figures.append(
        INSTALLED.measured(
            viewer / full, note=f"viewer {viewer / 1e6:.0f} MB, with prepare {full / 1e6:.0f} MB"
        )
    )
    return figures
