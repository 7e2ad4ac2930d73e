"""Weights names and weights resolution: the hub cache, files, refusals, downloads."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
from pathlib import Path

import pytest
import torch
from torch import nn

from classroom import hashing, networks


@pytest.mark.parametrize(
    ("architecture", "name"),
    [
        ("resnet101", "imagenet"),
        ("resnet101", "untrained"),
        ("resnet101", "IMAGENET1K_V1"),
        ("resnet50", "IMAGENET1K_V2"),
        ("resnet18", "DEFAULT"),
        ("vgg16", "IMAGENET1K_FEATURES"),
        ("mobilenet_v3_large", "IMAGENET1K_V2"),
        ("resnet50", "models/pets.pth"),
    ],
)
def test_valid_weights_names_are_accepted(architecture: str, name: str) -> None:
    networks.validate_weights_name(architecture, name)


def test_weights_name_of_another_architecture_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown weights 'IMAGENET1K_V2' for resnet18") as caught:
        networks.validate_weights_name("resnet18", "IMAGENET1K_V2")
    assert "imagenet, untrained, IMAGENET1K_V1" in str(caught.value)


@pytest.mark.parametrize("name", ["imagenet", "untrained"])
def test_unknown_architecture_is_refused(name: str) -> None:
    expected = r"unknown model 'densenet-121' — did you mean 'densenet121'\? \(the models: resnet18"
    with pytest.raises(ValueError, match=expected):
        networks.validate_weights_name("densenet-121", name)


def test_hub_path_is_torchvisions_file_name_under_torch_home(tmp_path: Path) -> None:
    expected = Path(os.environ["TORCH_HOME"]) / "hub" / "checkpoints" / "resnet101-cd907fc2.pth"
    assert networks.hub_checkpoint_path("resnet101") == expected
    first = networks.hub_checkpoint_path("resnet101", "IMAGENET1K_V1")
    assert first.name == "resnet101-63fe2227.pth"


REFUSED = "[Errno -2] tests must not use the network (download.pytorch.org)"


def test_a_failed_download_is_explained_and_leaves_nothing_behind(
    refused_hosts: list[str],
) -> None:
    """An empty TORCH_HOME and a closed network: the download is tried and fails."""
    expected = networks.hub_checkpoint_path("resnet101")
    with pytest.raises(networks.WeightsUnavailableError) as caught:
        networks.resolve_weights("resnet101", "imagenet")
    message = str(caught.value)
    assert refused_hosts == ["download.pytorch.org"], "the download was tried"
    assert caught.value.download_failed
    assert message.startswith(
        "The pretrained resnet101 weights (IMAGENET1K_V2) are not available: the download "
        f"from download.pytorch.org failed ({REFUSED}).\n"
    )
    assert f"Expected file: {expected}" in message
    assert "https://download.pytorch.org/models/resnet101-cd907fc2.pth" in message
    assert "--untrained" in message
    assert "--weights-file PATH" in message
    assert "`classroom run` and `classroom prepare`" in message, "advice true for both commands"
    assert not expected.exists()
    assert not any(expected.parent.iterdir()), "a partial download was left behind"


def test_a_download_is_tried_once_per_process_and_announced(refused_hosts: list[str]) -> None:
    notes: list[str] = []
    for _ in range(3):
        with pytest.raises(networks.WeightsUnavailableError, match=re.escape(REFUSED)):
            networks.resolve_weights("resnet18", "imagenet", on_download=notes.append)

    assert refused_hosts == ["download.pytorch.org"], "tried once, not once per call"
    assert notes == [
        "Downloading the pretrained ResNet-18 weights (IMAGENET1K_V1, about 45 MB) "
        "from download.pytorch.org…"
    ]
    # Callers that may not download (a page render) learn why the weights are missing.
    with pytest.raises(networks.WeightsUnavailableError, match=re.escape(REFUSED)) as caught:
        networks.resolve_weights("resnet18", "IMAGENET1K_V1", download=False)
    assert caught.value.download_failed
    # Other weights are other files: each gets its own attempt.
    with pytest.raises(networks.WeightsUnavailableError):
        networks.resolve_weights("resnet34", "imagenet")
    assert refused_hosts == ["download.pytorch.org"] * 2


def test_the_hub_directory_is_torchs_own(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The hub cache is found without importing torch, exactly where torch looks."""
    import torch.hub

    assert networks.weights.hub_dir() == Path(torch.hub.get_dir())
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert networks.weights.hub_dir() == Path(torch.hub.get_dir()) == tmp_path / "torch" / "hub"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert networks.weights.hub_dir() == Path(torch.hub.get_dir())


