"""Weights files that are not safe, complete state dicts of the architecture: refused by name.

Each bad file is built on the fly. Loading it raises a WeightsFileError that names the file and
the problem; preparing with it reports that same message for the request; and a good weights
file still prepares in the same process afterwards. Pickles that would run code are refused by
``weights_only`` loading without running anything.
"""

from __future__ import annotations

import os
import pickle
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from torch import nn

from classroom import networks
from classroom.preparation import PrepareRequest, prepare
from classroom.store import FeatureStore
from tests.conftest import picture

HOW_TO_SAVE = "Save weights with torch.save(model.state_dict(), path)."
State = dict[str, torch.Tensor]


class _NotATensor:
    """Pickled into a weights file to show that weights_only refuses arbitrary objects."""


class _RunsCode:
    """Unpickling this with plain ``pickle`` would run a shell command that creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def _saved(content: object) -> Callable[[Path, State], None]:
    def write(path: Path, state: State) -> None:
        torch.save(content, path)

    return write


def _raw(content: bytes) -> Callable[[Path, State], None]:
    def write(path: Path, state: State) -> None:
        path.write_bytes(content)

    return write


def _changed(change: Callable[[State], State]) -> Callable[[Path, State], None]:
    def write(path: Path, state: State) -> None:
        torch.save(change(dict(state)), path)

    return write


def _cut(keep: Callable[[int], int]) -> Callable[[Path, State], None]:
    """The good state dict, saved and then cut off after ``keep(size)`` bytes."""

    def write(path: Path, state: State) -> None:
        torch.save(state, path)
        data = path.read_bytes()
        path.write_bytes(data[: keep(len(data))])

    return write


def _zip_of_text(path: Path, state: State) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "not weights")


def _without(key: str) -> Callable[[State], State]:
    def change(state: State) -> State:
        del state[key]
        return state

    return change


def _poisoned(state: State) -> State:
    state["layer3.0.conv2.weight"] = state["layer3.0.conv2.weight"].clone()
    state["layer3.0.conv2.weight"][0, 0, 0, 0] = float("nan")
    state["fc.bias"] = torch.full_like(state["fc.bias"], float("inf"))
    return state


def _resnet50_state(state: State) -> State:
    with torch.device("meta"):
        resnet50 = torchvision.models.resnet50()
    return {key: torch.zeros(value.shape) for key, value in resnet50.state_dict().items()}


_LOAD_FAILED = "cannot be loaded as weights: "
_NOT_A_FILE = f"{_LOAD_FAILED}it is not a PyTorch state dict file"

#: A bad weights file, and a pattern its problem (after "<file>: ") must match.
BAD_WEIGHTS: dict[str, tuple[Callable[[Path, State], None], str]] = {
    "empty file": (_raw(b""), _NOT_A_FILE),
    "text": (_raw(b"These are the weights we trained last week.\n"), _NOT_A_FILE),
    **{
        f"random bytes {seed}": (_raw(np.random.default_rng(seed).bytes(4096)), _NOT_A_FILE)
        for seed in range(4)
    },
    "a zip that is not a torch archive": (_zip_of_text, _NOT_A_FILE),
    "plain pickle": (_raw(pickle.dumps({"a": 1}, protocol=2)), _LOAD_FAILED),
    "truncated to half": (_cut(lambda n: n // 2), f"{_LOAD_FAILED}the file is incomplete"),
    "last bytes missing": (_cut(lambda n: n - 10), f"{_LOAD_FAILED}the file is incomplete"),
    "only the beginning": (_cut(lambda _: 100), f"{_LOAD_FAILED}the file is incomplete"),
    "a tensor": (_saved(torch.zeros(3)), "holds a Tensor, not a state dict"),
    "a list": (_saved([torch.zeros(3)]), "holds a list, not a state dict"),
    "a number among tensors": (_saved({"conv1.weight": 3}), "entries conv1.weight are not"),
    "a training checkpoint": (
        _saved({"epoch": torch.tensor(3), "model": {"w": torch.zeros(1)}}),
        "a training checkpoint keeps the state dict under one of its keys",
    ),
    "a Python object": (
        _saved(_NotATensor()),
        r"holds the Python object [\w.]*_NotATensor, and only tensors are loaded, for safety",
    ),
    "another architecture": (
        _changed(_resnet50_state),
        r"is not a resnet18 state dict \(unexpected keys: layer1\.0\.conv3\.weight",
    ),
    "a missing parameter": (
        _changed(_without("layer2.1.bn2.running_var")),
        r"missing keys: layer2\.1\.bn2\.running_var",
    ),
    "saved from DataParallel": (
        _changed(lambda state: {f"module.{key}": value for key, value in state.items()}),
        r"The keys start with 'module\.' \(saved from DataParallel\): save "
        r"model\.module\.state_dict\(\) instead",
    ),
    # fc.bias is poisoned too, but the classifier computes no feature: it is not blamed
    # (torchvision's VGG-16 IMAGENET1K_FEATURES weights have no classifier at all: NaN).
    "NaN and infinity": (
        _changed(_poisoned),
        r"holds NaN or infinite values \(in layer3\.0\.conv2\.weight\), so every "
        r"feature map would be too",
    ),
}


@pytest.fixture(scope="module")
def seeded_state(resnet18_seeded: nn.Module) -> State:
    return dict(resnet18_seeded.state_dict())


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scene") / "scene.png"
    Image.fromarray(picture(64, 48, seed=2)).save(path)
    return path


def _request(image: Path) -> PrepareRequest:
    return PrepareRequest(image, "resnet18", "imagenet", ("conv2_x", "conv3_x"), max_side=64)


@pytest.mark.parametrize("kind", BAD_WEIGHTS)
def test_bad_weights_are_refused_by_name_and_good_ones_still_prepare(
    tmp_path: Path,
    seeded_state: State,
    resnet18_weights_file: Path,
    scene: Path,
    kind: str,
) -> None:
    write, problem = BAD_WEIGHTS[kind]
    path = tmp_path / "weights.pth"
    write(path, seeded_state)

    with pytest.raises(networks.WeightsFileError) as caught:
        networks.build_model(networks.resolve_weights("resnet18", weights_file=path))
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert re.search(problem, message), message
    if _LOAD_FAILED in message:
        assert message.endswith(HOW_TO_SAVE)

    feature_store = FeatureStore(tmp_path / "store")
    (failed,) = prepare([_request(scene)], feature_store, weights_file=path).results
    assert failed.error == message
    assert list(feature_store.features_dir.glob("*")) == []

    (good,) = prepare([_request(scene)], feature_store, weights_file=resnet18_weights_file).results
    assert good.error is None
    assert good.prepared == ("conv2_x", "conv3_x")


_REFUSED_GLOBAL = "it holds the Python object posix.system, and only tensors are loaded, for safety"


@pytest.mark.parametrize(
    ("form", "detail"),
    [
        ("torch.save", _REFUSED_GLOBAL),
        ("pickle protocol 2", _REFUSED_GLOBAL),
        ("pickle protocol 5", "it is not a PyTorch state dict file"),
    ],
)
def test_a_pickle_that_would_run_code_is_refused_without_running_it(
    tmp_path: Path, scene: Path, form: str, detail: str
) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "weights.pth"
    if form == "torch.save":
        torch.save({"conv1.weight": _RunsCode(marker)}, path)
    else:
        path.write_bytes(pickle.dumps(_RunsCode(marker), protocol=int(form[-1])))

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor does torch ask the user to "file an issue"
        with pytest.raises(networks.WeightsFileError) as caught:
            networks.load_state_dict(path, "resnet18")
    (result,) = prepare(
        [_request(scene)], FeatureStore(tmp_path / "store"), weights_file=path
    ).results

    message = str(caught.value)
    assert message.startswith(f"{path}: cannot be loaded as weights: {detail}")
    assert result.error == message
    assert not marker.exists(), "unpickling ran the command"


def test_weights_whose_features_overflow_are_blamed_with_the_file_and_image(
    tmp_path: Path, seeded_state: State, scene: Path
) -> None:
    """Finite weights can still make infinite features; nothing is stored, the file is named."""
    state = dict(seeded_state)
    state["bn1.weight"] = torch.full_like(state["bn1.weight"], 3e38)
    path = tmp_path / "exploding.pth"
    torch.save(state, path)
    feature_store = FeatureStore(tmp_path / "store")

    (result,) = prepare([_request(scene)], feature_store, weights_file=path).results

    assert result.error == (
        f"{path}: these ResNet-18 weights give NaN or infinite values at conv2_x for {scene}, "
        "so nothing was stored. The weights are broken (saved from a training run that "
        "diverged?); use other weights."
    )
    assert list(feature_store.features_dir.glob("*.cfm")) == []


def test_a_missing_weights_file_is_named() -> None:
    missing = Path("/nonexistent/weights.pth")
    with pytest.raises(
        networks.WeightsFileError,
        match=r"^/nonexistent/weights.pth: cannot be read \(No such file or directory\)$",
    ):
        networks.resolve_weights("resnet18", weights_file=missing)


def test_another_architecture_is_explained_key_by_key(tmp_path: Path, seeded_state: State) -> None:
    path = tmp_path / "resnet50.pth"
    torch.save(_resnet50_state(seeded_state), path)
    with pytest.raises(networks.WeightsFileError) as caught:
        networks.load_state_dict(path, "resnet18")
    message = str(caught.value)
    assert "unexpected keys: layer1.0.conv3.weight" in message
    assert "other shapes: layer1.0.conv1.weight (64, 64, 1, 1) instead of (64, 64, 3, 3)" in message
    assert "in all)" in message
