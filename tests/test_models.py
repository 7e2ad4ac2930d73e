"""Layer table, weights names and weights resolution (cache, files, refusals, no downloads)."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from classroom import hashing, models


def test_layer_table_maps_stages_to_torchvision_nodes_and_strides() -> None:
    table = {name: (models.layer_node(name), models.layer_stride(name)) for name in models.LAYERS}
    assert table == {
        "conv1": ("relu", 2),
        "conv2_x": ("layer1", 4),
        "conv3_x": ("layer2", 8),
        "conv4_x": ("layer3", 16),
        "conv5_x": ("layer4", 32),
    }


def test_unknown_layer_is_refused_with_the_known_names() -> None:
    with pytest.raises(ValueError, match=r"unknown layer 'pool5'.*conv1, conv2_x"):
        models.layer_stride("pool5")


@pytest.mark.parametrize(
    ("architecture", "name"),
    [
        ("resnet101", "imagenet"),
        ("resnet101", "untrained"),
        ("resnet101", "IMAGENET1K_V1"),
        ("resnet50", "IMAGENET1K_V2"),
        ("resnet18", "DEFAULT"),
    ],
)
def test_valid_weights_names_are_accepted(architecture: str, name: str) -> None:
    models.validate_weights_name(architecture, name)


def test_weights_name_of_another_architecture_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown weights 'IMAGENET1K_V2' for resnet18") as caught:
        models.validate_weights_name("resnet18", "IMAGENET1K_V2")
    assert "imagenet, untrained, IMAGENET1K_V1" in str(caught.value)


@pytest.mark.parametrize("name", ["imagenet", "untrained"])
def test_unknown_architecture_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown model 'vgg16'; the models are resnet18"):
        models.validate_weights_name("vgg16", name)


def test_hub_path_is_torchvisions_file_name_under_torch_home(tmp_path: Path) -> None:
    expected = Path(os.environ["TORCH_HOME"]) / "hub" / "checkpoints" / "resnet101-cd907fc2.pth"
    assert models.hub_checkpoint_path("resnet101") == expected
    assert models.hub_checkpoint_path("resnet101", "IMAGENET1K_V1").name == "resnet101-63fe2227.pth"


def test_nothing_downloads_and_the_message_says_what_to_do() -> None:
    """An empty TORCH_HOME and a closed network: the download fails, nothing is fetched."""
    expected = models.hub_checkpoint_path("resnet101")
    with pytest.raises(models.WeightsUnavailableError) as caught:
        models.resolve_weights("resnet101", "imagenet")
    message = str(caught.value)
    assert f"Expected file: {expected}" in message
    assert "https://download.pytorch.org/models/resnet101-cd907fc2.pth" in message
    assert "the download failed" in message
    assert "--untrained" in message
    assert "--weights-file" in message
    assert not expected.exists()
    assert not any(expected.parent.iterdir()), "a partial download was left behind"


def test_download_can_be_switched_off() -> None:
    with pytest.raises(models.WeightsUnavailableError, match="downloading is switched off"):
        models.resolve_weights("resnet50", "IMAGENET1K_V1", download=False)


def test_weights_in_the_hub_cache_are_found_and_identified_by_their_hash(
    resnet18_weights_file: Path,
) -> None:
    cached = models.hub_checkpoint_path("resnet18")
    cached.parent.mkdir(parents=True)
    shutil.copyfile(resnet18_weights_file, cached)

    resolved = models.resolve_weights("resnet18", "imagenet")

    digest = hashlib.sha256(cached.read_bytes()).hexdigest()
    assert resolved.file == cached
    assert resolved.identity == models.WeightsIdentity(
        f"sha256:{digest}", "ImageNet (IMAGENET1K_V1)", untrained=False
    )


def test_a_weights_file_replaces_the_pretrained_source(resnet18_weights_file: Path) -> None:
    resolved = models.resolve_weights("resnet18", "imagenet", weights_file=resnet18_weights_file)
    assert resolved.file == resnet18_weights_file
    assert resolved.identity.label == "seeded-resnet18.pth"
    assert resolved.identity.weights_id == "sha256:" + hashing.file_sha256(resnet18_weights_file)


def test_untrained_weights_are_named_as_such_even_with_a_weights_file(
    resnet18_weights_file: Path,
) -> None:
    resolved = models.resolve_weights("resnet18", "untrained", weights_file=resnet18_weights_file)
    assert resolved.file is None
    assert resolved.identity == models.WeightsIdentity(
        "untrained:seed=0", "untrained (seed 0)", untrained=True
    )


def test_a_missing_weights_file_is_named() -> None:
    missing = Path("/nonexistent/weights.pth")
    with pytest.raises(models.WeightsFileError, match=r"/nonexistent/weights.pth: cannot be read"):
        models.resolve_weights("resnet18", weights_file=missing)


def test_untrained_models_are_seeded_and_leave_the_global_rng_alone() -> None:
    torch.manual_seed(99)
    expected_next = torch.rand(3)
    torch.manual_seed(99)
    first = models.build_model(models.untrained_weights("resnet18"))
    assert torch.equal(torch.rand(3), expected_next)
    second = models.build_model(models.untrained_weights("resnet18"))
    other_seed = models.build_model(models.untrained_weights("resnet18", seed=1))

    assert not first.training
    for (name, value), same in zip(
        first.state_dict().items(), second.state_dict().values(), strict=True
    ):
        assert torch.equal(value, same), name
    assert not torch.equal(
        first.state_dict()["conv1.weight"], other_seed.state_dict()["conv1.weight"]
    )


def test_a_weights_file_loads_into_the_model_exactly(
    resnet18_weights_file: Path, resnet18_seeded: nn.Module
) -> None:
    model = models.build_model(
        models.resolve_weights("resnet18", weights_file=resnet18_weights_file)
    )
    assert not model.training
    loaded = model.state_dict()
    for name, value in resnet18_seeded.state_dict().items():
        assert torch.equal(loaded[name], value), name


def test_old_checkpoints_without_batchnorm_counters_load(
    tmp_path: Path, resnet18_seeded: nn.Module
) -> None:
    state = {
        key: value
        for key, value in resnet18_seeded.state_dict().items()
        if not key.endswith("num_batches_tracked")
    }
    path = tmp_path / "old.pth"
    torch.save(state, path)
    model = models.build_model(models.resolve_weights("resnet18", weights_file=path))
    assert torch.equal(model.state_dict()["fc.weight"], resnet18_seeded.state_dict()["fc.weight"])


class _NotATensor:
    """Pickled into a weights file to show that weights_only refuses arbitrary objects."""


def _save(path: Path, content: object) -> Path:
    torch.save(content, path)
    return path


_NOT_STATE_DICTS: dict[str, tuple[object, str]] = {
    "tensor": (torch.zeros(3), "holds a Tensor, not a state dict"),
    "list": ([torch.zeros(3)], "holds a list, not a state dict"),
    "non-tensor value": ({"conv1.weight": 3}, "entries conv1.weight are not tensors"),
    "checkpoint": (
        {"epoch": torch.tensor(3), "model": {"w": torch.zeros(1)}},
        "a training checkpoint keeps the state dict under one of its keys",
    ),
    "object": (_NotATensor(), r"holds the Python object [\w.]*_NotATensor, and only tensors"),
    **{
        f"random bytes {seed}": (
            np.random.default_rng(seed).bytes(4096),
            "is not a PyTorch state dict file",
        )
        for seed in range(8)
    },
    "plain pickle": (pickle.dumps({"a": 1}, protocol=2), "cannot be loaded as weights"),
    "empty file": (b"", "cannot be loaded as weights"),
}


@pytest.mark.parametrize("kind", list(_NOT_STATE_DICTS))
def test_files_that_are_not_state_dicts_are_refused(tmp_path: Path, kind: str) -> None:
    content, expected = _NOT_STATE_DICTS[kind]
    path = tmp_path / "bad.pth"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        _save(path, content)
    with pytest.raises(models.WeightsFileError, match=expected) as caught:
        models.build_model(models.resolve_weights("resnet18", weights_file=path))
    assert str(caught.value).startswith(f"{path}: ")
    assert "torch.save(model.state_dict(), path)" in str(caught.value)


def test_a_state_dict_of_another_architecture_is_refused_with_the_keys(
    tmp_path: Path,
) -> None:
    with torch.device("meta"):
        resnet50 = torchvision.models.resnet50()
    state = {key: torch.zeros(value.shape) for key, value in resnet50.state_dict().items()}
    path = _save(tmp_path / "resnet50.pth", state)

    with pytest.raises(models.WeightsFileError) as caught:
        models.load_state_dict(path, "resnet18")
    message = str(caught.value)
    assert message.startswith(f"{path}: is not a resnet18 state dict (")
    assert "unexpected keys: layer1.0.conv3.weight" in message
    assert "other shapes: layer1.0.conv1.weight (64, 64, 1, 1) instead of (64, 64, 3, 3)" in message
    assert "in all)" in message


def test_a_missing_parameter_is_named(tmp_path: Path, resnet18_seeded: nn.Module) -> None:
    state = dict(resnet18_seeded.state_dict())
    del state["layer2.1.bn2.running_var"]
    path = _save(tmp_path / "incomplete.pth", state)
    with pytest.raises(models.WeightsFileError, match=r"missing keys: layer2\.1\.bn2\.running_var"):
        models.load_state_dict(path, "resnet18")


def test_dataparallel_prefixes_get_a_hint(tmp_path: Path, resnet18_seeded: nn.Module) -> None:
    state = {f"module.{key}": value for key, value in resnet18_seeded.state_dict().items()}
    path = _save(tmp_path / "parallel.pth", state)
    with pytest.raises(models.WeightsFileError, match=r"save model\.module\.state_dict\(\)"):
        models.load_state_dict(path, "resnet18")


def test_file_hashes_follow_changes_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"first")
    first = hashing.file_sha256(path)
    path.write_bytes(b"second version")
    assert first == hashlib.sha256(b"first").hexdigest()
    assert hashing.file_sha256(path) == hashlib.sha256(b"second version").hexdigest()
