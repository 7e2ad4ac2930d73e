# ruff: noqa: F811 (tests/app's fixtures are parameters by the names they are imported under)
"""The page under a hostile or careless user (issue 17, findings 4 to 8; issue 11, items 9, 10).

Through Streamlit's AppTest with the real worker and store, like ``tests/app/``, whose
lessons, fixtures and helpers these tests share.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from classroom import preparation, shared
from classroom.app.state import plain
from classroom.background import worker as background_worker
from classroom.preparation import PrepareRequest, prepare, requests_for_lesson
from classroom.store import FeatureStore
from tests.app.conftest import (  # noqa: F401 (fixtures, which pytest finds by their names)
    _worker_idle_afterwards,
    tree,
    untrained,
)
from tests.app.page import (
    FIRST,
    _png,
    drop_file,
    labelled,
    literal,
    open_app,
    prepared,
    progress_texts,
    texts,
    view,
    view_shown,
)
from tests.lesson_tree import LessonTree

#: Every kind of Markdown Streamlit renders, in a file name and a share link (finding 6).
HOSTILE = (
    "**bold** ![x](http://127.0.0.1:9/x.png) [link](http://e) :red[red] $x^2$ "
    ":material/warning: www.e.com"
)


def markdown_texts(at: AppTest) -> list[str]:
    """The Markdown source of every element that renders Markdown, progress texts included."""
    kinds = ("markdown", "error", "info", "warning", "success", "caption")
    found = [str(getattr(element, "value", "")) for kind in kinds for element in at.get(kind)]
    return found + progress_texts(at)


def assert_only_escaped(at: AppTest, hostile: str) -> None:
    """``hostile`` reaches the page only as text: never as Markdown that would render."""
    shown = [text for text in markdown_texts(at) if hostile in literal(text)]
    assert shown, f"{hostile!r} is not on the page"
    for text in shown:
        # plain() is what a real browser shows as text (tests/browser/test_plain_text.py).
        assert plain(hostile) in text, f"rendered as Markdown: {text!r}"


def upload_page(at: AppTest) -> AppTest:
    return at.radio(key="mode").set_value("Your own image").run()


# -- finding 6: text from outside is plain text ------------------------------------------------


@pytest.mark.usefixtures("untrained")
def test_an_upload_name_is_shown_as_text_everywhere(tree: LessonTree) -> None:
    at = upload_page(open_app())

    drop_file(at, f"{HOSTILE}.png", _png(96, 72))
    assert_only_escaped(at, HOSTILE)  # the progress text

    drop_file(at, f"{HOSTILE}.txt", b"not a picture")
    assert_only_escaped(at, HOSTILE)  # the refusal, and the note on the previous picture
    args = view(prepared(at))
    assert args is not None
    assert args.image.caption == f"{HOSTILE}.png", "the view shows captions as text itself"


@pytest.mark.usefixtures("untrained")
def test_a_share_link_lesson_name_is_shown_as_text(tree: LessonTree) -> None:
    at = open_app(lesson=HOSTILE, step=HOSTILE)

    assert_only_escaped(at, HOSTILE[:37])  # notices shorten a long value
    assert not at.exception


@pytest.mark.usefixtures("untrained")
def test_a_lesson_file_name_is_shown_as_text(tree: LessonTree) -> None:
    """A lesson's id is its file name: the notice of a lesson that went away shows it."""
    name = "**x** :material_warning: [l](e) :red[r]"
    tree.write(FIRST.replace("title: First lesson", "title: Marked"), f"{name}.yaml")
    at = open_app(lesson=name)
    assert texts(at.header) == ["Start here"]

    (tree.lessons / f"{name}.yaml").unlink()
    at.run()

    assert_only_escaped(at, name)


# -- finding 7: a refusal in one session does not touch another's upload ---------------------

BIG = """\
title: Big pictures
model: resnet18
layers: [conv2_x]
max_side: 1024
images:
  one: {path: one.png, attribution: "made by the tests, CC0"}
steps:
  - title: Only step
    text: Pictures up to 1024 pixels.
"""


@pytest.mark.usefixtures("untrained")
def test_one_sessions_refusal_leaves_anothers_upload_alone(tree: LessonTree) -> None:
    tree.write(BIG, "c-big.yaml")
    banner = _png(1200, 40)  # 1024 x 34 at max_side 1024; far too thin at max_side 64
    big = upload_page(open_app(lesson="c-big"))
    drop_file(big, "banner.png", banner)
    [stored] = FeatureStore().uploads_dir.iterdir()

    small = upload_page(open_app(lesson="a-first"))
    drop_file(small, "banner.png", banner)

    [refusal] = [literal(text) for text in texts(small.error)]
    assert refusal.startswith("**banner.png** cannot be used: the image is too narrow")
    assert str(FeatureStore().root) not in refusal, "a student never sees the server's paths"
    assert stored.read_bytes() == banner
    assert view_shown(prepared(big)), "the other session's picture is prepared and shown"


