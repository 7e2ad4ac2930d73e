"""The trained networks' layer tables: plain data that must describe the networks that run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from classroom.trained.architectures import untrained_network
from classroom.trained.specs import DIGITS, NETWORKS, SHAPES, TrainedNetwork, network_spec

#: Odd and even sides, the minimum included, where ceil and floor differ for some stride.
SIDES = {"shapes": (96, 97, 99, 101, 103, 128, 131, 160), "digits": (32, 33, 35, 37, 40)}


def test_importing_the_tables_needs_no_torch() -> None:
    code = (
        "import sys, classroom.trained.specs as s; "
        "assert s.SHAPES.layers and 'torch' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("network", NETWORKS.values(), ids=NETWORKS)
def test_default_layers_are_early_middle_late(network: TrainedNetwork) -> None:
    names = [layer.name for layer in network.layers]
    early, middle, late = (names.index(name) for name in network.default_layers)
    assert early == 0
    assert late == len(names) - 1
    assert early < middle < late


@pytest.mark.parametrize("network", NETWORKS.values(), ids=NETWORKS)
def test_each_layer_grid_follows_its_declared_rule_at_odd_and_even_sizes(
    network: TrainedNetwork,
) -> None:
    model = untrained_network(network)
    for height in SIDES[network.name]:
        width = height + 3  # a non-square image, so rows and columns are both checked
        with torch.inference_mode():
            maps = model.feature_maps(torch.zeros(1, 3, height, width))
        for layer in network.layers:
            assert layer.rounding == "ceil"
            assert tuple(maps[layer.name].shape[1:]) == (
                layer.channels,
                layer.grid_size(height),
                layer.grid_size(width),
            ), (layer.name, height, width)
    # The sizes above tell ceil from floor: a floor rule would have failed somewhere.
    deepest = network.layers[-1].stride
    assert any(side % deepest for side in SIDES[network.name])


def _receptive_field_by_gradient(network: TrainedNetwork, layer: str) -> tuple[int, int, float]:
    """(height, width, centre x) of the input region that changes the middle cell of ``layer``.

    Every weight is made positive, so no ReLU cuts a path, and each max pool becomes an
    average pool of the same geometry (a max pool passes gradient to one pixel per window).
    """
    model = untrained_network(network)
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.constant_(module.weight, 0.01)
        for name, child in module.named_children():
            if isinstance(child, nn.MaxPool2d):
                setattr(module, name, nn.AvgPool2d(2, 2, ceil_mode=True))
    side = 256 if network is SHAPES else 128
    image = torch.ones(1, 3, side, side, requires_grad=True)
    output = model.feature_maps(image)[layer]
    row, column = output.shape[2] // 2, output.shape[3] // 2
    (gradient,) = torch.autograd.grad(output[0, :, row, column].sum(), image)
    touched = gradient[0].abs().sum(0) > 0
    rows = touched.any(1).nonzero().flatten()
    columns = touched.any(0).nonzero().flatten()
    centre = (float(columns[0]) + float(columns[-1]) + 1) / 2
    stride = network.layer(layer).stride
    return int(rows[-1] - rows[0] + 1), int(columns[-1] - columns[0] + 1), centre - column * stride


@pytest.mark.parametrize(
    ("network", "layer"),
    [(network, layer.name) for network in NETWORKS.values() for layer in network.layers],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_receptive_field_size_and_centre_match_the_network(
    network: TrainedNetwork, layer: str
) -> None:
    height, width, centre_offset = _receptive_field_by_gradient(network, layer)
    spec = network.layer(layer)
    assert height == width == spec.receptive_field
    assert centre_offset == spec.centre_offset == spec.stride / 2
    assert spec.jump == spec.stride


def test_the_shapes_network_is_what_the_docs_describe() -> None:
    table = [(layer.name, layer.stride, layer.receptive_field) for layer in SHAPES.layers]
    assert table == [("block1", 1, 3), ("block2", 2, 8), ("block3", 4, 26), ("block4", 8, 78)]
    assert SHAPES.default_layers == ("block1", "block2", "block4")
    assert [(layer.name, layer.stride) for layer in DIGITS.layers] == [
        ("block1", 1),
        ("block2", 2),
        ("block3", 4),
    ]


@pytest.mark.parametrize("network", NETWORKS.values(), ids=NETWORKS)
def test_layer_nodes_are_graph_nodes_of_the_network(network: TrainedNetwork) -> None:
    from torchvision.models.feature_extraction import create_feature_extractor

    model = untrained_network(network)
    nodes = {layer.node: layer.name for layer in network.layers}
    extractor = create_feature_extractor(model, return_nodes=nodes)
    image = torch.rand(1, 3, network.min_side + 5, network.min_side + 1)
    with torch.inference_mode():
        traced, direct = extractor(image), model.feature_maps(image)
    for layer in network.layers:
        torch.testing.assert_close(traced[layer.name], direct[layer.name])


def test_unknown_names_are_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown trained network 'cats'.*shapes, digits"):
        network_spec("cats")
    with pytest.raises(ValueError, match=r"no layer 'block9'.*block1, block2, block3, block4"):
        SHAPES.layer("block9")
    with pytest.raises(ValueError, match="positive"):
        SHAPES.layers[0].grid_size(0)


@pytest.mark.parametrize("network", NETWORKS.values(), ids=NETWORKS)
def test_the_docs_show_the_layer_tables_as_they_are(network: TrainedNetwork) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "trained-networks.md").read_text()
    for layer in network.layers:
        row = (
            f"| `{layer.name}` | `{layer.node}` | {layer.stride} | {layer.receptive_field} | "
            f"{layer.jump} | {layer.rounding}(n / {layer.stride}) | {layer.channels} | "
            f"{layer.shows} |"
        )
        assert row in docs
