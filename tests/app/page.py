"""The page through Streamlit's AppTest: the small lessons, fixtures and helpers that the
modules in ``tests/app/`` share (their fixtures are in ``conftest.py``).

Each test gets its own lesson directory (resnet18, pictures of 64 x 48 pixels, so features
take a fraction of a second) and its own store. Preparation runs on the app's real background
worker; ``prepared(at)`` waits for it and reruns, as the page's progress fragment would.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from PIL import Image
from streamlit.testing.v1 import AppTest

from classroom import shared
from classroom.background.worker import INTEREST_SECONDS
from classroom.component.contract import ViewArgs
from classroom.component.navigator_contract import NavigatorArgs
from tests.conftest import REPO_ROOT, picture

__all__ = [
    "APP",
    "FIRST",
    "SECOND",
    "_png",
    "button",
    "drop_file",
    "jump",
    "labelled",
    "lesson_picker",
    "link",
    "literal",
    "navigator",
    "open_app",
    "panels",
    "prepared",
    "press",
    "progress_texts",
    "send",
    "shared_link",
    "step_shown",
    "texts",
    "view",
    "view_shown",
    "where",
]

#: The page script; importing it would run it, so tests only ever hand it to AppTest.
APP = REPO_ROOT / "classroom" / "app" / "main.py"

FIRST = """\
title: First lesson
summary: Two pictures and three steps.
model: resnet18
layers: [conv2_x, conv3_x]
max_side: 64
images:
  one: {path: one.png, caption: The first picture, attribution: "made by the tests, CC0"}
  two: {path: two.png, caption: The second picture, attribution: "made by the tests, CC0"}
steps:
  - id: start
    title: Start here
    image: one
    reference: [10, 20]
    text: Look at the first picture.
    question:
      prompt: What do you see?
      hint: Look at the corners.
      answer: A gradient.
  - id: held
    title: Held still
    image: two
    reference: [30, 5]
    locked: true
    text: The pointer is held on the second picture.
  - id: last
    title: The end
    text: That was all.
"""

SECOND = """\
title: Second lesson
model: resnet18
layers: [conv2_x]
max_side: 64
images:
  one: {path: one.png, attribution: "made by the tests, CC0"}
steps:
  - title: Only step
    text: One step only, trained against untrained.
    layers: [conv2_x, {layer: conv2_x, weights: untrained}]
"""


def open_app(**query: str) -> AppTest:
    """A new browser session on ``?query``."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def prepared(at: AppTest) -> AppTest:
    """Let the background worker finish, then rerun (what the progress fragment does).

    A session's interest in its jobs lapses after ``INTEREST_SECONDS`` unless the page asks
    again; in a browser the progress fragment reruns every few seconds. AppTest has no
    fragment timer, so while the worker is busy the page is rerun here at half that interval,
    or a slow first job (torch's import on a loaded machine) lets the step's job be dropped.
    """
    worker = shared.worker()
    for _ in range(int(240 / (INTEREST_SECONDS / 2))):
        if worker.wait_idle(timeout=INTEREST_SECONDS / 2):
            return at.run()
        at.run()
    raise AssertionError("the background worker was still busy after 240 s")


def texts(elements: object) -> list[str]:
    return [str(element.value) for element in elements]  # type: ignore[attr-defined]


