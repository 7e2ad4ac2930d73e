"""Your own model: a fine-tuned checkpoint of a registry architecture, or a whole model file.

Each file is made here (no download): a 2-class ResNet-50 checkpoint, a TorchScript feature
model and a ``torch.export`` classifier. Loaded from a lesson through preparation, each must
reproduce its own forward pass exactly; a file for another architecture, a class count the
lesson does not declare, a stride it gets wrong, and pickles that would run code are each
refused with a message that names the file.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import torch
from PIL import Image
from torch import nn
from torchvision.models import resnet18, resnet50
from torchvision.models.feature_extraction import create_feature_extractor

from classroom import encoding, images, networks
from classroom.extraction import FeatureExtractor
from classroom.lessons import Lesson
from classroom.preparation import Cause, prepare, requests_for_lesson
from classroom.preparation.pipeline import entry_keys
from classroom.store import FeatureStore, PreparedLayer
from tests.conftest import loaded
from tests.lesson_tree import LessonTree
from tests.tiny_model import TinyClassifier, TinyFeatures

IMAGES = """\
title: Your own model
images:
  photo: {path: photo.png, attribution: "generated for the tests, CC0"}
steps:
  - text: Look.
"""


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    tree = LessonTree(tmp_path)
    tree.image("photo.png", size=(75, 53))
    return tree


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def _stored(lesson: Lesson, store: FeatureStore) -> dict[str, PreparedLayer]:
    """Prepare the lesson (at 32 bit: exact values) and read back each layer, by name."""
    report = prepare(requests_for_lesson(lesson.model_copy(update={"precision": 32})), store)
    assert report.ok, [result.error for result in report.results]
    (result,) = report.results
    assert result.weights is not None
    image = images.content_sha256(result.request.image)
    entries = {}
    for layer, key in entry_keys(result.request, image, result.weights).items():
        entry = store.read(key)
        assert entry is not None
        entries[layer] = entry
    return entries


def _values(entry: PreparedLayer) -> npt.NDArray[np.float32]:
    return encoding.decode(entry.encoded())


def _analysis(lesson: Lesson) -> Image.Image:
    return images.load_analysis_image(lesson.images[0].path, lesson.max_side).image


# -- a fine-tuned checkpoint of a registry architecture ----------------------------------------


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> tuple[nn.Module, Path]:
    """A "fine-tuned" 2-class ResNet-50: seeded random weights, saved as a state dict."""
    torch.manual_seed(50)
    model = resnet50(num_classes=2).eval()
    path = tmp_path_factory.mktemp("pets") / "pets.pth"
    torch.save(model.state_dict(), path)
    return model, path


def _with_checkpoint(tree: LessonTree, source: Path, name: str = "models/pets.pth") -> Path:
    """``source`` at ``datasets/name`` (a hard link: a symbolic link out of the datasets
    directory would be refused)."""
    target = tree.datasets / name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.hardlink_to(source)
    except OSError:
        shutil.copyfile(source, target)
    return target


@pytest.mark.slow
def test_a_fine_tuned_checkpoint_reproduces_its_own_forward_pass(
    tree: LessonTree, store: FeatureStore, pets: tuple[nn.Module, Path]
) -> None:
    original, source = pets
    _with_checkpoint(tree, source)
    lesson = tree.load(
        IMAGES + "model: resnet50\nweights: models/pets.pth\nnum_classes: 2\n"
        "class_names: [cat, dog]\nlayers: [conv2_x, conv4_x]\n"
    )
    (request,) = requests_for_lesson(lesson)
    weights = networks.resolve_weights(request.network, request.weights)
    assert weights.identity.label == "pets.pth"
    network = networks.build_network(weights)

    batch = torch.randn(2, 3, 64, 80)
    with torch.inference_mode():
        assert torch.equal(network.model(batch), original(batch)), "the logits, bit for bit"

    expected = FeatureExtractor(loaded(original, "resnet50"), ["conv2_x", "conv4_x"])(
        _analysis(lesson)
    )
    stored = _stored(lesson, store)
    for layer in ("conv2_x", "conv4_x"):
        assert np.array_equal(_values(stored[layer]), expected[layer]), layer


def test_a_checkpoint_with_undeclared_classes_is_refused(
    tree: LessonTree, store: FeatureStore, tmp_path: Path
) -> None:
    torch.manual_seed(0)
    path = tmp_path / "two-classes.pth"
    torch.save(resnet18(num_classes=2).state_dict(), path)
    _with_checkpoint(tree, path)
    lesson = tree.load(IMAGES + "model: resnet18\nweights: models/pets.pth\n")
    (result,) = prepare(requests_for_lesson(lesson), store).results
    assert result.failure is not None
    assert result.failure.cause is Cause.WEIGHTS_UNUSABLE
    assert result.failure.message == (
        f"{tree.datasets / 'models' / 'pets.pth'}: its classifier (fc) has 2 classes, not the "
        "1000 of resnet18's pretrained weights. If it is a fine-tuned checkpoint, declare them "
        "in the lesson: `num_classes: 2`."
    )
    wrong = tree.load(IMAGES + "model: resnet18\nweights: models/pets.pth\nnum_classes: 3\n")
    (result,) = prepare(requests_for_lesson(wrong), store).results
    assert result.failure is not None
    assert result.failure.message.endswith(
        "pets.pth: its classifier (fc) has 2 classes, but the lesson declares num_classes: 3."
    )


def test_a_checkpoint_of_another_architecture_is_refused_naming_it(
    tree: LessonTree, store: FeatureStore, resnet18_weights_file: Path
) -> None:
    _with_checkpoint(tree, resnet18_weights_file)
    lesson = tree.load(IMAGES + "model: resnet34\nweights: models/pets.pth\n")
    (result,) = prepare(requests_for_lesson(lesson), store).results
    assert result.failure is not None
    message = result.failure.message
    assert message.startswith(f"{tree.datasets / 'models' / 'pets.pth'}: is not a resnet34 ")
    assert message.endswith("It looks like a resnet18 state dict: is the lesson's model right?")


class _RunsCode:
    """Unpickling this runs a shell command (what a hostile file would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("name", ["models/pets.pth", "models/net.pt"])
def test_a_pickle_that_would_run_code_is_refused_and_never_run(
    tree: LessonTree, store: FeatureStore, tmp_path: Path, name: str
) -> None:
    marker = tmp_path / "pwned"
    hostile = tmp_path / "hostile"
    torch.save({"conv1.weight": _RunsCode(marker)}, hostile)
    path = _with_checkpoint(tree, hostile, name)
    if name.endswith(".pth"):
        lesson = tree.load(IMAGES + f"model: resnet18\nweights: {name}\n")
    else:
        lesson = tree.load(IMAGES + f"model: {{file: {name}, layers: [{{name: a, node: b}}]}}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor does torch ask the user to "file an issue"
        (result,) = prepare(requests_for_lesson(lesson), store).results
    assert result.failure is not None
    assert result.failure.message.startswith(f"{path}: ")
    assert re.search(r"Python object|a pickled model is never loaded", result.failure.message)
    assert not marker.exists(), "unpickling ran the command"


def test_a_whole_pickled_model_is_refused_as_a_model_file(
    tree: LessonTree, store: FeatureStore
) -> None:
    path = tree.datasets / "whole.pt"
    torch.save(nn.Sequential(nn.Conv2d(3, 4, 3)), path)
    lesson = tree.load(IMAGES + "model: {file: whole.pt, layers: [{name: a, node: '0'}]}\n")
    (result,) = prepare(requests_for_lesson(lesson), store).results
    assert result.failure is not None
    assert result.failure.cause is Cause.WEIGHTS_UNUSABLE
    assert result.failure.message.startswith(f"{path}: is not a TorchScript model (")
    assert "a pickled model is never loaded, for safety" in result.failure.message


# -- whole model files ---------------------------------------------------------------------------


_Tiny = TinyClassifier


_TinyFeatures = TinyFeatures


def _save_script(module: nn.Module, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # TorchScript is deprecated
        torch.jit.save(torch.jit.script(module), path)


@pytest.fixture(scope="module")
def tiny() -> _Tiny:
    torch.manual_seed(7)
    return _Tiny().eval()


def _expected(model: nn.Module, lesson: Lesson) -> dict[str, np.ndarray]:
    """The model's own early and late outputs for the lesson's image, as (H, W, D) maps."""
    assert lesson.model_file is not None
    image = _analysis(lesson)
    family = networks.family_of("resnet18")  # only for its plain ImageNet input batch
    batch = family.input_batch(image, lesson.model_file.mean, lesson.model_file.std)
    graph = create_feature_extractor(model, {"early": "early", "late": "late"})
    with torch.inference_mode():
        outputs = graph(batch)
    return {name: output[0].permute(1, 2, 0).numpy() for name, output in outputs.items()}


TINY_LAYERS = """\
  layers:
    - {name: edges, node: early, stride: 2}
    - {name: blobs, node: late}
"""


def test_a_torchscript_model_reproduces_its_own_forward_pass(
    tree: LessonTree, store: FeatureStore, tiny: _Tiny
) -> None:
    _save_script(_TinyFeatures(tiny), tree.datasets / "tiny.pt")
    lesson = tree.load(IMAGES + "model:\n  file: tiny.pt\n" + TINY_LAYERS)
    assert lesson.layers == ["edges", "blobs"]
    stored = _stored(lesson, store)
    expected = _expected(tiny, lesson)
    assert np.array_equal(_values(stored["edges"]), expected["early"])
    assert np.array_equal(_values(stored["blobs"]), expected["late"])
    # The stride the lesson gives (2) and the one measured (4) are in the headers.
    assert [stored[name].header.info.stride for name in ("edges", "blobs")] == [2, 4]
    assert stored["blobs"].header.key.model == lesson.model


def test_a_torch_export_classifier_gives_its_submodules_outputs(
    tree: LessonTree, store: FeatureStore, tiny: _Tiny
) -> None:
    height, width = torch.export.Dim("height", min=32), torch.export.Dim("width", min=32)
    program = torch.export.export(
        tiny, (torch.zeros(1, 3, 64, 64),), dynamic_shapes={"x": {2: height, 3: width}}
    )
    torch.export.save(program, tree.datasets / "tiny.pt2")
    lesson = tree.load(IMAGES + "model:\n  file: tiny.pt2\n" + TINY_LAYERS)
    stored = _stored(lesson, store)
    expected = _expected(tiny, lesson)
    assert np.array_equal(_values(stored["edges"]), expected["early"])
    assert np.array_equal(_values(stored["blobs"]), expected["late"])


def _failure(lesson: Lesson, store: FeatureStore) -> str:
    (result,) = prepare(requests_for_lesson(lesson), store).results
    assert result.failure is not None
    return result.failure.message


def test_a_model_file_that_contradicts_the_lesson_is_refused(
    tree: LessonTree, store: FeatureStore, tiny: _Tiny
) -> None:
    _save_script(_TinyFeatures(tiny), tree.datasets / "tiny.pt")
    _save_script(tiny, tree.datasets / "classifier.pt")
    path = tree.datasets / "tiny.pt"
    wrong_stride = TINY_LAYERS.replace("node: late}", "node: late, stride: 8}")
    assert _failure(tree.load(IMAGES + "model:\n  file: tiny.pt\n" + wrong_stride), store) == (
        f"{path}: the lesson gives layer 'blobs' (late) stride 8, but its map has 4 image "
        "pixels per cell"
    )
    missing = TINY_LAYERS.replace("node: late", "node: middle")
    assert _failure(tree.load(IMAGES + "model:\n  file: tiny.pt\n" + missing), store) == (
        f"{path}: layer 'blobs' names 'middle', but the model returns early, late"
    )
    message = _failure(tree.load(IMAGES + "model:\n  file: classifier.pt\n" + TINY_LAYERS), store)
    assert message.startswith(
        f"{tree.datasets / 'classifier.pt'}: layer 'edges' names 'early', which is neither a key "
        "of a dict the model returns"
    )
    assert "torchvision's create_feature_extractor makes one" in message


def test_a_model_file_has_no_untrained_version(
    tree: LessonTree, store: FeatureStore, tiny: _Tiny
) -> None:
    _save_script(_TinyFeatures(tiny), tree.datasets / "tiny.pt")
    lesson = tree.load(IMAGES + "model:\n  file: tiny.pt\n" + TINY_LAYERS)
    (result,) = prepare(requests_for_lesson(lesson), store, untrained=True).results
    assert result.failure is not None
    assert result.failure.message == (
        "tiny.pt is a whole model in a file: it has no untrained version (only architectures "
        "of the registry do)"
    )
