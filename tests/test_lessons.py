"""The lesson format: defaults, resolution, and a broad set of broken lessons.

Broken lessons are generated on the fly, one mistake each, and the test asserts the exact
problem an instructor would read: line, field and message.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from classroom.lessons import (
    ARCHITECTURES,
    Lesson,
    LessonError,
    LessonProblem,
    discover_lessons,
    lesson_schema,
    load_lesson,
)
from classroom.lessons.safe_yaml import parse_yaml
from tests.lesson_tree import VALID, LessonTree

#: The default model's (ResNet-101's) early, middle and late layers.
DEFAULT_LAYERS = ("conv2_x", "conv3_x", "conv4_x")


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    return LessonTree(tmp_path)


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


# -- broken lessons: one mistake each, one exact problem ------------------------------------

STEP_END = "    reference: [10, 20]\n"
BROKEN: dict[str, tuple[str, tuple[int, str, str]]] = {
    "misspelt field": (
        VALID.replace("title:", "titel:"),
        (1, "titel", "unknown field 'titel' — did you mean 'title'?"),
    ),
    "unknown field": (
        VALID + "colour: red\n",
        (
            9,
            "colour",
            "unknown field 'colour' (known fields: title, audience, summary, order, model, "
            "weights, num_classes, class_names, layers, precision, max_side, images, collections, "
            "steps)",
        ),
    ),
    "misspelt image field": (
        VALID.replace("attribution:", "atribution:"),
        (5, "images.photo.atribution", "unknown field 'atribution' — did you mean 'attribution'?"),
    ),
    "misspelt question field": (
        VALID + "    question: {prompt: 'Why?', hnit: Look closer.}\n",
        (9, "steps[0].question.hnit", "unknown field 'hnit' — did you mean 'hint'?"),
    ),
    "weights on a step": (
        VALID + "    weights: untrained\n",
        (
            9,
            "steps[0].weights",
            "unknown field 'weights': a step sets weights per layer: "
            "layers: [{layer: conv3_x, weights: untrained}]",
        ),
    ),
    "missing field": (
        VALID.replace("    attribution: generated for the tests, CC0\n", ""),
        (3, "images.photo", "missing required field 'attribution'"),
    ),
    "question without prompt": (
        VALID + "    question: {hint: Look closer.}\n",
        (9, "steps[0].question", "missing required field 'prompt'"),
    ),
    "title is a number": (
        VALID.replace("title: Test lesson", "title: 12"),
        (1, "title", "expected text, found 12"),
    ),
    "title is empty": (
        VALID.replace("title: Test lesson", "title: ''"),
        (1, "title", "expected some text, found an empty text"),
    ),
    "text is only spaces": (
        VALID.replace("Look at the photo.", "'   '"),
        (7, "steps[0].text", "expected some text, found only spaces"),
    ),
    "reference is text": (
        VALID.replace("[10, 20]", "10, 20"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
            "found '10, 20'",
        ),
    ),
    "reference has a fraction": (
        VALID.replace("[10, 20]", "[10.5, 20]"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
            "found [10.5, 20]",
        ),
    ),
    "reference is negative": (
        VALID.replace("[10, 20]", "[-1, 20]"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] (pixels from the top-left corner of the image), "
            "found [-1, 20]",
        ),
    ),
    "reference outside the image": (
        VALID.replace("[10, 20]", "[64, 20]"),
        (
            8,
            "steps[0].reference",
            "expected two whole numbers [x, y] inside the 64×48 image (x below 64, y below 48), "  # noqa: RUF001
            "found [64, 20]",
        ),
    ),
    "locked is yes": (
        VALID + "    locked: yes\n",
        (9, "steps[0].locked", "expected true or false, found 'yes'"),
    ),
    "unknown metric": (
        VALID + "    metric: manhattan\n",
        (
            9,
            "steps[0].metric",
            "expected 'angular', 'cosine', 'euclidean' or 'dot', found 'manhattan'",
        ),
    ),
    "locked without reference": (
        VALID.replace(STEP_END, "    locked: true\n"),
        (8, "steps[0].locked", "a locked step needs a reference: [x, y] to hold"),
    ),
    "precision is text": (
        VALID + 'precision: "8"\n',
        (9, "precision", "expected 8, 16 or 32, found '8'"),
    ),
    "unknown precision": (
        VALID + "precision: 12\n",
        (9, "precision", "expected 8, 16 or 32, found 12"),
    ),
    "unknown model": (
        VALID + "model: resnet100\n",
        (
            9,
            "model",
            "unknown model 'resnet100' — did you mean 'resnet101'? (the models: resnet18, "
            "resnet34, resnet50, resnet101, resnet152, vgg16, vgg16_bn, vgg19, vgg19_bn, "
            "alexnet, densenet121, convnext_tiny, mobilenet_v3_large, efficientnet_b0, shapes, "
            "digits; or a model file: {file: ..., layers: [...]})",
        ),
    ),
    "unknown layer": (
        VALID + "layers: [conv2_x, conv3x]\n",
        (
            9,
            "layers[1]",
            "resnet101 has no layer 'conv3x' — did you mean 'conv3_x'? (its layers: conv1, "
            "conv2_x, conv3_x, conv4_x, conv5_x)",
        ),
    ),
    "a layer of another model": (
        VALID + "model: vgg16\nlayers: [block2, conv3_x]\n",
        (
            10,
            "layers[1]",
            "vgg16 has no layer 'conv3_x' (its layers: block1, block2, block3, block4, block5)",
        ),
    ),
    "a step's layer of another model": (
        VALID + "    layers: [conv2_x, {layer: stage2, weights: untrained}]\nmodel: resnet18\n",
        (
            9,
            "steps[0].layers[1].layer",
            "resnet18 has no layer 'stage2' (its layers: conv1, conv2_x, conv3_x, conv4_x, "
            "conv5_x)",
        ),
    ),
    "weights of another model": (
        VALID + "model: alexnet\nweights: IMAGENET1K_V2\n",
        (
            10,
            "weights",
            "unknown weights 'IMAGENET1K_V2' for alexnet — did you mean 'IMAGENET1K_V1'? "
            "(choose one of imagenet, untrained, IMAGENET1K_V1, or a weights file in the "
            "datasets directory)",
        ),
    ),
    "a weights file outside the datasets": (
        VALID + "weights: ../pets.pth\n",
        (
            9,
            "weights",
            "weights file: '..' is not allowed: images must stay inside datasets/, found "
            "'../pets.pth'",
        ),
    ),
    "classes without a file of one's own": (
        VALID + "num_classes: 2\n",
        (
            9,
            "num_classes",
            "num_classes describes a weights or model file of your own (weights: "
            "models/pets.pth); the lesson's weights are named pretrained weights, whose "
            "classes are known",
        ),
    ),
    "a model file of the wrong kind": (
        VALID + "model: {file: net.onnx, layers: [{name: early, node: layer1}]}\n",
        (
            9,
            "model.file",
            "expected a TorchScript (.pt) or torch.export (.pt2) model file, found 'net.onnx' "
            "(a state dict of a registry model goes under weights:)",
        ),
    ),
    "a model file without layers": (
        VALID + "model: {file: photo.pt}\n",
        (9, "model", "missing required field 'layers'"),
    ),
    "a misspelt field of a model file": (
        VALID + "model: {file: photo.pt, layers: [{name: early, nod: layer1}]}\n",
        (9, "model.layers[0].nod", "unknown field 'nod' — did you mean 'node'?"),
    ),
    "layers is not a list": (
        VALID + "layers: conv2_x\n",
        (9, "layers", "expected a list (lines starting with '- '), found 'conv2_x'"),
    ),
    "layer listed twice": (
        VALID + "layers:\n  - conv2_x\n  - conv3_x\n  - conv2_x\n",
        (12, "layers[2]", "conv2_x is already shown; remove this layer"),
    ),
    "order is not a number": (
        VALID + "order: first\n",
        (9, "order", "expected a whole number, found 'first'"),
    ),
    "max_side too small": (
        VALID + "max_side: 10\n",
        (9, "max_side", "expected a number of at least 64, found 10"),
    ),
    "no steps": (
        VALID.split("steps:")[0] + "steps: []\n",
        (6, "steps", "expected at least one entry, found none"),
    ),
    "steps is a mapping": (
        VALID.split("steps:")[0] + "steps:\n  text: Look.\n",
        (6, "steps", "expected a list (lines starting with '- '), found a mapping (text)"),
    ),
    "no images": (
        "title: t\nimages: {}\nsteps:\n  - text: Look.\n",
        (2, "images", "expected at least one entry, found none"),
    ),
    "step names a missing image": (
        VALID + "    image: foto\n",
        (
            9,
            "steps[0].image",
            "no image 'foto' under images: — did you mean 'photo'? (known: photo)",
        ),
    ),
    "duplicate step ids": (
        VALID.replace("  - text:", "  - id: look\n    text:") + "  - id: look\n    text: Again.\n",
        (10, "steps[1].id", "duplicate step id 'look' (also used by steps[0])"),
    ),
    "an id equal to a default id": (
        VALID + "  - id: step-1\n    text: Again.\n",
        (9, "steps[1].id", "duplicate step id 'step-1' (also used by steps[0])"),
    ),
    "step id with a space": (
        VALID.replace("  - text:", "  - id: first step\n    text:"),
        (
            7,
            "steps[0].id",
            "expected a name of letters, digits, '-' and '_', found 'first step'",
        ),
    ),
    "panel of the wrong type": (
        VALID + "    layers: [conv2_x, 5]\n",
        (
            9,
            "steps[0].layers[1]",
            "expected a layer name such as conv3_x, or {layer: conv3_x, weights: untrained}, "
            "found 5",
        ),
    ),
    "same panel twice": (
        VALID + "    layers: [conv3_x, {layer: conv3_x, weights: imagenet}]\n",
        (
            9,
            "steps[0].layers[1]",
            "conv3_x with weights imagenet is already shown; remove this panel",
        ),
    ),
    "too many panels": (
        VALID + "    layers: [conv1, conv2_x, conv3_x, conv4_x, conv5_x, "
        "{layer: conv1, weights: untrained}, {layer: conv2_x, weights: untrained}]\n",
        (9, "steps[0].layers", "expected at most 6 entries, found 7 entries"),
    ),
    "no panels": (
        VALID + "    layers: []\n",
        (9, "steps[0].layers", "expected at least one entry, found none"),
    ),
    "duplicate key": (
        VALID + "title: Again\n",
        (
            9,
            "title",
            "duplicate key 'title' (first at line 1); YAML would silently keep only the last one",
        ),
    ),
    "not a mapping": (
        "- title: Test lesson\n",
        (
            1,
            "",
            "expected a lesson: a mapping of title:, images:, steps: ..., "
            "found [a mapping (title)]",
        ),
    ),
    "empty file": (
        "# nothing yet\n",
        (1, "", "expected a lesson: a mapping of title:, images:, steps: ..., found an empty file"),
    ),
    "not YAML": (
        VALID.replace("[10, 20]", "[10, 20"),
        (9, "", "expected ',' or ']', but got '<stream end>'"),
    ),
    "a YAML tag": (
        VALID + "summary: !!python/name:os.system ''\n",
        (
            9,
            "summary",
            "YAML tags like '!!python/name:os.system' are not allowed in lesson files; "
            "remove the tag",
        ),
    ),
    "an alias": (
        VALID + "summary: &words Look.\naudience: *words\n",
        (
            9,
            "",
            "anchors (&name) and aliases (*name) are not allowed in lesson files; "
            "write the value out",
        ),
    ),
}


_OUTSIDE = "expected a path inside the datasets directory, found the absolute path"
_DOTS = "'..' is not allowed: images must stay inside datasets/, found"
#: Image paths that try to leave datasets/, and what the instructor reads on line 4.
ESCAPES: dict[str, tuple[str, str]] = {
    "..": ("../photo.png", f"{_DOTS} '../photo.png'"),
    "hidden ..": ("./sub/../../photo.png", f"{_DOTS} './sub/../../photo.png'"),
    "absolute": ("/etc/passwd", f"{_OUTSIDE} '/etc/passwd'"),
    "windows drive": ("C:/photo.png", f"{_OUTSIDE} 'C:/photo.png'"),
    "backslashes": ("sub\\photo.png", "use '/' between folder names, found 'sub\\photo.png'"),
}


@pytest.mark.parametrize("case", ESCAPES, ids=str)
def test_image_paths_cannot_leave_datasets(tree: LessonTree, case: str) -> None:
    written, message = ESCAPES[case]
    problem = tree.only_problem(VALID.replace("photo.png", written))
    assert problem == (4, "images.photo.path", message)


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_a_broken_lesson_reports_its_one_problem(tree: LessonTree, case: str) -> None:
    text, expected = BROKEN[case]
    assert tree.only_problem(text) == expected


def test_a_weights_file_must_be_in_the_datasets_directory(tree: LessonTree) -> None:
    assert tree.only_problem(VALID + "weights: models/pets.pth\n") == (
        9,
        "weights",
        f"weights file: 'models/pets.pth' does not exist in {tree.datasets}",
    )


def test_unknown_weights_are_reported_for_the_lessons_architecture(tree: LessonTree) -> None:
    line, field, message = tree.only_problem(VALID + "model: resnet18\nweights: IMAGENET1K_V2\n")
    assert (line, field) == (10, "weights")
    assert "IMAGENET1K_V2" in message
    assert "resnet18" in message
    text = VALID + "    layers: [conv2_x, {layer: conv2_x, weights: untrianed}]\n"
    line, field, message = tree.only_problem(text)
    assert (line, field) == (9, "steps[0].layers[1].weights")
    assert "untrianed" in message


def test_a_missing_image_names_the_datasets_directory(tree: LessonTree) -> None:
    assert tree.only_problem(VALID.replace("photo.png", "phot.png")) == (
        4,
        "images.photo.path",
        f"'phot.png' does not exist in {tree.datasets} — did you mean 'photo.png'?",
    )
    assert tree.only_problem(VALID.replace("photo.png", "pictures/photo.png")) == (
        4,
        "images.photo.path",
        f"'pictures/photo.png' does not exist in {tree.datasets}",
    )
    (tree.datasets / "folder.png").mkdir()
    assert tree.only_problem(VALID.replace("photo.png", "folder.png")) == (
        4,
        "images.photo.path",
        "'folder.png' is not a file",
    )


def test_a_missing_datasets_directory_is_reported_once(tree: LessonTree) -> None:
    moved = tree.datasets.rename(tree.root / "moved")
    assert tree.only_problem(VALID) == (
        2,
        "images",
        f"the datasets directory {tree.datasets} does not exist (image paths are looked up "
        "there; CLASSROOM_DATASETS_DIR changes it)",
    )
    assert moved.is_dir()


def test_symbolic_links_may_not_lead_out_of_datasets(tree: LessonTree) -> None:
    outside = tree.root / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes((tree.datasets / "photo.png").read_bytes())
    (tree.datasets / "link.png").symlink_to(outside / "secret.png")
    (tree.datasets / "folder").symlink_to(outside, target_is_directory=True)
    assert tree.only_problem(VALID.replace("photo.png", "link.png")) == (
        4,
        "images.photo.path",
        "'link.png' is a symbolic link that points outside datasets/",
    )
    assert tree.only_problem(VALID.replace("photo.png", "folder/secret.png")) == (
        4,
        "images.photo.path",
        "'folder/secret.png' is a symbolic link that points outside datasets/",
    )


def test_symbolic_links_inside_datasets_are_followed(tree: LessonTree) -> None:
    (tree.datasets / "alias.png").symlink_to(tree.datasets / "photo.png")
    (image,) = tree.load(VALID.replace("photo.png", "alias.png")).images
    assert image.path == tree.datasets / "photo.png"


def test_a_symbolic_link_loop_is_a_problem_not_a_crash(tree: LessonTree) -> None:
    (tree.datasets / "loop.png").symlink_to(tree.datasets / "loop.png")
    line, field, message = tree.only_problem(VALID.replace("photo.png", "loop.png"))
    assert (line, field) == (4, "images.photo.path")
    assert message.startswith("'loop.png' ")


def test_files_that_are_not_images_are_reported(tree: LessonTree) -> None:
    (tree.datasets / "notes.png").write_text("not an image")
    assert tree.only_problem(VALID.replace("photo.png", "notes.png")) == (
        4,
        "images.photo.path",
        f"{tree.datasets / 'notes.png'}: is not an image file: it holds text",
    )
    whole = (tree.datasets / "photo.png").read_bytes()
    (tree.datasets / "cut.png").write_bytes(whole[: len(whole) // 2])
    line, field, message = tree.only_problem(VALID.replace("photo.png", "cut.png"))
    assert (line, field) == (4, "images.photo.path")
    # Issue 17: the picture's own file is named too, since that is what has to be replaced.
    assert message.startswith(f"{tree.datasets / 'cut.png'}: the image is truncated or corrupt (")


def test_pictures_preparation_would_refuse_are_reported_by_the_check(tree: LessonTree) -> None:
    """Preparation's own rules (classroom.images) apply, so a checked lesson prepares."""
    Image.new("RGB", (40, 40)).save(tree.datasets / "figure.eps")
    assert tree.only_problem(VALID.replace("photo.png", "figure.eps")) == (
        4,
        "images.photo.path",
        f"{tree.datasets / 'figure.eps'}: is a PostScript (EPS) file, which is not read here; "
        "export it as PNG or JPEG",
    )
    tree.image("strip.png", size=(640, 30))
    line, field, message = tree.only_problem(VALID.replace("photo.png", "strip.png"))
    assert (line, field) == (4, "images.photo.path")
    assert message.startswith(
        f"{tree.datasets / 'strip.png'}: the image is too small: 640 x 30 pixels after capping"
    )
    tree.image("wide.png", size=(400, 40))
    narrow = VALID.replace("photo.png", "wide.png") + "max_side: 200\n"
    line, field, message = tree.only_problem(narrow)
    assert "wide.png: the image is too narrow: 400 x 40 pixels become 200 x 20" in message
    assert tree.load(narrow.replace("max_side: 200", "max_side: 400")).max_side == 400