def literal(markdown: str) -> str:
    """Markdown as the reader sees it: without the escapes (and the invisible word joiners)
    that keep file names literal."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def progress_texts(at: AppTest) -> list[str]:
    return [bar.proto.text for bar in at.progress]


def view(at: AppTest) -> ViewArgs | None:
    """What the page sent the similarity view on its last run, or None if it drew none."""
    found = [
        node
        for node in at.get("component_instance")
        if node.proto.component_name.endswith("similarity_view")
    ]
    if not found:
        return None
    [node] = found
    # The page sends the arguments as one JSON string (classroom/component/__init__.py).
    return ViewArgs.model_validate_json(json.loads(node.proto.json_args)["args"])


def view_shown(at: AppTest) -> bool:
    """Whether the similarity view is on the page (not a progress bar or a message)."""
    return view(at) is not None


def panels(at: AppTest) -> list[tuple[str, str]]:
    """``(layer, weights label)`` of each panel of the view."""
    args = view(at)
    assert args is not None, "no view on the page"
    return [(layer.layer, layer.weights_label) for layer in args.layers]


def labelled(widgets: Iterable[Any], label: str) -> Any:
    """The one widget with this label."""
    [found] = [candidate for candidate in widgets if candidate.label == label]
    return found


def button(at: AppTest, label: str) -> Any:
    return labelled(at.button, label)


def navigator(at: AppTest, area: Any = None) -> NavigatorArgs | None:
    """What the page sent the step navigator (Back and Next) in ``area``, if it drew one."""
    found = [
        node
        for node in (area or at).get("component_instance")
        if node.proto.component_name.endswith("step_navigator")
    ]
    if not found:
        return None
    [node] = found
    return NavigatorArgs.model_validate_json(json.loads(node.proto.json_args)["steps"])


def where(at: AppTest) -> tuple[int, int]:
    """``(step, count)`` as the navigator shows it, 1-based ("Step 2 of 3")."""
    args = navigator(at)
    assert args is not None, "no step navigator on the page"
    return args.step + 1, args.count


def press(at: AppTest, *steps: int) -> AppTest:
    """Back (-1) and Next (+1) presses, as the navigator reports them, then rerun.

    The navigator sends the running count of its presses; presses made together reach the
    page in one rerun.
    """
    before = at.session_state.get("navigator") or {"instance": "tests", "net": 0}
    at.session_state["navigator"] = {**before, "net": before["net"] + sum(steps)}
    return at.run()


def step_shown(at: AppTest) -> int:
    """The step the sidebar's list marks as the one on screen (0-based)."""
    [here] = [
        int(found.key.removeprefix("goto/"))
        for found in at.sidebar.button
        if found.key and found.key.startswith("goto/") and found.proto.type == "secondary"
    ]
    return here


def jump(at: AppTest, step: int) -> AppTest:
    """A click on a step in the sidebar's list (0-based)."""
    return at.button(key=f"goto/{step}").click().run()


def lesson_picker(at: AppTest) -> Any:
    return labelled(at.selectbox, "Lesson")


def link(at: AppTest) -> dict[str, str]:
    return {key: str(value) for key, value in at.query_params.items()}


def shared_link(at: AppTest) -> dict[str, str]:
    """The query of the link in the sidebar's "Share this view" box."""
    [expander] = [found for found in at.sidebar.expander if found.label == "Share this view"]
    [markdown] = texts(expander.markdown)
    # The link's target: the address between the angle brackets of ``[label](<address>)``.
    match = re.fullmatch(r"\[.*\]\(<(.+)>\)", markdown, flags=re.DOTALL)
    assert match is not None, f"the share box shows no link: {markdown!r}"
    return dict(parse_qsl(urlsplit(match.group(1)).query))


def drop_file(at: AppTest, name: str, data: bytes) -> AppTest:
    """Drop a file on the page's upload box (its key changes with every file) and rerun."""
    box: Any = labelled(at.get("file_uploader"), "Upload a picture")
    return box.set_value((name, data, "image/png")).run()  # type: ignore[no-any-return]


def _png(width: int, height: int, seed: int = 5) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(picture(width, height, seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def send(at: AppTest, kind: str, **fields: Any) -> AppTest:
    """Deliver one event from the component, as the browser does, and rerun."""
    event_id = f"event-{at.session_state['position'].serial}-{kind}-{len(str(fields))}"
    state = fields.pop("state", {"reference": None, "pinned": None, "locked": False})
    at.session_state[at.session_state["view_key"]] = {
        "id": event_id,
        "kind": kind,
        "state": state,
        **fields,
    }
    return at.run()
