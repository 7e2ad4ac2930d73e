"""The trained networks' modules: any image size, class maps, seeded untrained weights."""

from __future__ import annotations

import pytest
import torch

from classroom.trained.architectures import TrainedCNN, build_network, untrained_network
from classroom.trained.specs import DIGITS, NETWORKS, SHAPES, TrainedNetwork


@pytest.mark.parametrize("network", NETWORKS.values(), ids=NETWORKS)
def test_any_image_size_gives_logits_for_every_class(network: TrainedNetwork) -> None:
    model = untrained_network(network)
    for side in (network.min_side, network.min_side + 7, 2 * network.min_side + 1):
        with torch.inference_mode():
            logits = model(torch.rand(2, 3, side, side + 11))
        assert logits.shape == (2, len(network.class_names))


def test_blocks_are_named_as_the_layers() -> None:
    model = untrained_network(SHAPES)
    assert model.block_names == tuple(layer.name for layer in SHAPES.layers)
    for layer in SHAPES.layers:
        convolutions = [m for m in getattr(model, layer.name) if isinstance(m, torch.nn.Conv2d)]
        assert convolutions[-1].out_channels == layer.channels


def test_class_maps_average_to_the_logits_and_pooled_features_feed_the_classifier() -> None:
    model = untrained_network(SHAPES, seed=3)
    images = torch.rand(2, 3, 101, 96)
    with torch.inference_mode():
        maps = model.class_maps(images)
        logits = model(images)
        pooled = model.pooled_features(images)
        last = model.feature_maps(images)["block4"]
        classified = model.classifier(pooled)
    assert maps.shape == (2, 5, 13, 12)
    torch.testing.assert_close(maps.mean(dim=(2, 3)), logits)
    torch.testing.assert_close(pooled, last.mean(dim=(2, 3)))
    torch.testing.assert_close(classified, logits)


def test_untrained_weights_follow_the_seed_and_leave_torch_random_state_alone() -> None:
    torch.manual_seed(42)
    expected_next = torch.rand(1)
    torch.manual_seed(42)
    first = untrained_network(DIGITS, seed=5)
    assert torch.equal(torch.rand(1), expected_next)
    again = untrained_network(DIGITS, seed=5)
    other = untrained_network(DIGITS, seed=6)
    weight = "block2.conv1.weight"
    assert torch.equal(first.state_dict()[weight], again.state_dict()[weight])
    assert not torch.equal(first.state_dict()[weight], other.state_dict()[weight])
    assert not first.training


def test_a_built_network_is_fresh_and_in_training_mode() -> None:
    model = build_network("digits")
    assert isinstance(model, TrainedCNN)
    assert model.training
    assert model.spec is DIGITS
