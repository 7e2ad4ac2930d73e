"""The page, through Streamlit's AppTest: real lessons, real networks, a real store.

Each test gets its own lesson directory (resnet18, pictures of 64 x 48 pixels, so features
take a fraction of a second) and its own store. Preparation runs on the app's real background
worker; ``prepared(at)`` waits for it and reruns, as the page's progress fragment would.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from classroom import shared
from classroom.component.contract import NavigatorArgs, Pixel, ViewArgs, ViewState
from classroom.store import UPLOAD_MAX_AGE_DAYS, FeatureStore
from tests.conftest import REPO_ROOT, picture
from tests.lesson_tree import LessonTree

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


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LessonTree:
    """Two lessons, as ``classroom run --lessons`` would offer them."""
    tree = LessonTree(tmp_path)
    tree.image("one.png", (64, 48))
    tree.image("two.png", (80, 48))
    tree.write(FIRST, "a-first.yaml")
    tree.write(SECOND, "b-second.yaml")
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tree.lessons))
    return tree


@pytest.fixture
def untrained(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``classroom run --untrained`` sets."""
    monkeypatch.setenv("CLASSROOM_UNTRAINED", "1")


@pytest.fixture(autouse=True)
def _worker_idle_afterwards() -> Iterator[None]:
    """Background work of one test must not spill into the next one's store."""
    yield
    assert shared.worker().wait_idle(timeout=120)


