"""A step's ``across:`` (cross-image similarity): resolved, prepared and checked.

The other images are prepared with the layer's own weights, the layer defaults to the step's
last panel, and every mistake an instructor can make names the line, the field and the fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classroom.background import LessonJobs
from tests.lesson_tree import LessonTree

LESSON = """\
title: Across
model: resnet18
images:
  photo:
    path: photo.png
    attribution: generated for the tests, CC0
  second:
    path: second.png
    attribution: generated for the tests, CC0
  third:
    path: third.png
    attribution: generated for the tests, CC0
steps:
  - text: Look across.
    reference: [10, 20]
    layers: [conv2_x, {{layer: conv4_x, weights: untrained}}]
    across:
{across}
"""


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    made = LessonTree(tmp_path)
    made.image("second.png", (80, 60))
    made.image("third.png", (48, 64))
    return made


def test_across_takes_the_steps_last_layer_and_its_weights(tree: LessonTree) -> None:
    lesson = tree.load(LESSON.format(across="      images: [second, third]"))
    across = lesson.steps[0].across
    assert across is not None
    assert (across.images, across.layer, across.weights) == (
        ["second", "third"],
        "conv4_x",
        "untrained",
    )
    # Each other image is prepared for that layer with those weights, and a step waits for it.
    needs = {(image.id, weights): layers for image, weights, layers in lesson.feature_needs()}
    assert needs[("second", "untrained")] == ("conv4_x",)
    assert needs[("third", "untrained")] == ("conv4_x",)
    jobs = LessonJobs.of(lesson, untrained=False, store_root=tree.root / "store")
    assert [job.request.image.name for job in jobs.across(lesson.steps[0])] == [
        "second.png",
        "third.png",
    ]
    assert all(job.request.weights == "untrained" for job in jobs.across(lesson.steps[0]))


def test_across_can_name_another_of_the_steps_layers(tree: LessonTree) -> None:
    lesson = tree.load(LESSON.format(across="      images: [third]\n      layer: conv2_x"))
    across = lesson.steps[0].across
    assert across is not None
    assert (across.layer, across.weights) == ("conv2_x", "imagenet")


@pytest.mark.parametrize(
    ("across", "line", "field", "message"),
    [
        (
            "      images: [secnd]",
            18,
            "steps[0].across.images[0]",
            "no image 'secnd' under images: — did you mean 'second'?",
        ),
        (
            "      images: [photo]",
            18,
            "steps[0].across.images[0]",
            "'photo' is the step's own image; name the other images to light up",
        ),
        (
            "      images: [second, second]",
            18,
            "steps[0].across.images[1]",
            "'second' is already listed",
        ),
        (
            "      images: [second]\n      layer: conv3_x",
            19,
            "steps[0].across.layer",
            "'conv3_x' is not one of the step's layers (conv2_x, conv4_x): the reference "
            "vector comes from a panel — did you mean 'conv4_x'?",
        ),
        (
            "      images: []",
            18,
            "steps[0].across.images",
            None,
        ),
    ],
)
def test_a_wrong_across_names_its_line_and_field(
    tree: LessonTree, across: str, line: int, field: str, message: str | None
) -> None:
    found_line, found_field, found_message = tree.only_problem(LESSON.format(across=across))
    assert (found_line, found_field) == (line, field)
    if message is not None:
        assert found_message == message
