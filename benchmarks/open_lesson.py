"""Opening a prepared lesson: from page load to the first painted heat maps, warm and cold.

The benchmark lesson (one 1024x768 image, ResNet-101 conv2_x/conv3_x/conv4_x at 8 bit,
prepared with ``classroom prepare --untrained``) is served by classroom's app (its page and
file route; the page script is timed, see :mod:`benchmarks.timed_app`). Each round starts a
fresh server on a cold store (the lesson's and the store's files dropped from the operating
system's cache, nothing validated or cached by the app yet) and opens the lesson once
(cold), then once more in a new browser context on the now warm server (warm: what every
student after the first sees). Every open is a new browser context, so the browser never
has the feature files cached. One round before the measured ones warms the browser itself
up (shader compilation).

The time is from the page's navigation start until the GPU has finished the first frame in
which every panel painted its heat map (the component's timeline, ``frontend/src/timeline.ts``;
a fence, so shader compilation and the first passes count), broken down so that each
part has an owner: Streamlit's page and the Python script run until the component's frame
starts (the script run alone from the timed page), the component's mount (bundle, React,
WebGL context), fetching and parsing the feature files, uploading them to textures, and the
first draw (norms, shaders, similarity, colours). Layers load in parallel, so the fetch,
parse and upload spans overlap and do not add up to the total; the downloads start when the
arguments arrive, while the view's code chunk loads, so they overlap the mount too. The
component's share (its frame's start to the painted frame) is what our code owns.

Two more opens per round show what a classroom sees besides the first visit, with the warm
goal beside them (warm and cold keep their meaning): the *switch* (in the warm open's page,
"Next" to the lesson's second step, which shows the mirrored picture: other feature files of
the same sizes; from the click until every panel painted the new files: the instructor
clicking through a lesson) and the *returning* open (the warm open's browser context opens
the lesson again in a new page: a student's second visit, Streamlit's static files and the
feature files in the HTTP cache).

Run alone: ``.venv/bin/python -m benchmarks --only open``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.sessions import (
    Session,
    describe_problems,
    evict_from_page_cache,
    lesson_url,
    open_page,
    open_session,
)
from benchmarks.workload import IMAGE_NOTE, PreparedLesson, prepared_lesson
from classroom.server import app_environment, streamlit_options
from harness.app import (
    LOOPBACK,
    NAVIGATOR,
    POLL_MS,
    REPO_ROOT,
    Server,
    free_port,
    hook,
    streamlit_server,
)
from harness.chromium import launch_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["SPECS", "measure"]

WARM: Final = Spec("warm_open_s", "open a prepared lesson, warm store", "s", Goal("<=", 1.5))
COLD: Final = Spec("cold_open_s", "open a prepared lesson, cold store", "s", Goal("<=", 2.5))
RATIO: Final = Spec("cold_open_ratio", "  cold / warm", "x")
#: The warm open's parts (seconds), in the order they happen.
PARTS: Final = (
    Spec("open_page_s", "  warm: Streamlit page and Python script, to the component's frame", "s"),
    Spec("open_streamlit_loaded_s", "    of which Streamlit's HTML and JS, loaded and run", "s"),
    Spec("open_script_s", "    of which the Python script run", "s"),
    Spec("open_component_s", "  warm: the component's share, its frame to painted (ours)", "s"),
    Spec("open_mount_s", "  warm: component mount (bundles, React, arguments, view chunk)", "s"),
    Spec("open_fetch_s", "  warm: fetching the feature files (span)", "s"),
    Spec("open_parse_s", "  warm: parsing them (sum)", "s"),
    Spec("open_upload_s", "  warm: texture upload (span)", "s"),
    Spec("open_draw_s", "  warm: first draw (norms, shaders, similarity, colours)", "s"),
)
COLD_SCRIPT: Final = Spec("cold_open_script_s", "  cold: the Python script run", "s")
RETURNING: Final = Spec(
    "returning_open_s",
    "open it again, same browser (HTTP cache warm), new page",
    "s",
    Goal("<=", 1.5),
)
#: The returning open's parts: the warm open's, under keys of their own.
RETURNING_PARTS: Final = tuple(
    Spec(
        "returning_" + spec.key.removeprefix("open_"),
        spec.label.replace("warm:", "returning:"),
        "s",
    )
    for spec in PARTS
)
SWITCH: Final = Spec(
    "switch_open_s", "switch to a step with other features (Next), to painted", "s", Goal("<=", 1.5)
)
SWITCH_PARTS: Final = (
    Spec("switch_request_s", "  switch: click to the new files' request (rerun, arguments)", "s"),
    Spec("switch_fetch_s", "  switch: fetching the new feature files (span)", "s"),
    Spec("switch_upload_s", "  switch: texture upload (span)", "s"),
    Spec("switch_draw_s", "  switch: first draw of the new files", "s"),
)
SPECS: Final[tuple[Spec, ...]] = (
    WARM,
    COLD,
    RATIO,
    *PARTS,
    COLD_SCRIPT,
    RETURNING,
    *RETURNING_PARTS,
    SWITCH,
    *SWITCH_PARTS,
)
VIEWPORT: Final = (1280, 800)


_DOM_CONTENT_LOADED_MS: Final = (
    "() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN"
)


@dataclass(frozen=True)
class _Open:
    """One open: its total and parts in seconds."""

    total: float
    parts: dict[str, float]


@contextmanager
def _timed_server(lesson: PreparedLesson, script_log: Path, pycache: Path) -> Iterator[Server]:
    """classroom's app with its page script timed (benchmarks/timed_app), as ``classroom run``
    would start it: the same Streamlit options and environment.

    Python keeps compiled modules in ``pycache`` (an installed classroom has its bytecode
    cached after its first run; this machine's environment turns that off, which would add
    every module's compilation to every cold open).
    """
    port = free_port()
    inherited = {
        name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
    }
    environment = {
        **inherited,
        "PYTHONPYCACHEPREFIX": str(pycache),
        **lesson.environment,
        **app_environment(untrained=True, lessons_dir=lesson.lessons),
        "CLASSROOM_BENCH_SCRIPT_LOG": str(script_log),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(Path(__file__).with_name("timed_app") / "server.py"),
        *streamlit_options(port, LOOPBACK),
    ]
    with streamlit_server(command, port, environment=environment, cwd=REPO_ROOT) as server:
        yield server


def _script_runs(log: Path) -> list[tuple[float, float]]:
    """(end epoch seconds, duration) of every script run so far."""
    if not log.is_file():
        return []
    runs = []
    for line in log.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            end, seconds = line.split()
            runs.append((float(end), float(seconds)))
    return runs


def _timed_open(session: Session, known: int, log: Path, problems: list[str]) -> _Open:
    """The timeline of the open ``session`` just made, in seconds; ``known`` is how many
    script runs the log had before it."""
    problems.extend(session.problems())
    marks = session.timeline()
    navigation = float(session.page.evaluate("performance.timeOrigin"))
    # Streamlit's own page (its bundles parsed and run) before any session or script.
    loaded = float(session.page.evaluate(_DOM_CONTENT_LOADED_MS)) / 1000

    def at(name: str) -> float:
        return marks[name]

    def last(prefix: str) -> float:
        return max(at(name) for name in marks if name.startswith(prefix))

    def first(prefix: str) -> float:
        return min(at(name) for name in marks if name.startswith(prefix))

    fetched = {name.split(":", 1)[1]: at(name) for name in marks if name.startswith("fetched:")}
    parse = sum(at(f"parsed:{entry}") - seconds for entry, seconds in fetched.items())
    # The first script run of this session: the first that ended after navigation started.
    runs = [seconds for end, seconds in _script_runs(log)[known:] if end * 1000 >= navigation]
    return _Open(
        total=at("shown"),
        parts={
            "open_page_s": at("frame"),
            "open_streamlit_loaded_s": loaded,
            "open_script_s": runs[0] if runs else float("nan"),
            "open_component_s": at("shown") - at("frame"),
            "open_mount_s": at("args") - at("frame"),
            "open_fetch_s": last("fetched:") - at("fetch-start"),
            "open_parse_s": parse,
            "open_upload_s": last("uploaded:") - first("upload-start:"),
            "open_draw_s": at("shown") - last("uploaded:"),
        },
    )


#: Clicks the navigator's Next button; returns when (epoch milliseconds, as the timeline's).
_CLICK: Final = (
    "(button) => { const at = performance.timeOrigin + performance.now(); "
    "button.click(); return at; }"
)
#: Every panel shows other files than ``before``, and the GPU finished a frame with all of them.
_SWITCHED: Final = """(before) => {
  const view = window.__classroomView;
  if (view === undefined) return false;
  const ids = view.panels().map((panel) => panel.entryId).sort().join(",");
  if (ids === "" || view.panels().some((panel) => before.includes(panel.entryId))) return false;
  return Object.keys(view.timeline()).some(
    (name) => name.startsWith("shown:") && name.slice(6).split(",").sort().join(",") === ids);
}"""


def _switch(session: Session, problems: list[str]) -> dict[str, float]:
    """Click Next (to a step with other feature files) in the open ``session``; the seconds
    from the click until every panel painted the new files, and its parts."""
    assert session.frame is not None, "the session has not painted yet"
    before = [panel["entryId"] for panel in hook(session.frame, "panels")]
    button = session.page.frame_locator(NAVIGATOR).get_by_role("button", name="Next")
    button.wait_for(state="visible")
    clicked = float(button.element_handle().evaluate(_CLICK))
    session.frame.wait_for_function(_SWITCHED, arg=before, polling=POLL_MS)
    problems.extend(session.problems())
    marks: dict[str, float] = hook(session.frame, "timeline")
    shown = next(
        value
        for name, value in marks.items()
        if name.startswith("shown:") and not set(name[6:].split(",")) & set(before)
    )
    ids = [panel["entryId"] for panel in hook(session.frame, "panels")]

    def span(start: str, end: str) -> float:
        return max(marks[f"{end}:{id_}"] for id_ in ids) - min(
            marks[f"{start}:{id_}"] for id_ in ids
        )

    seconds = 1000.0
    return {
        "switch_open_s": (shown - clicked) / seconds,
        "switch_request_s": (min(marks[f"fetch-start:{id_}"] for id_ in ids) - clicked) / seconds,
        "switch_fetch_s": span("fetch-start", "fetched") / seconds,
        "switch_upload_s": span("upload-start", "uploaded") / seconds,
        "switch_draw_s": (shown - max(marks[f"uploaded:{id_}"] for id_ in ids)) / seconds,
    }


@dataclass(frozen=True)
class _Round:
    """A round's opens: cold, warm, the switch (its parts by key) and the returning open."""

    cold: _Open
    warm: _Open
    switch: dict[str, float]
    returning: _Open


def _round(browser: Browser, pycache: Path, problems: list[str]) -> _Round:
    """The opens of one round on a fresh server (the module's docstring says which)."""
    lesson = prepared_lesson()
    evict_from_page_cache(lesson.files())
    with tempfile.TemporaryDirectory(prefix="classroom-open-") as temporary:
        log = Path(temporary) / "script-runs.txt"
        with _timed_server(lesson, log, pycache) as server:
            url = lesson_url(server.url)
            known = len(_script_runs(log))
            session, _ = open_session(browser, url, viewport=VIEWPORT)
            try:
                cold = _timed_open(session, known, log, problems)
            finally:
                session.close()
            known = len(_script_runs(log))
            session, _ = open_session(browser, url, viewport=VIEWPORT)
            try:
                warm = _timed_open(session, known, log, problems)
                switch = _switch(session, problems)
                session.page.close()
                known = len(_script_runs(log))
                session, _ = open_page(session.context, url)
                returning = _timed_open(session, known, log, problems)
            finally:
                session.close()
    return _Round(cold, warm, switch, returning)


def measure(*, repeats: int = 5) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    prepared_lesson()  # not part of any timing
    problems: list[str] = []
    with (
        sync_playwright() as playwright,
        launch_browser(playwright) as browser,
        tempfile.TemporaryDirectory(prefix="classroom-pycache-") as pycache,
    ):
        _round(browser, Path(pycache), problems)  # the browser's and the bytecode's warm-up
        rounds = [_round(browser, Path(pycache), problems) for _ in range(repeats)]
    colds = [round_.cold for round_ in rounds]
    warms = [round_.warm for round_ in rounds]
    returnings = [round_.returning for round_ in rounds]
    seen = f"; problems seen in the sessions: {describe_problems(problems)}" if problems else ""
    how = (
        f"classroom's app (--untrained), lesson of one image ({IMAGE_NOTE}), ResNet-101 "
        f"conv2_x+conv3_x+conv4_x at 8 bit; {VIEWPORT[0]}x{VIEWPORT[1]} page, a new browser "
        "context per open; from navigation start until every panel has painted its heat map "
        "and the GPU has finished that frame (the component's timeline); Python's bytecode "
        "cache on, as on an installed copy"
    )
    figures = [
        WARM.from_samples(
            [open_.total for open_ in warms],
            note=how + "; warm: the server has served the lesson once",
        ),
        COLD.from_samples(
            [open_.total for open_ in colds],
            note="a fresh server; the lesson's and the store's files dropped from the OS cache",
        ),
        RATIO.ratio_of(
            [open_.total for open_ in colds],
            [open_.total for open_ in warms],
            note="median and IQR of the rounds' ratios" + seen,
        ),
    ]
    for spec in PARTS:
        figures.append(spec.from_samples([open_.parts[spec.key] for open_ in warms]))
    figures.append(COLD_SCRIPT.from_samples([open_.parts["open_script_s"] for open_ in colds]))
    figures.append(
        RETURNING.from_samples(
            [open_.total for open_ in returnings],
            note="the warm open's browser context, a new page (its HTTP cache warm)",
        )
    )
    for spec, part in zip(RETURNING_PARTS, PARTS, strict=True):
        figures.append(spec.from_samples([open_.parts[part.key] for open_ in returnings]))
    figures.append(
        SWITCH.from_samples(
            [round_.switch[SWITCH.key] for round_ in rounds],
            note="in the warm open's page, Next to the step on the mirrored picture (other "
            "files, the same sizes), from the click until every panel painted them",
        )
    )
    for spec in SWITCH_PARTS:
        figures.append(spec.from_samples([round_.switch[spec.key] for round_ in rounds]))
    return figures