def open_app(**query: str) -> AppTest:
    """A new browser session on ``?query``."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def prepared(at: AppTest) -> AppTest:
    """Let the background worker finish, then rerun (what the progress fragment does)."""
    assert shared.worker().wait_idle(timeout=120)
    return at.run()


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
    return ViewArgs.model_validate(json.loads(node.proto.json_args)["args"])


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
    return NavigatorArgs.model_validate(json.loads(node.proto.json_args)["steps"])


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
    [code] = texts(expander.code)
    return dict(parse_qsl(urlsplit(code).query))


# -- navigation ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_the_first_lesson_opens_at_its_first_step(tree: LessonTree) -> None:
    at = open_app()

    assert not at.exception
    assert texts(at.header) == ["Start here"]
    assert "Look at the first picture." in texts(at.markdown)
    assert "*Two pictures and three steps.*" in texts(at.markdown), "the summary, on step 1"
    assert lesson_picker(at).value == "a-first"
    assert where(at) == (1, 3)
    assert link(at) == {"lesson": "a-first", "step": "start", "ref": "10,20", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
def test_the_picker_follows_the_lessons_order_and_a_link_without_lesson_opens_the_first(
    tree: LessonTree,
) -> None:
    intro = SECOND.replace("title: Second lesson", "title: Novices start here\norder: 1")
    tree.write(intro, "z-intro.yaml")

    at = open_app()
    assert lesson_picker(at).options == [
        "Novices start here",
        "First lesson",
        "Second lesson",
    ]
    assert lesson_picker(at).value == "z-intro"
    assert texts(at.header) == ["Only step"]

    linked = open_app(step="1")
    assert link(linked)["lesson"] == "z-intro"
    assert [literal(text) for text in texts(linked.info)] == [
        'The link names no lesson: here is the start of "Novices start here".'
    ]


@pytest.mark.usefixtures("untrained")
def test_next_and_previous_move_through_the_steps_and_stop_at_the_ends(
    tree: LessonTree,
) -> None:
    at = open_app()
    assert where(at) == (1, 3), "Back is disabled, Next is not"

    press(at, 1)
    assert texts(at.header) == ["Held still"]
    assert where(at) == (2, 3)
    assert link(at) == {
        "lesson": "a-first",
        "step": "held",
        "ref": "30,5",
        "pin": "30,5",
        "lock": "1",
        "untrained": "1",
    }

    press(at, 1)
    assert texts(at.header) == ["The end"]
    assert where(at) == (3, 3), "Next is disabled"
    assert link(at) == {"lesson": "a-first", "step": "last", "untrained": "1"}

    press(at, 1)  # PageDown on the last step: nothing to move to
    assert texts(at.header) == ["The end"]
    press(at, -1)
    press(at, -1)
    assert texts(at.header) == ["Start here"]
    assert step_shown(at) == 0


@pytest.mark.usefixtures("untrained")
def test_presses_that_come_together_all_count(tree: LessonTree) -> None:
    at = press(open_app(), 1, 1)  # two presses counted before the page could rerun
    assert texts(at.header) == ["The end"]
    assert step_shown(at) == 2

    press(at, -1, -1, 1)
    assert texts(at.header) == ["Held still"]

    # A navigator frame loaded anew counts from 0 again.
    at.session_state["navigator"] = {"instance": "another frame", "net": -1}
    at.run()
    assert texts(at.header) == ["Start here"]


@pytest.mark.usefixtures("untrained")
def test_the_step_list_and_the_lesson_picker_jump(tree: LessonTree) -> None:
    at = open_app()

    jump(at, 2)
    assert texts(at.header) == ["The end"]
    assert where(at) == (3, 3)

    lesson_picker(at).set_value("b-second").run()
    assert texts(at.header) == ["Only step"]
    assert step_shown(at) == 0
    assert link(at) == {"lesson": "b-second", "step": "step-1", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
def test_a_question_reveals_hint_and_answer_on_demand_and_resets_per_step(
    tree: LessonTree,
) -> None:
    at = open_app()
    assert "**Question.** What do you see?" in texts(at.markdown)
    assert "Look at the corners." not in texts(at.info)

    labelled(at.toggle, "Show hint").set_value(True).run()
    assert "Look at the corners." in texts(at.info)
    assert "A gradient." not in texts(at.success)
    labelled(at.toggle, "Show answer").set_value(True).run()
    assert "A gradient." in texts(at.success)

    press(at, 1)
    press(at, -1)
    assert "Look at the corners." not in texts(at.info)
    assert "A gradient." not in texts(at.success)


# -- preparation ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_a_step_shows_progress_until_prepared_and_then_the_view(tree: LessonTree) -> None:
    at = open_app()

    [step_progress] = [
        literal(text) for text in progress_texts(at) if text.startswith("Preparing this step")
    ]
    assert re.fullmatch(r"Preparing this step: .+ · \d+ % · about \d+ s left", step_progress)
    assert not view_shown(at)

    prepared(at)
    assert view_shown(at)
    assert not any(text.startswith("Preparing") for text in progress_texts(at))
    args = view(at)
    assert args is not None
    assert panels(at) == [("conv2_x", "untrained (seed 0)"), ("conv3_x", "untrained (seed 0)")]
    assert (args.image.width, args.image.height, args.image.caption) == (
        64,
        48,
        "The first picture",
    )
    assert args.preset == ViewState(reference=Pixel(x=10, y=20))
    assert args.view_id == "a-first/start/0"
    assert not args.presenter


@pytest.mark.usefixtures("untrained")
def test_the_rest_of_the_lesson_is_prepared_in_the_background(tree: LessonTree) -> None:
    at = open_app()
    assert any(
        text.startswith("Preparing this lesson (0 of 2 pictures ready): ")
        for text in progress_texts(at)
    )

    prepared(at)
    press(at, 1)

    assert view_shown(at), "the second picture was prepared while the first step was open"


@pytest.mark.usefixtures("untrained")
def test_a_prepared_lesson_opens_without_computing_anything(tree: LessonTree) -> None:
    prepared(open_app())
    store = FeatureStore()
    before = {path: path.stat().st_mtime_ns for path in store.root.rglob("*.cfm")}
    assert len(before) == 4, "two pictures, two layers each"

    at = open_app()

    assert view_shown(at), "shown on the very first render"
    assert not any(text.startswith("Preparing") for text in progress_texts(at))
    assert {path: path.stat().st_mtime_ns for path in store.root.rglob("*.cfm")} == before


@pytest.mark.usefixtures("untrained")
def test_an_image_that_fails_to_prepare_is_named_with_the_reason(tree: LessonTree) -> None:
    # A JPEG cut short: its header reads, so the lesson loads, but it cannot be decoded.
    broken = tree.datasets / "two.png"
    buffer = io.BytesIO()
    Image.fromarray(picture(80, 48)).save(buffer, format="JPEG")
    broken.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) * 2 // 3])
    at = prepared(open_app(lesson="a-first", step="held"))

    [error] = [literal(text) for text in texts(at.error)]
    assert error.startswith("**The picture for “Held still” could not be prepared.** ")
    assert f"{broken}: " in error
    assert "truncated" in error
    assert not view_shown(at)
    assert texts(at.header) == ["Held still"], "the rest of the lesson still works"
    press(at, -1)
    assert view_shown(at)
    press(at, 1)

    tree.image("two.png", (80, 48))
    button(at, "Try again").click().run()
    assert view_shown(prepared(at))


def test_a_broken_lesson_is_listed_and_the_others_keep_working(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSROOM_UNTRAINED", "1")
    tree.write(FIRST.replace("reference: [10, 20]", "reference: [100, 20]"), "c-broken.yaml")

    at = open_app()

    assert texts(at.header) == ["Start here"]
    assert lesson_picker(at).options == ["First lesson", "Second lesson"]
    [expander] = [found for found in at.expander if found.label == "1 lesson file did not load"]
    [problem] = texts(expander.code)
    assert problem.startswith(f"{tree.lessons / 'c-broken.yaml'}:13: steps[0].reference: ")


# -- weights -------------------------------------------------------------------------------------


def test_missing_pretrained_weights_are_downloaded_in_the_background_once(
    tree: LessonTree, refused_hosts: list[str]
) -> None:
    at = open_app()
    assert any(text.startswith("Preparing this step: ") for text in progress_texts(at)), (
        "the worker tries the download; the page does not wait for it"
    )

    prepared(at)

    assert refused_hosts == ["download.pytorch.org"]
    assert (
        "**The pretrained weights this lesson uses are not on this machine, and they could not "
        "be downloaded.**" in texts(at.warning)
    )
    [message] = texts(at.main.code)
    assert message.startswith(
        "The pretrained resnet18 weights (IMAGENET1K_V1) are not available: the download from "
        "download.pytorch.org failed ([Errno -2] tests must not use the network "
        "(download.pytorch.org)).\n"
    )
    assert f"Expected file: {os.environ['TORCH_HOME']}" in message
    assert "https://download.pytorch.org/models/resnet18" in message
    assert not view_shown(at)
    assert not any(text.startswith("Preparing") for text in progress_texts(at))
    assert not at.toggle(key="untrained").value
    assert "**Weights** imagenet (not on this machine)" in literal(
        " ".join(texts(at.sidebar.markdown))
    )

    other = open_app(lesson="a-first", step="held")
    assert any("could not be downloaded" in text for text in texts(other.warning)), (
        "another session learns of the failure at once"
    )
    assert refused_hosts == ["download.pytorch.org"], "tried once per process, not per session"


def test_missing_pretrained_weights_offer_to_continue_untrained(tree: LessonTree) -> None:
    at = prepared(open_app())

    button(at, "Continue with untrained weights").click().run()

    assert at.toggle(key="untrained").value
    assert ":orange-badge[:material/casino: Untrained weights]" in texts(at.markdown)
    assert any("Untrained weights: every panel" in text for text in texts(at.sidebar.warning))
    assert view_shown(prepared(at))
    assert panels(at)[0] == ("conv2_x", "untrained (seed 0)")
    assert all(layer.untrained for layer in view(at).layers)  # type: ignore[union-attr]


def test_classroom_run_weights_file_serves_every_lesson_and_a_mismatch_stays_in_its_lesson(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch, resnet18_weights_file: Path
) -> None:
    monkeypatch.setenv("CLASSROOM_WEIGHTS_FILE", str(resnet18_weights_file))
    bigger = SECOND.replace("title: Second lesson", "title: Third lesson")
    tree.write(bigger.replace("model: resnet18", "model: resnet34"), "c-third.yaml")

    at = prepared(open_app())
    assert panels(at) == [("conv2_x", "seeded-resnet18.pth"), ("conv3_x", "seeded-resnet18.pth")]
    sidebar = literal(" ".join(texts(at.sidebar.markdown)))
    assert "**Weights** seeded-resnet18.pth (from --weights-file)" in sidebar

    lesson_picker(at).set_value("c-third").run()
    prepared(at)
    assert "**The weights this lesson would use cannot be used.**" in texts(at.warning)
    [message] = texts(at.main.code)
    assert message.startswith(f"{resnet18_weights_file}: is not a resnet34 state dict")
    assert not view_shown(at)
    assert button(at, "Continue with untrained weights") is not None
    assert not [text for text in texts(at.error) if "could not be prepared" in text]

    lesson_picker(at).set_value("a-first").run()
    assert view_shown(at), "the other lessons keep their weights file"


@pytest.mark.usefixtures("untrained")
def test_classroom_run_untrained_starts_with_untrained_weights(tree: LessonTree) -> None:
    at = open_app()

    assert at.toggle(key="untrained").value
    assert not [text for text in texts(at.main.warning) if "not on this machine" in text]
    assert "**Weights** untrained (seed 0)" in literal(" ".join(texts(at.sidebar.markdown)))
    assert ":orange-badge[:material/casino: Untrained weights]" in texts(at.markdown)


def test_switching_weights_in_the_sidebar(tree: LessonTree) -> None:
    at = open_app()
    assert not at.toggle(key="untrained").value

    at.toggle(key="untrained").set_value(True).run()
    assert view_shown(prepared(at))

    at.toggle(key="untrained").set_value(False).run()
    assert any("not on this machine" in text for text in texts(prepared(at).warning))


# -- share links ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_a_link_restores_lesson_step_pointer_pin_and_lock(tree: LessonTree) -> None:
    query = {"lesson": "a-first", "step": "held", "ref": "12,40", "pin": "79,0", "lock": "1"}

    at = open_app(**query)

    assert texts(at.header) == ["Held still"]
    assert step_shown(at) == 1
    assert not at.info, "nothing to complain about"
    assert link(at) == {**query, "untrained": "1"}

    args = view(prepared(at))
    assert args is not None
    # two.png is 80 x 48; its features were computed on 64 x 38 (the lesson's max_side).
    assert (args.image.width, args.image.height) == (64, 38)
    assert args.preset == ViewState(
        reference=Pixel(x=10, y=32), pinned=Pixel(x=63, y=0), locked=True
    )


@pytest.mark.usefixtures("untrained")
def test_a_link_can_name_the_step_by_number(tree: LessonTree) -> None:
    at = open_app(lesson="b-second", step="1")
    assert texts(at.header) == ["Only step"]
    assert link(at) == {"lesson": "b-second", "step": "step-1", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
@pytest.mark.parametrize(
    ("query", "header", "notice", "after"),
    [
        (
            {"lesson": "gone", "step": "2"},
            "Start here",
            "The link asks for the lesson 'gone', which is not here: "
            'here is the start of "First lesson".',
            {"lesson": "a-first", "step": "start", "ref": "10,20"},
        ),
        (
            {"lesson": "a-first", "step": "nope", "ref": "1,1"},
            "Start here",
            "\"First lesson\" has no step 'nope': showing the start of the lesson.",
            {"lesson": "a-first", "step": "start", "ref": "10,20"},
        ),
        (
            {"lesson": "a-first", "step": "9"},
            "The end",
            '"First lesson" has 3 steps, not a step 9: showing step 3.',
            {"lesson": "a-first", "step": "last"},
        ),
        (
            {"lesson": "a-first", "step": "held", "ref": "500,7"},
            "Held still",
            "ref=500,7 lies outside the 80 x 48 image: using 79,7.",
            {"lesson": "a-first", "step": "held", "ref": "79,7"},
        ),
        (
            {"lesson": "a-first", "step": "held", "pin": "two,3"},
            "Held still",
            "pin='two,3' is not a pixel like pin=120,80, so it was ignored.",
            {"lesson": "a-first", "step": "held", "ref": "30,5", "pin": "30,5", "lock": "1"},
        ),
    ],
)
def test_a_bad_link_says_so_gently_and_falls_back(
    tree: LessonTree, query: dict[str, str], header: str, notice: str, after: dict[str, str]
) -> None:
    at = open_app(**query)

    assert not at.exception
    assert texts(at.header) == [header]
    assert [literal(text) for text in texts(at.info)] == [notice]
    assert link(at) == {**after, "untrained": "1"}

    press(at, 1 if header != "The end" else -1)
    assert not at.info, "the notice goes once the reader moves on"


@pytest.mark.usefixtures("untrained")
def test_a_link_is_only_read_when_the_session_starts(tree: LessonTree) -> None:
    at = open_app(lesson="a-first", step="last")
    at.query_params["step"] = "start"
    at.run()
    assert texts(at.header) == ["The end"]


def test_a_link_made_with_untrained_weights_reopens_them(tree: LessonTree) -> None:
    at = prepared(open_app())  # the pretrained weights are missing: the weights page
    button(at, "Continue with untrained weights").click().run()
    assert view_shown(prepared(at))
    assert link(at)["untrained"] == "1"
    assert shared_link(at) == link(at)

    fresh = prepared(open_app(**link(at)))  # another browser, nothing in its session

    assert fresh.toggle(key="untrained").value
    assert view_shown(fresh), "not the missing-weights page"
    assert not fresh.info, "nothing to complain about"
    assert link(fresh) == link(at)


@pytest.mark.usefixtures("untrained")
def test_a_link_made_with_the_lessons_weights_says_so_where_sessions_start_untrained(
    tree: LessonTree,
) -> None:
    at = open_app()
    at.toggle(key="untrained").set_value(False).run()
    assert link(at)["untrained"] == "0"

    fresh = open_app(**link(at))
    assert not fresh.toggle(key="untrained").value
    assert open_app(lesson="a-first", untrained="maybe").toggle(key="untrained").value


# -- presenter mode ------------------------------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_presenter_mode_from_the_link_and_the_toggle(tree: LessonTree) -> None:
    at = open_app(lesson="a-first", present="1")

    assert at.toggle(key="presenter").value
    assert link(at)["present"] == "1"
    assert any("font-size: 1.5rem" in str(html.proto.body) for html in at.html)
    # The sidebar is collapsed, so step navigation moves into the main area, as one row.
    assert navigator(at, at.main) == NavigatorArgs(
        step=0, count=3, lesson_title="First lesson", presenter=True
    )
    assert navigator(at, at.sidebar) is None

    press(at, 1)
    assert texts(at.header) == ["Held still"]

    at.toggle(key="presenter").set_value(False).run()
    assert "present" not in link(at)
    assert not at.html
    assert navigator(at, at.main) is None
    assert navigator(at, at.sidebar) == NavigatorArgs(
        step=1, count=3, lesson_title="First lesson", presenter=False
    )


# -- lessons change while the app runs ---------------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_an_edited_lesson_file_is_reloaded_on_the_next_click(tree: LessonTree) -> None:
    at = open_app()
    path = tree.lessons / "a-first.yaml"
    path.write_text(FIRST.replace("title: Start here", "title: Start over here"), "utf-8")
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))

    at.run()

    assert texts(at.header) == ["Start over here"]


@pytest.mark.usefixtures("untrained")
def test_a_lesson_that_disappears_sends_its_sessions_to_the_first_lesson(tree: LessonTree) -> None:
    at = open_app(lesson="b-second")
    (tree.lessons / "b-second.yaml").unlink()

    at.run()

    assert texts(at.header) == ["Start here"]
    assert [literal(text) for text in texts(at.info)] == [
        "The lesson 'b-second' is no longer available: here is the start of \"First lesson\"."
    ]


@pytest.mark.usefixtures("untrained")
def test_the_store_is_maintained_once_when_the_app_starts(tree: LessonTree) -> None:
    store = FeatureStore()
    old_format = store.root / "features" / "v1"
    old_format.mkdir(parents=True)
    upload = store.write_upload(_png(8, 8), ".png")
    month_ago = time.time() - (UPLOAD_MAX_AGE_DAYS + 1) * 86400
    os.utime(upload, (month_ago, month_ago))

    open_app()
    assert not old_format.exists()
    assert not upload.exists()

    old_format.mkdir()
    open_app()
    assert old_format.is_dir(), "once per process, not once per session"


def test_no_lessons_at_all_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSROOM_LESSONS_DIR", str(tmp_path))
    at = open_app()

    assert texts(at.header) == ["No lessons to show"]
    assert str(tmp_path) in literal(" ".join(texts(at.markdown)))


# -- your own image ------------------------------------------------------------------------------


def drop_file(at: AppTest, name: str, data: bytes) -> AppTest:
    """Drop a file on the page's upload box (its key changes with every file) and rerun."""
    box: Any = labelled(at.get("file_uploader"), "Upload a picture")
    return box.set_value((name, data, "image/png")).run()  # type: ignore[no-any-return]


