"""Feature extraction: shapes, the weights' own preprocessing, exact reproduction, refusals.

Every architecture's grids are checked against torch in tests/test_network_geometry.py; here
one small network shows what extraction itself does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from classroom import networks
from classroom.extraction import FeatureExtractor
from classroom.networks import LoadedNetwork
from classroom.networks.base import IMAGENET_MEAN, IMAGENET_STD
from tests.conftest import loaded, picture

RESNET_LAYERS = networks.architecture("resnet18").layer_names


def test_all_layers_have_their_strides_and_channels(resnet18_untrained: LoadedNetwork) -> None:
    extractor = FeatureExtractor(resnet18_untrained, list(RESNET_LAYERS))
    maps = extractor(Image.fromarray(picture(97, 75)))
    shapes = {layer: feature_map.shape for layer, feature_map in maps.items()}
    assert shapes == {
        "conv1": (38, 49, 64),
        "conv2_x": (19, 25, 64),
        "conv3_x": (10, 13, 128),
        "conv4_x": (5, 7, 256),
        "conv5_x": (3, 4, 512),
    }
    assert all(feature_map.dtype == np.float32 for feature_map in maps.values())
    # Stage outputs end in a ReLU.
    assert all(feature_map.min() >= 0 for feature_map in maps.values())


def test_only_the_requested_layers_are_returned_and_computed(
    resnet18_untrained: LoadedNetwork,
) -> None:
    extractor = FeatureExtractor(resnet18_untrained, ["conv3_x", "conv2_x", "conv3_x"])
    assert extractor.layers == ("conv3_x", "conv2_x")
    assert set(extractor(Image.fromarray(picture(64, 48)))) == {"conv3_x", "conv2_x"}
    # The traced graph stops at the deepest requested layer.
    graph: Any = extractor._graph  # an fx GraphModule
    submodules = {name for name, _ in graph.named_children()}
    assert {"layer1", "layer2"} <= submodules
    assert not submodules & {"layer3", "layer4", "avgpool", "fc"}


def test_preprocessing_is_the_weights_own_normalisation() -> None:
    """The VGG-16 features-only weights were trained on 0-255 pixels minus the mean: they get it."""
    weights = networks.resolve_weights(
        "vgg16",
        "IMAGENET1K_FEATURES",
        weights_file=Path(__file__),  # identity only
    )
    assert weights.mean == (0.48235, 0.45882, 0.40784)
    assert weights.std == (1 / 255, 1 / 255, 1 / 255)
    assert networks.untrained_weights("vgg16").mean == IMAGENET_MEAN


def test_features_match_the_plain_torchvision_forward_pass(
    resnet18_untrained: LoadedNetwork,
) -> None:
    """No resize, no crop: exactly the network's layer outputs for the normalised picture."""
    pixels = picture(80, 56)
    maps = FeatureExtractor(resnet18_untrained, ["conv3_x"])(Image.fromarray(pixels))

    tensor = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255
    mean, std = (
        torch.tensor(IMAGENET_MEAN)[:, None, None],
        torch.tensor(IMAGENET_STD)[:, None, None],
    )
    model: Any = resnet18_untrained.model  # a torchvision ResNet: nn.Module does not type them
    with torch.inference_mode():
        x = ((tensor - mean) / std)[None]
        x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        expected = model.layer2(model.layer1(x))[0].permute(1, 2, 0).numpy()
    np.testing.assert_allclose(maps["conv3_x"], expected, rtol=1e-5, atol=1e-5)


def test_a_weights_file_reproduces_the_models_features_exactly(
    resnet18_weights_file: Path, resnet18_seeded: nn.Module
) -> None:
    image = Image.fromarray(picture(96, 64, seed=3))
    layers = ["conv2_x", "conv4_x"]
    original = FeatureExtractor(loaded(resnet18_seeded, "resnet18"), layers)(image)

    weights = networks.resolve_weights("resnet18", weights_file=resnet18_weights_file)
    reloaded = FeatureExtractor(networks.build_network(weights), layers)(image)

    for layer in layers:
        assert np.array_equal(original[layer], reloaded[layer]), layer


def test_tracing_never_switches_the_shared_network_to_training_mode(
    resnet18_untrained: LoadedNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torchvision traces a graph in training mode too. The page and the worker share one
    network: a forward pass, or a technique's private copy, taken while its batch-norm layers
    were in training mode used the batch's statistics (a fresh-clone run ranked the shapes
    network's second and third classes the other way round) and overwrote the running ones."""
    model = resnet18_untrained.model
    shared = {id(module) for module in model.modules()}
    switched: list[str] = []
    original_train = nn.Module.train

    def recording_train(self: nn.Module, mode: bool = True) -> nn.Module:
        if mode and id(self) in shared:
            switched.append(type(self).__name__)
        return original_train(self, mode)

    monkeypatch.setattr(nn.Module, "train", recording_train)
    extractor = FeatureExtractor(resnet18_untrained, ["conv1", "conv5_x"])
    assert not switched, f"the shared network was switched to training mode: {switched[:3]}"
    assert not model.training
    before = extractor(Image.fromarray(picture(64, 48)))
    # The traced graph still runs on the network's own tensors: a change to a weight shows.
    first = model.get_submodule("conv1")
    assert isinstance(first, nn.Conv2d)
    with torch.no_grad():
        first.weight.mul_(2)
    after = extractor(Image.fromarray(picture(64, 48)))
    np.testing.assert_allclose(after["conv1"], 2 * before["conv1"], rtol=1e-5, atol=1e-5)


def test_pictures_must_be_rgb(resnet18_untrained: LoadedNetwork) -> None:
    extractor = FeatureExtractor(resnet18_untrained, ["conv2_x"])
    with pytest.raises(ValueError, match="needs an RGB picture, not mode L"):
        extractor(Image.new("L", (64, 64)))


def test_at_least_one_layer(resnet18_untrained: LoadedNetwork) -> None:
    with pytest.raises(ValueError, match="at least one layer"):
        FeatureExtractor(resnet18_untrained, [])


def test_a_layer_the_network_lacks_is_refused(resnet18_untrained: LoadedNetwork) -> None:
    with pytest.raises(ValueError, match="no layer 'block3'; its layers are conv1, conv2_x"):
        FeatureExtractor(resnet18_untrained, ["block3"])


def test_a_grid_that_contradicts_the_registry_is_refused(
    resnet18_untrained: LoadedNetwork,
) -> None:
    """Were torchvision to change a network's padding, nothing would be stored under the
    registry's labels: the registry's rule for conv2_x is altered here instead."""
    import dataclasses

    wrong = dataclasses.replace(resnet18_untrained.layers["conv2_x"], rounding="floor")
    network = dataclasses.replace(
        resnet18_untrained, layers={**resnet18_untrained.layers, "conv2_x": wrong}
    )
    extractor = FeatureExtractor(network, ["conv2_x"])
    with pytest.raises(
        RuntimeError,
        match=r"conv2_x of a 97 x 75 image has a 25 x 19 grid, not "
        r"the 24 x 18 of its rule floor\(n / 4\)",
    ):
        extractor(Image.fromarray(picture(97, 75)))
