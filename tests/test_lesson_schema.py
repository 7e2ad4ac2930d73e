"""The JSON Schema for editors: it knows the names and rejects misspellings."""

from __future__ import annotations

import jsonschema

from classroom.lessons import (
    ARCHITECTURES,
    lesson_schema,
)
from classroom.lessons.safe_yaml import parse_yaml
from tests.lesson_tree import RICH


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