def _png(width: int, height: int, seed: int = 5) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(picture(width, height, seed)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.usefixtures("untrained")
def test_an_uploaded_picture_is_prepared_and_shown_in_this_session_only(
    tree: LessonTree,
) -> None:
    at = open_app()
    at.radio(key="mode").set_value("Your own image").run()
    assert texts(at.header) == ["Your own image"]
    assert not view_shown(at)

    drop_file(at, "mine.png", _png(96, 72))
    assert any(
        literal(text).startswith("Preparing your picture **mine.png**: ")
        for text in progress_texts(at)
    )

    prepared(at)
    assert [layer for layer, _ in panels(at)] == ["conv2_x", "conv3_x", "conv4_x"]
    args = view(at)
    assert args is not None
    assert (args.image.width, args.image.height, args.image.caption) == (64, 48, "mine.png")
    assert args.model == "ResNet-18", "the network of the current lesson"
    [upload] = FeatureStore().uploads_dir.iterdir()
    assert upload.suffix == ".png"
    assert link(at) == {"lesson": "a-first", "step": "start", "ref": "10,20", "untrained": "1"}, (
        "links stay lessons"
    )

    other = open_app()
    other.radio(key="mode").set_value("Your own image").run()
    assert not view_shown(other), "another session does not see it"

    at.radio(key="mode").set_value("Lesson").run()
    assert texts(at.header) == ["Start here"]
    at.radio(key="mode").set_value("Your own image").run()
    assert view_shown(at), "the upload stays for this session"


@pytest.mark.usefixtures("untrained")
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"a shopping list", "**notes.png** cannot be used: is not an image file"),
        ("thin.png", _png(300, 20), "**thin.png** cannot be used: the image is too small"),
    ],
)
def test_an_unusable_upload_gets_a_clear_message(
    tree: LessonTree, name: str, data: bytes, message: str
) -> None:
    at = open_app()
    at.radio(key="mode").set_value("Your own image").run()

    drop_file(at, name, data)

    [error] = [literal(text) for text in texts(at.error)]
    assert error.startswith(message)
    assert not view_shown(at)
    assert not any(FeatureStore().root.rglob("uploads/*"))


