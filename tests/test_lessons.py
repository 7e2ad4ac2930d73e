"""The lesson format: defaults and the resolved lesson.

Broken lessons are in test_lesson_problems.py, the JSON Schema in test_lesson_schema.py,
random damage in test_lesson_damage.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from classroom.lessons import (
    load_lesson,
)
from tests.lesson_tree import VALID, LessonTree

#: The default model's (ResNet-101's) early, middle and late layers.
DEFAULT_LAYERS = ("conv2_x", "conv3_x", "conv4_x")


# -- defaults and the resolved lesson -------------------------------------------------------


def test_a_minimal_lesson_gets_every_default(tree: LessonTree) -> None:
    lesson = tree.load(VALID)
    assert (lesson.id, lesson.title, lesson.audience, lesson.summary, lesson.order) == (
        "lesson",
        "Test lesson",
        "",
        "",
        None,
    )
    assert (lesson.model, lesson.weights, lesson.precision, lesson.max_side) == (
        "resnet101",
        "imagenet",
        8,
        1024,
    )
    assert lesson.layers == list(DEFAULT_LAYERS)
    assert lesson.path == tree.lessons.resolve() / "lesson.yaml"
    (image,) = lesson.images
    assert (image.id, image.path, image.caption) == ("photo", tree.datasets / "photo.png", "")
    (step,) = lesson.steps
    assert (step.id, step.title, step.image, step.reference, step.locked, step.question) == (
        "step-1",
        "Step 1",
        "photo",
        (10, 20),
        False,
        None,
    )
    assert [(panel.layer, panel.weights) for panel in step.panels] == [
        (layer, "imagenet") for layer in DEFAULT_LAYERS
    ]


@pytest.mark.parametrize(
    ("model", "layers"),
    [
        ("vgg16_bn", ("block2", "block3", "block4")),
        ("alexnet", ("conv1", "conv3", "conv5")),
        ("densenet121", ("denseblock1", "denseblock2", "denseblock3")),
        ("convnext_tiny", ("stage1", "stage2", "stage3")),
        ("mobilenet_v3_large", ("stage2", "stage3", "stage4")),
        ("efficientnet_b0", ("stage3", "stage4", "stage6")),
    ],
)
def test_a_lesson_naming_only_a_model_gets_its_three_default_layers(
    tree: LessonTree, model: str, layers: tuple[str, ...]
) -> None:
    lesson = tree.load(VALID + f"model: {model}\n")
    assert (lesson.model, lesson.weights, tuple(lesson.layers)) == (model, "imagenet", layers)
    assert [panel.layer for panel in lesson.steps[0].panels] == list(layers)


def test_a_fine_tuned_checkpoint_is_the_lessons_weights(tree: LessonTree) -> None:
    checkpoint = tree.datasets / "models" / "pets.pth"
    checkpoint.parent.mkdir()
    checkpoint.write_bytes(b"checked when loaded")
    lesson = tree.load(
        VALID.replace("    reference: [10, 20]\n", "")
        + "    layers: [conv4_x, {layer: conv4_x, weights: imagenet}]\n"
        "model: resnet50\nweights: models/pets.pth\nnum_classes: 2\nclass_names: [cat, dog]\n"
    )
    assert (lesson.weights, lesson.num_classes, lesson.class_names) == (
        str(checkpoint),
        2,
        ["cat", "dog"],
    )
    assert [(panel.layer, panel.weights) for panel in lesson.steps[0].panels] == [
        ("conv4_x", str(checkpoint)),
        ("conv4_x", "imagenet"),
    ]
    assert lesson.network.num_classes == 2


def test_class_names_must_match_the_class_count(tree: LessonTree) -> None:
    (tree.datasets / "pets.pth").write_bytes(b"")
    text = VALID + "weights: pets.pth\nnum_classes: 2\nclass_names: [cat, dog, hamster]\n"
    assert tree.only_problem(text) == (
        11,
        "class_names",
        "expected 2 class names (num_classes: 2), found 3",
    )


MODEL_FILE = """\
model:
  file: photo.pt
  layers:
    - {name: early, node: layer1, stride: 4}
    - {name: late, node: layer3}