# -- finding 8: abandoned uploads are not prepared ---------------------------------------------


class Held:
    """The app's worker, held at the start of each job until released (the real preparation
    runs then), recording the pictures in the order their jobs started."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[Path] = []
        self.release = threading.Event()
        self._changed = threading.Condition()
        real_prepare: Callable[..., Any] = preparation.prepare

        def observed(requests: list[PrepareRequest], *args: Any, **kwargs: Any) -> Any:
            with self._changed:
                self.started.append(requests[0].image)
                self._changed.notify_all()
            self.release.wait(timeout=60)
            return real_prepare(requests, *args, **kwargs)

        monkeypatch.setattr(background_worker, "prepare", observed)

    def wait_started(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.started) >= count, timeout=60)


@pytest.mark.usefixtures("untrained")
def test_files_uploaded_one_after_another_prepare_only_the_last(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten files 0.3 s apart used to be prepared urgently, all of them, while another
    session's step waited behind them."""
    held = Held(monkeypatch)
    files = [_png(96, 72, seed=seed) for seed in range(10)]
    student = upload_page(open_app())
    drop_file(student, "upload-0.png", files[0])
    held.wait_started(1)
    for number, data in enumerate(files[1:], start=1):
        drop_file(student, f"upload-{number}.png", data)
    other = open_app(lesson="a-first", step="held")  # an untouched step in another session
    held.release.set()

    assert view_shown(prepared(other))
    assert view_shown(prepared(student))
    stored = [
        FeatureStore().uploads_dir / f"{hashlib.sha256(data).hexdigest()}.png" for data in files
    ]
    started = [path for path in held.started if path in stored]
    assert started[-1] == stored[-1]
    assert set(started) <= {stored[0], stored[-1]}, "the rest were dropped before they started"
    assert len(held.started) <= 5, "the lesson's two pictures (twice at most) and the uploads"


# -- issue 11, item 9: the upload area tells the truth -----------------------------------------


@pytest.mark.usefixtures("untrained")
def test_a_refused_file_says_the_previous_picture_stays_and_the_box_empties(
    tree: LessonTree,
) -> None:
    at = prepared(drop_file(upload_page(open_app()), "mine.png", _png(96, 72)))
    assert view_shown(at)
    assert labelled(at.get("file_uploader"), "Upload a picture").value is None

    drop_file(at, "notes.pdf", b"%PDF-1.7 a document")

    assert [literal(text) for text in texts(at.error)] == [
        "**notes.pdf** cannot be used: is a PDF document, which is not read here; export it "
        "as PNG or JPEG"
    ]
    assert "Still showing your previous picture, **mine.png**." in map(literal, texts(at.info))
    assert view_shown(at)
    assert labelled(at.get("file_uploader"), "Upload a picture").value is None, (
        "the box is empty again: refused files do not pile up in it"
    )

    drop_file(at, "other.png", _png(80, 60, seed=9))
    assert not at.error, "the next file clears the refusal"
    assert not [text for text in texts(at.info) if "Still showing" in text]