def test_the_uploader_states_its_limits(tree: LessonTree) -> None:
    at = open_app()
    at.radio(key="mode").set_value("Your own image").run()
    uploader = labelled(at.get("file_uploader"), "Upload a picture")

    # Any type reaches the page, which names what a wrong file is; the browser's own refusal
    # would leave the file in the box.
    assert uploader.proto.type == []
    assert uploader.proto.max_upload_size_mb == 20
    assert "at most 20 MB and 40 million pixels" in uploader.help


# -- the view's events ---------------------------------------------------------------------------


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


@pytest.mark.usefixtures("untrained")
def test_pin_and_lock_events_go_into_the_link_in_image_pixels(tree: LessonTree) -> None:
    at = prepared(open_app(lesson="a-first", step="held"))
    pinned = {"reference": {"x": 10, "y": 32}, "pinned": {"x": 63, "y": 0}, "locked": False}

    send(at, "pin", state=pinned)
    # Analysis pixels (64 x 38) back to the 80 x 48 picture: the pixel under each centre.
    assert link(at) == {
        "lesson": "a-first",
        "step": "held",
        "ref": "13,41",
        "pin": "79,0",
        "untrained": "1",
    }
    assert shared_link(at) == link(at), "the share box shows the view on screen, not the last"

    send(at, "lock", state={**pinned, "locked": True})
    assert link(at)["lock"] == "1"
    assert shared_link(at) == link(at)
    args = view(at)
    assert args is not None
    assert args.view_id == "a-first/held/0", "the view the component already shows"

    send(at, "release", state={"reference": {"x": 1, "y": 2}, "pinned": None, "locked": False})
    assert link(at) == {"lesson": "a-first", "step": "held", "ref": "1,3", "untrained": "1"}