"""


def test_a_model_file_brings_its_own_layers(tree: LessonTree) -> None:
    lesson = tree.load(VALID + MODEL_FILE)
    assert lesson.model_file is not None
    assert lesson.model == lesson.model_file.key
    assert lesson.model_file.path == tree.datasets / "photo.pt"
    assert [(layer.name, layer.node, layer.stride) for layer in lesson.model_file.layers] == [
        ("early", "layer1", 4),
        ("late", "layer3", None),
    ]
    assert lesson.layers == ["early", "late"]
    assert lesson.weights == str(tree.datasets / "photo.pt")
    assert lesson.network.title == "photo.pt"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "layers: [early, middle]\n",
            (
                14,
                "layers[1]",
                "the model file has no layer 'middle' (its layers, under model: layers:, are "
                "early, late)",
            ),
        ),
        (
            "weights: untrained\n",
            (
                14,
                "weights",
                "a model file holds its own weights: remove this weights field (the file is "
                "named under model: file:)",
            ),
        ),
    ],
)
def test_a_model_file_lesson_names_only_its_layers(
    tree: LessonTree, extra: str, expected: tuple[int, str, str]
) -> None:
    assert tree.only_problem(VALID + MODEL_FILE + extra) == expected


TWO_IMAGES = """\
title: Two images
weights: untrained
layers: [conv3_x]
images:
  a: {path: photo.png, attribution: CC0}
  b: {path: other.png, attribution: CC0}
steps:
  - text: first image by default
  - text: still a
    layers: [conv4_x, {layer: conv2_x, weights: imagenet}, {layer: conv4_x, weights: imagenet}]
  - text: now b
    image: b
  - id: last
    title: The end
    text: b again, by default
    question: {prompt: 'Why?'}
"""


def test_a_step_chooses_its_metric(tree: LessonTree) -> None:
    lesson = tree.load(VALID + "  - text: Now by distance.\n    metric: euclidean\n")
    assert [step.metric for step in lesson.steps] == ["angular", "euclidean"]


def test_steps_default_to_the_previous_image_and_the_lesson_layers(tree: LessonTree) -> None:
    tree.image("other.png")
    lesson = tree.load(TWO_IMAGES)
    assert [step.image for step in lesson.steps] == ["a", "a", "b", "b"]
    assert [step.id for step in lesson.steps] == ["step-1", "step-2", "step-3", "last"]
    assert lesson.steps[3].title == "The end"
    assert lesson.steps[3].question is not None
    assert (lesson.steps[3].question.hint, lesson.steps[3].question.answer) == (None, None)
    assert [(p.layer, p.weights) for p in lesson.steps[1].panels] == [
        ("conv4_x", "untrained"),
        ("conv2_x", "imagenet"),
        ("conv4_x", "imagenet"),
    ]
    assert [(p.layer, p.weights) for p in lesson.steps[2].panels] == [("conv3_x", "untrained")]


def test_feature_needs_groups_layers_by_image_and_weights(tree: LessonTree) -> None:
    tree.image("other.png")
    lesson = tree.load(TWO_IMAGES)
    needs = [(image.id, weights, layers) for image, weights, layers in lesson.feature_needs()]
    assert needs == [
        ("a", "untrained", ("conv3_x", "conv4_x")),
        ("a", "imagenet", ("conv2_x", "conv4_x")),
        ("b", "untrained", ("conv3_x",)),
    ]
    assert lesson.image("b").path == tree.datasets / "other.png"
    with pytest.raises(KeyError):
        lesson.image("c")


def test_the_datasets_directory_can_be_configured(
    tree: LessonTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = LessonTree(tmp_path / "elsewhere")
    monkeypatch.setenv("CLASSROOM_DATASETS_DIR", str(elsewhere.datasets))
    (image,) = tree.load(VALID).images
    assert image.path == elsewhere.datasets / "photo.png"
    (image,) = load_lesson(tree.write(VALID), datasets_dir=tree.datasets).images
    assert image.path == tree.datasets / "photo.png"


def test_reference_pixels_are_checked_after_exif_rotation(tree: LessonTree) -> None:
    # Stored 64 wide and 48 high; orientation 6 shows it turned: 48 wide and 64 high.
    tree.image("turned.jpg", size=(64, 48), orientation=6)
    lesson = VALID.replace("photo.png", "turned.jpg")
    assert tree.load(lesson.replace("[10, 20]", "[40, 60]")).steps[0].reference == (40, 60)
    assert tree.only_problem(lesson.replace("[10, 20]", "[60, 40]")) == (
        8,
        "steps[0].reference",
        "expected two whole numbers [x, y] inside the 48×64 image (x below 48, y below 64), "  # noqa: RUF001
        "found [60, 40]",
    )


def test_checking_lessons_does_not_import_torch() -> None:
    code = "import sys, classroom.lessons; print(sorted({'torch', 'streamlit'} & set(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"
