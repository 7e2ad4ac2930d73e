"""The network registry: plain data that matches torchvision, imported without torch.

The registry writes down what torchvision's weights enums say (names, URLs, sizes,
normalisation, class names), so that checking a lesson never imports torch. These tests fail
when the two drift apart (a torchvision upgrade with new weights, say).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from classroom import images, networks
from classroom.cli import main
from classroom.networks import registry
from classroom.networks.base import Architecture, NetworkFamily

ARCHITECTURES = [
    (family, architecture) for family in registry.FAMILIES for architecture in family.architectures
]


#: Architectures whose weights are torchvision's (a family may ship weights of its own).
TORCHVISION = [entry for entry in ARCHITECTURES if all(p.url for p in entry[1].pretrained)]


def _id(entry: tuple[NetworkFamily, Architecture]) -> str:
    return entry[1].name


def test_the_families_and_their_architectures() -> None:
    assert registry.ARCHITECTURES == (
        "resnet18",
        "resnet34",
        "resnet50",
        "resnet101",
        "resnet152",
        "vgg16",
        "vgg16_bn",
        "vgg19",
        "vgg19_bn",
        "alexnet",
        "densenet121",
        "convnext_tiny",
        "mobilenet_v3_large",
        "efficientnet_b0",
        "shapes",
        "digits",
    )
    assert registry.DEFAULT_ARCHITECTURE == "resnet101"


@pytest.mark.parametrize("entry", TORCHVISION, ids=_id)
def test_weights_data_matches_torchvisions_enums(
    entry: tuple[NetworkFamily, Architecture],
) -> None:
    from torchvision.models import get_model_weights

    _, architecture = entry
    enum = get_model_weights(architecture.name)
    members = {member.name: member for member in enum}
    assert [pretrained.name for pretrained in architecture.pretrained] == [
        enum.DEFAULT.name,
        *sorted(set(members) - {enum.DEFAULT.name}),
    ], "every member, the DEFAULT one first"
    for pretrained in architecture.pretrained:
        member = members[pretrained.name]
        transforms = member.transforms()
        assert pretrained.url == member.url
        assert pretrained.size_mb == member.meta["_file_size"]
        assert pretrained.mean == pytest.approx(tuple(transforms.mean), abs=1e-12)
        assert pretrained.std == pytest.approx(tuple(transforms.std), abs=1e-12)
        assert list(pretrained.classes) == list(member.meta["categories"] or [])
        assert architecture.num_classes == len(enum.DEFAULT.meta["categories"])


@pytest.mark.parametrize("entry", ARCHITECTURES, ids=_id)
def test_every_layer_is_documented_and_the_defaults_exist(
    entry: tuple[NetworkFamily, Architecture],
) -> None:
    _, architecture = entry
    defaults = registry.default_layers(architecture.name)
    assert len(defaults) == 3
    assert set(defaults) <= set(architecture.layer_names)
    strides = [layer.stride for layer in architecture.layers]
    assert strides == sorted(strides), "layers run from the input upwards"
    for layer in architecture.layers:
        assert layer.receptive_field is not None
        assert layer.centre is not None
        assert layer.shows
        assert layer.jump == layer.stride
        # Every layer has a cell on the smallest image classroom prepares.
        assert layer.min_pixels <= images.MIN_SIDE, layer
        assert layer.cells(images.MIN_SIDE) >= 1


def test_the_weights_names_of_an_architecture() -> None:
    assert networks.architecture("resnet50").weights_names() == (
        "imagenet",
        "untrained",
        "IMAGENET1K_V2",
        "IMAGENET1K_V1",
    )
    vgg = networks.architecture("vgg16")
    assert vgg.weights("imagenet").name == "IMAGENET1K_V1"
    assert vgg.weights("IMAGENET1K_FEATURES").classes == ()
    with pytest.raises(ValueError, match=r"unknown weights 'IMAGENET1K_V2' for vgg16"):
        vgg.weights("IMAGENET1K_V2")


def test_grid_rules_read_as_formulas() -> None:
    rules = {
        (name, layer): networks.layer(name, layer).grid_rule
        for name, layer in [
            ("resnet50", "conv3_x"),
            ("vgg16", "block5"),
            ("alexnet", "conv1"),
            ("densenet121", "denseblock3"),
        ]
    }
    assert rules == {
        ("resnet50", "conv3_x"): "ceil(n / 8)",
        ("vgg16", "block5"): "floor(n / 32)",
        ("alexnet", "conv1"): "floor((n - 3) / 4)",
        ("densenet121", "denseblock3"): "ceil((n - 12) / 16)",
    }


def test_the_registry_imports_no_torch() -> None:
    code = (
        "import sys, classroom.networks, classroom.networks.listing; "
        "print(sorted({'torch', 'torchvision', 'numpy'} & set(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_classroom_models_lists_every_architecture_with_its_layers_and_weights() -> None:
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    for name in registry.ARCHITECTURES:
        assert f"\n  {name}  (" in result.output
    assert "   *conv2_x  stride  4    256 channels  receptive field    35 px" in result.output
    assert (
        "    block5  stride 32    512 channels  receptive field   212 px  grid floor(n / 32)"
        in (result.output)
    )
    assert (
        "    IMAGENET1K_FEATURES (features only: no classifier): 528 MB, not on this machine"
        in (result.output)
    )


def test_classroom_models_says_which_weights_are_on_this_machine() -> None:
    cached = networks.hub_checkpoint_path("alexnet")
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"a file in the hub cache")
    result = CliRunner().invoke(main, ["models", "alexnet", "convnext"])
    assert result.exit_code == 0, result.output
    assert f"    imagenet = IMAGENET1K_V1: 233 MB, on this machine: {cached}" in result.output
    listed = [line.split()[0] for line in result.output.splitlines() if line.startswith("  ")]
    assert listed.count("alexnet") == 1
    assert "convnext_tiny" in listed
    assert "resnet50" not in result.output


def test_classroom_models_refuses_an_unknown_name() -> None:
    result = CliRunner().invoke(main, ["models", "resnet5O"])
    assert result.exit_code == 2
    assert "unknown model 'resnet5O' — did you mean 'resnet50'?" in result.output


def test_the_networks_reference_page_is_current() -> None:
    from classroom.networks.listing import models_markdown
    from tests.conftest import REPO_ROOT

    page = REPO_ROOT / "docs" / "networks.md"
    assert page.read_text(encoding="utf-8") == models_markdown(), (
        "docs/networks.md is stale: run `classroom models --markdown > docs/networks.md`"
    )