@pytest.mark.usefixtures("untrained")
def test_step_events_from_the_view_move_like_the_buttons(tree: LessonTree) -> None:
    at = prepared(open_app())

    send(at, "step", delta=1)
    assert texts(at.header) == ["Held still"]
    assert step_shown(at) == 1
    args = view(at)
    assert args is not None
    assert args.view_id == "a-first/held/1"
    assert args.preset.locked

    send(at, "step", delta=-1)
    assert texts(at.header) == ["Start here"]
    send(at, "step", delta=-1)
    assert texts(at.header) == ["Start here"], "the first step stays the first"


@pytest.mark.usefixtures("untrained")
def test_the_view_is_a_new_frame_when_it_comes_back_or_went_deaf(tree: LessonTree) -> None:
    at = open_app()
    assert not view_shown(at), "the step is being prepared"
    prepared(at)
    comeback = at.session_state["view_key"]
    assert comeback != "view/lesson/0", "Streamlit must not put an old frame back in place"
    at.run()
    assert at.session_state["view_key"] == comeback, "the same frame while it stays"

    # The view told the navigator that Streamlit does not hear it (a frame moved in the page).
    at.session_state["navigator"] = {"instance": "tests", "net": 0, "lostViews": 1}
    at.run()
    assert view_shown(at)
    assert at.session_state["view_key"] not in {comeback, "view/lesson/0"}
    assert texts(at.header) == ["Start here"]


