"""Real feature files for the frontend's parser tests (``frontend/src/data/*.test.ts``), and
the header's JSON Schema the browser validates against.

The browser parses the bytes ``classroom.store`` writes; its unit tests run on files written
here by the real writer, with the values the parser must find in them. The header's type and
its validation come from :class:`~classroom.store.format.FeatureFileHeader` (the schema is
generated here, the TypeScript type from the schema by ``npm run gen:contract``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from classroom.encoding import Precision, encode
from classroom.store import EntryKey, FeatureStore, LayerInfo
from classroom.store.format import PREFIX, header_schema
from tests.conftest import REPO_ROOT
from tests.generated import check_generated

FIXTURE_FILE = REPO_ROOT / "frontend" / "src" / "fixtures" / "feature-files.json"
SCHEMA_FILE = REPO_ROOT / "frontend" / "src" / "featureHeader.schema.json"
CASES: tuple[tuple[str, Precision, bool], ...] = (
    ("uint8", 8, False),
    ("int16", 16, True),
    ("float32", 32, False),
)


def _features(signed: bool) -> np.ndarray[Any, np.dtype[np.float32]]:
    """A 2x3x18 map (image 10x7, stride 4) from a formula: stable across numpy versions.

    18 channels fill more than one texel at every precision (16, 8 or 4 per texel), and the
    last texel of each cell is part padding.
    """
    y, x, c = np.mgrid[0:2, 0:3, 0:18]
    values: np.ndarray[Any, np.dtype[np.float32]] = ((c * 7 + x * 3 + y * 5) % 11).astype(
        np.float32
    ) * np.float32(0.25)
    values[0, 0, :] = 0  # one dead cell
    return values - np.float32(1.25) if signed else values


def _case(store: FeatureStore, name: str, precision: Precision, signed: bool) -> dict[str, Any]:
    key = EntryKey(
        image_sha256="cd" * 32,
        max_side=10,
        model="resnet18",
        weights_id="untrained:seed=3",
        layer="conv2_x",
        precision=precision,
    )
    info = LayerInfo(
        stride=4, image_width=10, image_height=7, weights_label="untrained (seed 3)", untrained=True
    )
    encoded = encode(_features(signed), precision)
    path: Path = store.write(key, info, encoded)
    return {
        "name": name,
        "base64": base64.b64encode(path.read_bytes()).decode(),
        "dtype": name,
        "signed": encoded.signed,
        "width": encoded.width,
        "height": encoded.height,
        "channels": encoded.channels,
        "slices": encoded.slices,
        "channelsPerTexel": encoded.channels_per_texel,
        "codes": encoded.codes.reshape(-1).tolist(),
        # (H, W, D) in channel order, independent of the layout: what cell access must give.
        "vectors": encoded.code_vectors()
        .astype(int if precision < 32 else float)
        .reshape(-1)
        .tolist(),
        "scales": encoded.scales.reshape(-1).tolist(),
    }


def test_committed_feature_file_fixture_is_current() -> None:
    store = FeatureStore()
    check_generated(FIXTURE_FILE, [_case(store, *case) for case in CASES])


@pytest.mark.parametrize(("name", "precision", "signed"), CASES)
def test_fixture_cases_have_the_intended_dtype(
    name: str, precision: Precision, signed: bool
) -> None:
    encoded = encode(_features(signed), precision)
    assert str(encoded.codes.dtype) == name
    assert encoded.signed is signed


def test_committed_header_schema_is_current() -> None:
    check_generated(SCHEMA_FILE, header_schema())


@pytest.mark.parametrize(("name", "precision", "signed"), CASES)
def test_written_headers_are_valid_under_the_schema(
    name: str, precision: Precision, signed: bool
) -> None:
    case = _case(FeatureStore(), name, precision, signed)
    data = base64.b64decode(case["base64"])
    _, _, length, _ = PREFIX.unpack_from(data, 0)
    header = json.loads(data[PREFIX.size : PREFIX.size + length])
    validator = jsonschema.Draft202012Validator(header_schema())
    validator.validate(header)
    assert not validator.is_valid({**header, "extra": 1})
    assert not validator.is_valid({**header, "key": {**header["key"], "precision": 12}})