def test_decompression_bombs_are_refused(tree: LessonTree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # photo.png has 3072 pixels
    line, field, message = tree.only_problem(VALID)
    assert (line, field) == (4, "images.photo.path")
    assert message == (
        f"{tree.datasets / 'photo.png'}: has too many pixels to be opened safely (over 2,000); "
        "scale the image down first"
    )


def test_whole_file_problems_carry_the_file_and_line(tree: LessonTree) -> None:
    assert tree.only_problem(VALID.encode() + b"summary: caf\xe9\n") == (
        9,
        "",
        "not UTF-8 text: byte 0xe9 cannot be decoded; save the file as UTF-8",
    )
    line, field, message = tree.only_problem(VALID + "#" * 1_000_001 + "\n")
    assert (line, field) == (None, "")
    assert message.startswith("the file is larger than 1000 kB")


def test_a_billion_laughs_costs_nothing(tree: LessonTree) -> None:
    laughs = ['laugh0: &l0 "ha"']
    laughs += [f"laugh{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]
    line, field, message = tree.only_problem(VALID + "\n".join(laughs) + "\n")
    assert (line, field) == (9, "")
    assert message.startswith("anchors (&name) and aliases (*name) are not allowed")


def test_every_problem_of_a_file_is_reported_sorted_by_line(tree: LessonTree) -> None:
    text = (
        "title: 12\n"  # 1
        "model: resnet100\n"  # 2
        "images:\n"  # 3
        "  photo: {path: missing.png, attribution: CC0}\n"  # 4
        "steps:\n"  # 5
        "  - text: Look.\n"  # 6
        "    image: foto\n"  # 7
        "    reference: [1, 2, 3]\n"  # 8
        "  - text: Again.\n"  # 9
        "    locked: true\n"  # 10
        "titel: Extra\n"  # 11
    )
    problems = tree.problems(text)
    assert [(p.line, p.field) for p in problems] == [
        (1, "title"),
        (2, "model"),
        (4, "images.photo.path"),
        (7, "steps[0].image"),
        (8, "steps[0].reference"),
        (10, "steps[1].locked"),
        (11, "titel"),
    ]
    assert str(problems[0]) == f"{tree.lessons / 'lesson.yaml'}:1: title: expected text, found 12"


def test_lesson_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        LessonError([])
    problem = LessonProblem(Path("x.yaml"), None, "", "the file is empty")
    assert str(LessonError([problem])) == "x.yaml: the file is empty"


def test_discover_lessons_finds_yaml_files_sorted(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", ".hidden.yaml", "notes.txt", "c.yaml.bak"):
        (tmp_path / name).write_text("")
    (tmp_path / "d.yaml").mkdir()
    assert [p.name for p in discover_lessons(tmp_path)] == ["a.yml", "b.yaml"]


# -- the JSON Schema for editors ------------------------------------------------------------


def test_the_schema_knows_the_names_and_rejects_misspellings() -> None:
    schema = lesson_schema()
    validator = jsonschema.Draft202012Validator(schema)
    data = parse_yaml(RICH).data
    assert isinstance(data, dict)
    assert validator.is_valid(data)
    assert not validator.is_valid({**data, "titel": "x"})
    assert not validator.is_valid({**data, "model": "resnet100"})
    assert not validator.is_valid({**data, "layers": ["conv3x"]})
    assert not validator.is_valid({**data, "steps": []})
    assert schema["properties"]["model"]["oneOf"][0]["enum"] == list(ARCHITECTURES)


def test_the_schema_offers_each_models_own_layers_and_weights() -> None:
    validator = jsonschema.Draft202012Validator(lesson_schema())
    data = parse_yaml(RICH).data
    assert isinstance(data, dict)
    vgg = {**data, "model": "vgg16", "weights": "IMAGENET1K_FEATURES", "layers": ["block3"]}
    vgg["steps"] = [{"text": "x", "layers": ["block2", {"layer": "block4", "weights": "a.pth"}]}]
    assert validator.is_valid(vgg)
    assert not validator.is_valid({**vgg, "layers": ["conv3_x"]})
    assert not validator.is_valid({**vgg, "weights": "IMAGENET1K_V2"})
    assert not validator.is_valid({**vgg, "steps": [{"text": "x", "layers": ["conv2_x"]}]})
    without_model = {key: value for key, value in vgg.items() if key not in {"model", "weights"}}
    assert not validator.is_valid(without_model), "the default model, ResNet-101, has no block3"
    assert validator.is_valid({**without_model, "layers": ["conv5_x"], "steps": data["steps"]})
    own = {**without_model, "model": {"file": "a.pt2", "layers": [{"name": "x", "node": "y"}]}}
    assert validator.is_valid({**own, "layers": ["x"], "steps": [{"text": "x"}]})


# -- robustness: random damage never escapes as anything but a LessonError ------------------


def test_loading_twice_gives_equal_lessons(tree: LessonTree) -> None:
    first: Lesson = tree.load(VALID)
    assert tree.load(VALID) == first


RICH = """\
title: Every feature
audience: tests
summary: One of everything.
model: resnet50
weights: IMAGENET1K_V2
layers: [conv2_x, conv4_x]
precision: 16
max_side: 512
images:
  photo: {path: photo.png, caption: A gradient, attribution: CC0}
  other:
    path: other.png
    attribution: CC0
steps:
  - id: first
    title: First
    text: |
      Point at the **corner**.
    reference: [3, 4]
    locked: true
    question:
      prompt: What lights up?
      hint: Look left.
      answer: The corner.
  - text: Second
    image: other
    layers: [conv3_x, {layer: conv3_x, weights: untrained}]
"""


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """RICH with one to four random cuts, insertions, replacements and line shuffles."""
    data = bytearray(RICH.encode())
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 40)))
        kind = draw(st.sampled_from(["cut", "insert", "replace", "lines", "byte"]))
        if kind == "cut":
            del data[start:end]
        elif kind in {"insert", "replace"}:
            text = draw(st.text(st.sampled_from(DAMAGE), max_size=12)).encode()
            data[start : end if kind == "replace" else start] = text
        elif kind == "byte":
            data[start:start] = bytes([draw(st.integers(0, 255))])
        else:
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i] + b"\n" + lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