@pytest.mark.usefixtures("untrained")
def test_an_event_is_handled_once(tree: LessonTree) -> None:
    at = prepared(open_app())
    send(at, "step", delta=1)
    at.run()
    at.run()
    assert texts(at.header) == ["Held still"]


@pytest.mark.usefixtures("untrained")
def test_presenter_mode_reaches_the_view(tree: LessonTree) -> None:
    at = prepared(open_app(present="1"))
    args = view(at)
    assert args is not None
    assert args.presenter


@pytest.mark.usefixtures("untrained")
def test_panels_made_equal_by_untrained_weights_are_shown_once_and_explained(
    tree: LessonTree,
) -> None:
    at = prepared(open_app(lesson="b-second"))

    assert panels(at) == [("conv2_x", "untrained (seed 0)")]
    assert any("so those panels are the same" in text for text in texts(at.info))


@pytest.mark.usefixtures("untrained")
def test_events_in_your_own_image_stay_in_the_session(tree: LessonTree) -> None:
    at = open_app()
    at.radio(key="mode").set_value("Your own image").run()
    drop_file(at, "mine.png", _png(128, 96))
    prepared(at)

    pointer = {"reference": {"x": 3, "y": 4}, "pinned": {"x": 3, "y": 4}, "locked": True}
    send(at, "lock", state=pointer)
    send(at, "step", delta=1, state=pointer)

    assert texts(at.header) == ["Your own image"], "an image of your own has no steps"
    assert link(at) == {"lesson": "a-first", "step": "start", "ref": "10,20", "untrained": "1"}
    at.radio(key="mode").set_value("Lesson").run()
    at.radio(key="mode").set_value("Your own image").run()
    args = view(at)
    assert args is not None
    # Kept in picture pixels (128 x 96, shown at 64 x 48) and handed back to the view.
    assert args.preset == ViewState(reference=Pixel(x=3, y=4), pinned=Pixel(x=3, y=4), locked=True)