@pytest.mark.usefixtures("untrained")
def test_a_picture_damaged_past_its_header_is_refused_by_name(tree: LessonTree) -> None:
    whole = _png(96, 72)
    at = prepared(drop_file(upload_page(open_app()), "cut.png", whole[: len(whole) // 2]))

    [refusal] = [literal(text) for text in texts(at.error)]
    assert refusal.startswith("**cut.png** cannot be used: the image is truncated or corrupt")
    assert str(FeatureStore().root) not in refusal
    assert not view_shown(at)


# -- issue 11, item 10 and "Also": titles for people, the same progress everywhere ------------


@pytest.mark.usefixtures("untrained")
def test_progress_names_pictures_by_title_with_a_percentage_and_the_time_left(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = Held(monkeypatch)  # the progress holds still while it is read
    at = open_app()
    progress = [literal(text) for text in progress_texts(at) if text.startswith("Preparing")]
    upload = upload_page(open_app())
    drop_file(upload, "mine.png", _png(96, 72))
    progress += [literal(text) for text in progress_texts(upload) if "mine.png" in literal(text)]

    assert len(progress) == 3, "the step, the rest of the lesson, the upload"
    for text in progress:
        assert re.search(r" · \d+ % · about \d+ (s|min) left$", text), text
        assert "a-first" not in text, "no ids"
    held.release.set()


# -- findings 4 and 5: a store that cannot be written --------------------------------------------


def _break_the_store_locks() -> Path:
    """A file where the store's lock folder belongs: every preparation fails to lock."""
    store = FeatureStore()
    store.root.mkdir(parents=True, exist_ok=True)
    store.locks_dir.write_text("not a folder")
    return store.locks_dir


@pytest.mark.usefixtures("untrained")
def test_a_store_that_cannot_be_written_is_explained_and_forgotten_once_prepared(
    tree: LessonTree,
) -> None:
    locks = _break_the_store_locks()
    at = prepared(open_app())

    [error] = [literal(text) for text in texts(at.error)]
    assert error.startswith(
        f"**The picture for “Start here” could not be prepared.** cannot write {locks}/"
    )
    assert error.endswith(
        f"To keep prepared features somewhere else than {FeatureStore().root}, set "
        "CLASSROOM_CACHE_DIR."
    )
    assert "Errno" not in error

    locks.unlink()  # the store is fixed, and classroom prepare run
    lesson = shared.lesson_catalog(str(tree.lessons)).snapshot().lessons[0]
    assert prepare(requests_for_lesson(lesson), untrained=True).ok

    assert view_shown(open_app()), "a new session does not get the old failure"
    assert view_shown(at.run()), "nor does the session that saw it"


@pytest.mark.usefixtures("untrained")
def test_a_bug_in_the_page_shows_a_message_not_a_traceback(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from classroom.app import lesson_page

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(lesson_page, "lesson_view", broken)
    at = prepared(open_app())

    assert not at.exception
    [error] = texts(at.error)
    assert error.startswith("**Something went wrong while showing this step.**")
    assert "a bug" not in error
    assert "Traceback" not in error
    # The rest of the page works: the sidebar's step list (Back and Next are a component).
    assert at.button(key="goto/1") is not None, "the rest of the page works"


# -- what held: keep it so -----------------------------------------------------------------------

HOSTILE_VALUES = (
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "a\x00b",
    "9" * 400,
    "-99999999999",
    "1e309",
    "NaN,NaN",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "**bold** [link](http://e) ![i](http://e/i.png) :red[r] :material/warning:",
    "$\\int$ www.e.com",
    "\u202eevil\u202c",
    " ",
)


@pytest.mark.usefixtures("untrained")
@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize("key", ["lesson", "step", "ref", "pin", "lock", "present"])
def test_a_hostile_share_link_restores_a_valid_view(tree: LessonTree, key: str, value: str) -> None:
    """What held in issue 17: every hostile link opened a valid view with a clear note."""
    at = open_app(**{"lesson": "a-first", "step": "held", key: value})

    assert not at.exception
    assert texts(at.header) in (["Start here"], ["Held still"], ["The end"])
    for notice in texts(at.info):
        assert "\x00" not in notice
        if value.strip() and value[:20] in literal(notice):
            assert plain(value[:20]) in notice, f"{notice!r} would render {value!r}"
    address = {name: str(found) for name, found in at.query_params.items()}
    assert address["lesson"] == "a-first", "the address bar holds a valid link again"


@pytest.mark.usefixtures("untrained")
def test_html_and_script_in_a_lesson_are_shown_as_text(tree: LessonTree) -> None:
    """Lesson text is Markdown, never HTML: Streamlit escapes it unless told otherwise."""
    tree.write(
        FIRST.replace(
            "text: Look at the first picture.",
            "text: '<script>alert(1)</script><img src=x onerror=alert(2)> <b>bold</b>'",
        ),
        "a-first.yaml",
    )
    at = open_app()

    [text] = [node for node in at.markdown if "<script>" in str(node.value)]
    assert not text.proto.allow_html
    assert all(not node.proto.allow_html for node in at.markdown if "<" in str(node.value))
    assert not at.get("html"), "no element that renders HTML"


@pytest.mark.usefixtures("untrained")
def test_an_upload_removed_from_the_store_asks_to_upload_it_again(tree: LessonTree) -> None:
    at = prepared(drop_file(upload_page(open_app()), "mine.png", _png(96, 72)))
    [stored] = FeatureStore().uploads_dir.iterdir()

    stored.unlink()  # store maintenance, a month later, or someone tidying up
    at.run()

    assert [literal(text) for text in texts(at.info)] == [
        "Your picture **mine.png** is no longer kept on the server; upload it again to explore it."
    ]
    assert not at.error
    assert not view_shown(at)


@pytest.mark.usefixtures("untrained")
def test_try_again_retries_every_picture_of_the_lesson(tree: LessonTree) -> None:
    """It used to clear the failure of the step on screen only."""
    locks = _break_the_store_locks()
    at = prepared(open_app())
    assert any("could not be prepared" in text for text in texts(at.sidebar.caption)), (
        "the rest of the lesson failed too"
    )

    locks.unlink()
    labelled(at.button, "Try again").click().run()

    assert view_shown(prepared(at))
    at.button(key="goto/1").click().run()  # the next step (Back and Next are a component)
    assert view_shown(at), "the next picture was tried again too, and is ready"