def test_the_download_note_names_the_network_weights_size_and_host() -> None:
    assert networks.download_note("resnet101") == (
        "Downloading the pretrained ResNet-101 weights (IMAGENET1K_V2, about 171 MB) "
        "from download.pytorch.org…"
    )
    assert "(IMAGENET1K_V1, about 171 MB)" in networks.download_note("resnet101", "IMAGENET1K_V1")


def test_download_can_be_switched_off(refused_hosts: list[str]) -> None:
    with pytest.raises(
        networks.WeightsUnavailableError, match="downloading is switched off"
    ) as caught:
        networks.resolve_weights("resnet50", "IMAGENET1K_V1", download=False)
    assert not caught.value.download_failed, "a caller that may download can still try"
    assert refused_hosts == []


def test_weights_in_the_hub_cache_are_found_and_identified_by_their_hash(
    resnet18_weights_file: Path,
) -> None:
    cached = networks.hub_checkpoint_path("resnet18")
    cached.parent.mkdir(parents=True)
    shutil.copyfile(resnet18_weights_file, cached)

    resolved = networks.resolve_weights("resnet18", "imagenet")

    digest = hashlib.sha256(cached.read_bytes()).hexdigest()
    assert resolved.file == cached
    assert resolved.identity == networks.WeightsIdentity(
        f"sha256:{digest}", "ImageNet (IMAGENET1K_V1)", untrained=False
    )


def test_a_weights_file_replaces_the_pretrained_source(resnet18_weights_file: Path) -> None:
    resolved = networks.resolve_weights("resnet18", "imagenet", weights_file=resnet18_weights_file)
    assert resolved.file == resnet18_weights_file
    assert resolved.identity.label == "seeded-resnet18.pth"
    assert resolved.identity.weights_id == "sha256:" + hashing.file_sha256(resnet18_weights_file)


def test_untrained_weights_are_named_as_such_even_with_a_weights_file(
    resnet18_weights_file: Path,
) -> None:
    resolved = networks.resolve_weights("resnet18", "untrained", weights_file=resnet18_weights_file)
    assert resolved.file is None
    torch_version = importlib.metadata.version("torch")
    vision_version = importlib.metadata.version("torchvision")
    assert resolved.identity == networks.WeightsIdentity(
        f"untrained:seed=0:torch={torch_version}:torchvision={vision_version}",
        "untrained (seed 0)",
        untrained=True,
    )


def test_untrained_models_are_seeded_and_leave_the_global_rng_alone() -> None:
    torch.manual_seed(99)
    expected_next = torch.rand(3)
    torch.manual_seed(99)
    first = networks.build_model(networks.untrained_weights("resnet18"))
    assert torch.equal(torch.rand(3), expected_next)
    second = networks.build_model(networks.untrained_weights("resnet18"))
    other_seed = networks.build_model(networks.untrained_weights("resnet18", seed=1))

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
    model = networks.build_model(
        networks.resolve_weights("resnet18", weights_file=resnet18_weights_file)
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
    model = networks.build_model(networks.resolve_weights("resnet18", weights_file=path))
    assert torch.equal(model.state_dict()["fc.weight"], resnet18_seeded.state_dict()["fc.weight"])


# Weights files that are not state dicts of the architecture: see test_bad_weights.py.


def test_file_hashes_follow_changes_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"first")
    first = hashing.file_sha256(path)
    path.write_bytes(b"second version")
    assert first == hashlib.sha256(b"first").hexdigest()
    assert hashing.file_sha256(path) == hashlib.sha256(b"second version").hexdigest()
