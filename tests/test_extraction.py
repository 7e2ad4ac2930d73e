"""Feature extraction with torchvision's utilities: shapes, preprocessing, exact reproduction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn
from torchvision.models import get_model_weights

from classroom import models
from classroom.extraction import IMAGENET_MEAN, IMAGENET_STD, FeatureExtractor
from tests.conftest import picture


def test_all_layers_have_their_strides_and_channels(resnet18_untrained: nn.Module) -> None:
    extractor = FeatureExtractor(resnet18_untrained, list(models.LAYERS))
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
    resnet18_untrained: nn.Module,
) -> None:
    extractor = FeatureExtractor(resnet18_untrained, ["conv3_x", "conv2_x", "conv3_x"])
    assert extractor.layers == ("conv3_x", "conv2_x")
    assert set(extractor(Image.fromarray(picture(64, 48)))) == {"conv3_x", "conv2_x"}
    # The traced graph stops at the deepest requested layer.
    submodules = {name for name, _ in extractor._graph.named_children()}
    assert {"layer1", "layer2"} <= submodules
    assert not submodules & {"layer3", "layer4", "avgpool", "fc"}


def test_preprocessing_is_the_weights_own_normalisation() -> None:
    for architecture in models.ARCHITECTURES:
        for member in get_model_weights(architecture):
            preset = member.transforms()
            assert tuple(preset.mean) == IMAGENET_MEAN, member
            assert tuple(preset.std) == IMAGENET_STD, member


def test_features_match_the_plain_torchvision_forward_pass(resnet18_untrained: nn.Module) -> None:
    """No resize, no crop: exactly the network's layer outputs for the normalised picture."""
    pixels = picture(80, 56)
    maps = FeatureExtractor(resnet18_untrained, ["conv3_x"])(Image.fromarray(pixels))

    tensor = torch.from_numpy(pixels).permute(2, 0, 1).float() / 255
    mean, std = (
        torch.tensor(IMAGENET_MEAN)[:, None, None],
        torch.tensor(IMAGENET_STD)[:, None, None],
    )
    model: Any = resnet18_untrained  # a torchvision ResNet; nn.Module does not type its stages
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
    original = FeatureExtractor(resnet18_seeded, layers)(image)

    weights = models.resolve_weights("resnet18", weights_file=resnet18_weights_file)
    reloaded = FeatureExtractor(models.build_model(weights), layers)(image)

    for layer in layers:
        assert np.array_equal(original[layer], reloaded[layer]), layer


def test_pictures_must_be_rgb(resnet18_untrained: nn.Module) -> None:
    extractor = FeatureExtractor(resnet18_untrained, ["conv2_x"])
    with pytest.raises(ValueError, match="needs an RGB picture, not mode L"):
        extractor(Image.new("L", (64, 64)))


def test_at_least_one_layer(resnet18_untrained: nn.Module) -> None:
    with pytest.raises(ValueError, match="at least one layer"):
        FeatureExtractor(resnet18_untrained, [])
