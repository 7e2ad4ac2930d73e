""" "Your own image": an uploaded picture prepared and shown in its session only, and uploads
refused with a clear message.

Through Streamlit's AppTest (``page.py``, ``conftest.py``): real lessons, networks and store.
"""

from __future__ import annotations

import pytest

from classroom.store import FeatureStore
from tests.app.page import (
    _png,
    drop_file,
    labelled,
    link,
    literal,
    open_app,
    panels,
    prepared,
    progress_texts,
    texts,
    view,
    view_shown,
)
from tests.lesson_tree import LessonTree

# -- your own image ------------------------------------------------------------------------------


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