#: Line breaks as YAML 1.1 reads them (PyYAML's scanner).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

DAMAGE = ":-[]{}&*!|>'\"#,?%@`~ \n\t0123456789aenxyz_.é\x00\x07"


@pytest.fixture(scope="module")
def fuzz_tree(tmp_path_factory: pytest.TempPathFactory) -> LessonTree:
    tree = LessonTree(tmp_path_factory.mktemp("fuzz"))
    tree.image("other.png", size=(32, 32))
    return tree


def test_the_rich_lesson_is_valid(fuzz_tree: LessonTree) -> None:
    lesson = fuzz_tree.load(RICH)
    assert [len(step.panels) for step in lesson.steps] == [2, 2]
    assert lesson.steps[0].question is not None


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=damaged())
def test_damage_gives_a_sound_lesson_or_located_problems(
    fuzz_tree: LessonTree, content: bytes
) -> None:
    path = fuzz_tree.write(content)
    # Lines as YAML (and editors) count them: a lone carriage return breaks a line too.
    line_count = len(_LINE_BREAK.split(content.decode("utf-8", errors="replace")))
    try:
        lesson = load_lesson(path)
    except LessonError as error:
        problems = error.problems
    else:
        event("loaded")
        _assert_sound(lesson, fuzz_tree.datasets)
        return
    assert problems
    for problem in problems:
        assert problem.file == path
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= line_count, problem


