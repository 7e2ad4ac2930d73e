"""The lesson format's collections: and view: block: resolution, and every pass-2 problem
located by line and field (checked without torch)."""

from __future__ import annotations

import pytest

from tests.lesson_tree import LessonTree

LESSON = """\
title: Digits
model: digits
images:
  photo: {{path: photo.png, attribution: test}}
collections:
  digits: {{source: digits, count: 50}}
{extra}steps:
  - text: the map
    view:
{view}
"""
GOOD_VIEW = "      kind: embedding\n      collection: digits\n"


def lesson(view: str = GOOD_VIEW, extra: str = "", model: str = "digits") -> str:
    return LESSON.format(view=view, extra=extra).replace("model: digits", f"model: {model}")


def test_a_view_resolves_its_layers_and_defaults(tree: LessonTree) -> None:
    loaded = tree.load(lesson())
    step = loaded.steps[0]
    assert step.view is not None
    assert step.view.layers == ["block1", "block2", "block3"]
    assert step.view.weights == ["trained"]
    assert step.view.method == "tsne"
    assert loaded.collections["digits"].count == 50
    assert loaded.feature_needs() == []  # a view step prepares no single-image features


def test_a_folder_collection_resolves_inside_the_datasets(tree: LessonTree) -> None:
    tree.image("set/a/one.png")
    extra = "  mine: {source: folder, folder: set}\n"
    text = lesson(extra="").replace("collections:\n", f"collections:\n{extra}")
    loaded = tree.load(text)
    assert loaded.collections["mine"].path == (tree.datasets / "set").resolve()


@pytest.mark.parametrize(
    ("view", "field", "message"),
    [
        (
            "      kind: embedding\n      collection: digit\n",
            "steps[0].view.collection",
            "no collection 'digit' under collections: — did you mean 'digits'?",
        ),
        (
            "      kind: matrix\n      collection: digits\n      layers: [block4]\n",
            "steps[0].view.layers[0]",
            "the digits network has no layer 'block4' — did you mean 'block3'?",
        ),
        (
            "      kind: patches\n      collection: digits\n      layers: [block1]\n"
            "      channel: 16\n",
            "steps[0].view.channel",
            "channel 16 is not below 16",
        ),
        (
            "      kind: matrix\n      collection: digits\n      dimensions: [0, 99]\n",
            "steps[0].view.dimensions[1]",
            "channel 99 is not below 16",
        ),
        (
            "      kind: average\n      collection: digits\n      select: ['10']\n",
            "steps[0].view.select[0]",
            "no class '10' in the collection",
        ),
    ],
)
def test_view_problems_are_located(tree: LessonTree, view: str, field: str, message: str) -> None:
    line, found_field, found_message = tree.only_problem(lesson(view))
    assert found_field == field
    assert found_message.startswith(message)
    assert line is not None
    assert line >= 9


def test_an_unknown_view_kind_is_a_schema_problem(tree: LessonTree) -> None:
    _, field, message = tree.only_problem(lesson("      kind: tsne\n      collection: digits\n"))
    assert field == "steps[0].view.kind"
    assert "embedding" in message


def test_views_need_a_network_classroom_trains(tree: LessonTree) -> None:
    view = "      kind: embedding\n      collection: digits\n      layers: [conv2_x]\n"
    _, field, message = tree.only_problem(lesson(view, model="resnet18"))
    assert field == "steps[0].view"
    assert "need a network classroom trains itself (digits, shapes), not resnet18" in message


def test_a_folder_collection_needs_an_existing_folder(tree: LessonTree) -> None:
    text = lesson().replace(
        "collections:\n", "collections:\n  mine: {source: folder, folder: nowhere}\n"
    )
    _, field, message = tree.only_problem(text)
    assert field == "collections.mine.folder"
    assert message.startswith("no folder")


def test_a_folder_outside_the_datasets_is_refused(tree: LessonTree) -> None:
    text = lesson().replace(
        "collections:\n", "collections:\n  mine: {source: folder, folder: ..}\n"
    )
    _, _, message = tree.only_problem(text)
    assert "outside the datasets directory" in message
