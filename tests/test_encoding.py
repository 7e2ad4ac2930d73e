"""The value transform: layout, round trips, and the angle error on real ResNet feature maps."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from classroom import encoding, similarity
from classroom.encoding import Precision
from classroom.extraction import FeatureExtractor
from classroom.networks import LoadedNetwork

FloatArray = npt.NDArray[np.float64]


def _signed_map(seed: int = 0, shape: tuple[int, int, int] = (5, 7, 10)) -> FloatArray:
    return np.random.default_rng(seed).normal(size=shape)


def _relu_map(seed: int = 0, shape: tuple[int, int, int] = (5, 7, 10)) -> FloatArray:
    return np.maximum(_signed_map(seed, shape), 0)


@pytest.mark.parametrize(("precision", "per_texel"), [(8, 16), (16, 8), (32, 4)])
def test_codes_are_laid_out_as_16_byte_texel_slices(precision: Precision, per_texel: int) -> None:
    """Channel k sits at slice k // T, position k % T; every texel holds 16 bytes."""
    channels = per_texel + 3  # one full slice and a partly padded one
    values = _relu_map(4, (3, 2, channels)).astype(np.float32)
    layer = encoding.encode(values, precision)
    assert encoding.channels_per_texel(precision) == per_texel
    assert layer.codes.shape == (2, 3, 2, per_texel)
    assert layer.codes.flags.c_contiguous
    assert layer.codes.itemsize * per_texel == encoding.TEXEL_BYTES
    vectors = layer.code_vectors()
    for k in range(channels):
        assert np.array_equal(layer.codes[k // per_texel, :, :, k % per_texel], vectors[:, :, k])
    assert not layer.codes[1, :, :, 3:].any(), "padding channels must be zero"
    assert (layer.channels, layer.slices, layer.channels_per_texel) == (channels, 2, per_texel)
    assert (layer.height, layer.width) == (3, 2)


def test_32_bit_codes_are_the_values_in_texel_order() -> None:
    values = np.arange(3 * 2 * 6, dtype=np.float32).reshape(3, 2, 6)
    layer = encoding.encode(values, 32)
    for k in range(6):
        assert np.array_equal(layer.codes[k // 4, :, :, k % 4], values[:, :, k])


@pytest.mark.parametrize("precision", [8, 16])
@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_integer_texels_are_the_words_the_shader_unpacks(
    precision: Precision, signed: bool
) -> None:
    """As little-endian RGBA32UI words: word m holds channels 4m..4m+3 (8 bit) or 2m, 2m+1
    (16 bit), lowest bits first, two's complement when signed: what shaders/codes.glsl reads."""
    values = _signed_map(5, (2, 3, 21)) if signed else _relu_map(5, (2, 3, 21))
    layer = encoding.encode(values, precision)
    assert layer.signed is signed
    words = np.frombuffer(layer.codes.tobytes(), dtype="<u4").reshape(layer.slices, 2, 3, 4)
    per_word = 32 // precision
    vectors = layer.code_vectors().astype(np.int64)
    mask = (1 << precision) - 1
    for k in range(layer.channels):
        slice_index, position = divmod(k, layer.channels_per_texel)
        word, part = divmod(position, per_word)
        unpacked = (words[slice_index, :, :, word].astype(np.int64) >> (part * precision)) & mask
        if signed:
            unpacked -= (unpacked >> (precision - 1)) << precision  # sign extension
        assert np.array_equal(unpacked, vectors[:, :, k])


def test_32_bit_is_lossless() -> None:
    values = _signed_map().astype(np.float32)
    layer = encoding.encode(values, 32)
    assert layer.codes.dtype == np.float32
    assert np.array_equal(layer.scales, np.ones((5, 7), np.float32))
    assert np.array_equal(encoding.decode(layer), values)


@pytest.mark.parametrize(
    ("precision", "signed", "dtype"),
    [(8, False, "uint8"), (8, True, "int8"), (16, False, "uint16"), (16, True, "int16")],
)
def test_integer_round_trip_is_within_half_a_step(
    precision: Precision, signed: bool, dtype: str
) -> None:
    values = (_signed_map(1) if signed else _relu_map(1)).astype(np.float32)
    layer = encoding.encode(values, precision)

    assert layer.signed is signed
    assert layer.codes.dtype == np.dtype(dtype)
    top = encoding.levels(precision, signed)
    assert np.abs(layer.code_vectors()).max(axis=2) == pytest.approx(top)
    step = layer.scales[:, :, None]
    error = np.abs(encoding.decode(layer) - values)
    assert (error <= step / 2 * (1 + 1e-5)).all()
    assert np.allclose(layer.scales, np.abs(values).max(axis=2) / top)


def test_a_zero_vector_has_zero_scale_and_codes() -> None:
    values = _relu_map(2)
    values[1, 2] = 0
    layer = encoding.encode(values, 8)
    assert layer.scales[1, 2] == 0
    assert not layer.code_vectors()[1, 2].any()
    assert not encoding.decode(layer)[1, 2].any()


@pytest.mark.parametrize("precision", [8, 16])
def test_angles_of_codes_equal_angles_of_the_reconstruction(precision: Precision) -> None:
    """The shader uses the codes directly; the scales do not change any angle."""
    layer = encoding.encode(_signed_map(3, (6, 6, 37)), precision)
    reference = (2, 4)
    from_codes = similarity.angular_similarity(
        layer.code_vectors(), layer.code_vectors()[reference]
    )
    decoded = encoding.decode(layer)
    from_values = similarity.angular_similarity(decoded, decoded[reference])
    np.testing.assert_allclose(from_codes, from_values, atol=1e-6)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (np.zeros((4, 4)), r"must have shape \(H, W, D\)"),
        (np.zeros((0, 4, 4)), "no empty axis"),
        (np.full((2, 2, 2), np.nan), "NaN or infinite"),
        (np.full((2, 2, 2), np.inf), "NaN or infinite"),
    ],
)
def test_bad_maps_are_refused(values: FloatArray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encoding.encode(values, 8)


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="precision must be one of"):
        encoding.encode(_relu_map(), 12)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no integer levels"):
        encoding.levels(32, False)


# -- the angle error on real ResNet-101 feature maps ----------------------------------------------


def _pairwise_angular(vectors: npt.NDArray[np.floating[Any]]) -> FloatArray:
    """``similarity.angular_similarity`` for every (cell, reference cell) pair at once."""
    flat = vectors.reshape(-1, vectors.shape[-1]).astype(np.float64)
    norms = np.linalg.norm(flat, axis=1)
    units = np.divide(flat, norms[:, None], out=np.zeros_like(flat), where=norms[:, None] > 0)
    result: FloatArray = 1.0 - np.arccos(np.clip(units @ units.T, -1.0, 1.0)) / (math.pi / 2)
    zero = norms == 0
    result[zero, :] = 0.0
    result[:, zero] = 0.0
    return result


@pytest.fixture(scope="module")
def resnet101_maps(
    resnet101_untrained: LoadedNetwork, natural_image: Path
) -> dict[str, npt.NDArray[np.float32]]:
    with Image.open(natural_image) as photo:
        return FeatureExtractor(resnet101_untrained, ["conv2_x", "conv3_x", "conv4_x"])(
            photo.convert("RGB")
        )


def test_the_pairwise_helper_agrees_with_the_reference(
    resnet101_maps: dict[str, npt.NDArray[np.float32]],
) -> None:
    feature_map = resnet101_maps["conv4_x"]
    pairwise = _pairwise_angular(feature_map)
    width = feature_map.shape[1]
    for y, x in [(0, 0), (7, 3), (feature_map.shape[0] - 1, width - 1)]:
        expected = similarity.angular_similarity(feature_map, feature_map[y, x]).ravel()
        np.testing.assert_allclose(pairwise[:, y * width + x], expected, atol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(("precision", "tolerance"), [(8, 0.02), (16, 0.02)])
def test_angular_similarity_from_codes_matches_float32_on_real_resnet_maps(
    resnet101_maps: dict[str, npt.NDArray[np.float32]], precision: Precision, tolerance: float
) -> None:
    """Every (pixel, reference pixel) pair of conv2_x..conv4_x of ResNet-101 on a photograph."""
    worst: dict[str, float] = {}
    for layer, feature_map in resnet101_maps.items():
        exact = _pairwise_angular(feature_map)
        encoded = encoding.encode(feature_map, precision)
        worst[layer] = float(np.abs(_pairwise_angular(encoded.code_vectors()) - exact).max())
    shown = ", ".join(f"{layer} {value:.2g}" for layer, value in worst.items())
    print(f"\nworst |angular similarity({precision}-bit) - float32|: {shown}")
    assert max(worst.values()) <= tolerance