def _assert_sound(lesson: Lesson, datasets: Path) -> None:
    """Everything the loader promises about a lesson it accepts, whatever the file said."""
    assert lesson.title.strip()
    assert lesson.model in ARCHITECTURES or lesson.model_file is not None
    assert lesson.precision in (8, 16, 32)
    assert 64 <= lesson.max_side <= 4096
    assert lesson.images
    assert lesson.steps
    sizes = {}
    for image in lesson.images:
        assert image.path.is_file()
        assert image.path.resolve().is_relative_to(datasets.resolve())
        assert image.attribution.strip()
        with Image.open(image.path) as opened:
            sizes[image.id] = opened.size
    assert len({step.id for step in lesson.steps}) == len(lesson.steps)
    for step in lesson.steps:
        assert step.text.strip()
        assert step.image in sizes
        if step.reference is not None:
            x, y = step.reference
            width, height = sizes[step.image]
            assert 0 <= x < width
            assert 0 <= y < height
        assert not step.locked or step.reference is not None
        assert 1 <= len(step.panels) <= 6
        assert len({(p.layer, p.weights) for p in step.panels}) == len(step.panels)
        assert all(panel.layer in lesson.layer_order for panel in step.panels)


def test_checking_lessons_does_not_import_torch() -> None:
    code = "import sys, classroom.lessons; print(sorted({'torch', 'streamlit'} & set(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"
