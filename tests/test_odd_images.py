"""Odd but valid pictures (colour modes, bit depths, EXIF orientations, extreme shapes) come
out as the upright RGB picture a viewer would show, and all of them prepare.

Bad pictures are tests/test_bad_images.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from classroom import images
from classroom.preparation import PrepareRequest, prepare
from classroom.store import FeatureStore
from tests.conftest import encoded_picture, picture

LAYERS = ("conv2_x", "conv4_x")
Pixels = npt.NDArray[np.uint8]


def _request(path: Path, max_side: int = 1024) -> PrepareRequest:
    return PrepareRequest(path, "resnet18", "untrained", LAYERS, max_side=max_side)


def _saved(image: Image.Image, format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def _grey_16_bit() -> tuple[bytes, Pixels]:
    # 12-bit microscopy data in a 16-bit container: 100 .. 4095, stretched over 0 .. 255.
    values = np.linspace(100, 4095, 48 * 64).reshape(48, 64).astype(np.uint16)
    expected = np.rint((values - 100.0) * 255 / 3995).astype(np.uint8)
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    return _saved(image), np.repeat(expected[:, :, None], 3, axis=2)


def _float_with_gaps() -> tuple[bytes, Pixels]:
    values = np.linspace(-1, 1, 48 * 64, dtype=np.float32).reshape(48, 64)
    values[0, :3] = (np.nan, np.inf, -np.inf)
    finite = values.copy()
    finite[0, :3] = (-1, 1, -1)  # NaN and -inf shown as the minimum, inf as the maximum
    expected = np.rint((finite.astype(np.float64) + 1) * 127.5).astype(np.uint8)
    return _saved(Image.fromarray(values), "TIFF"), np.repeat(expected[:, :, None], 3, axis=2)


def _palette(transparent: bool) -> tuple[bytes, Pixels]:
    indices = (np.arange(48 * 64).reshape(48, 64) % 3).astype(np.uint8)
    colours = np.array([[200, 0, 0], [0, 90, 30], [10, 20, 250]], np.uint8)
    image = Image.fromarray(indices, mode="P")
    image.putpalette(colours.flatten().tolist())
    expected = colours[indices]
    if transparent:
        expected[indices == 1] = 255  # index 1 is transparent: white, as viewers show it
        return _saved(image, transparency=1), expected
    return _saved(image), expected


def _with_alpha(mode: str) -> tuple[bytes, Pixels]:
    rgb = picture(64, 48)
    alpha = np.tile(np.linspace(0, 255, 64).astype(np.uint8), (48, 1))
    if mode == "LA":
        grey = np.asarray(Image.fromarray(rgb).convert("L"))
        image = Image.fromarray(np.stack([grey, alpha], axis=2), mode="LA")
        rgb = np.repeat(grey[:, :, None], 3, axis=2)
    else:
        image = Image.fromarray(np.dstack([rgb, alpha]), mode="RGBA")
    a = alpha[:, :, None].astype(np.float64) / 255
    expected = np.rint(rgb * a + 255 * (1 - a)).astype(np.uint8)
    return _saved(image), expected


def _plain(mode: str) -> tuple[bytes, Pixels]:
    image = Image.fromarray(picture(64, 48)).convert(mode)
    return _saved(image), np.asarray(image.convert("RGB"))


def _cmyk_jpeg() -> tuple[bytes, Pixels]:
    rgb = np.zeros((48, 64, 3), np.uint8)
    rgb[:, :32] = (220, 30, 30)
    rgb[:, 32:] = (30, 30, 220)
    cmyk = Image.fromarray(rgb).convert("CMYK")
    return _saved(cmyk, "JPEG", quality=95), rgb


#: Valid pictures in unusual forms, and the RGB picture each must become (exact unless lossy).
ODD: dict[str, tuple[Callable[[], tuple[bytes, Pixels]], int]] = {
    "grey (L)": (lambda: _plain("L"), 0),
    "1-bit": (lambda: _plain("1"), 0),
    "16-bit grey (I;16)": (_grey_16_bit, 0),
    "32-bit float TIFF with NaN and infinity": (_float_with_gaps, 1),
    "palette": (lambda: _palette(transparent=False), 0),
    "palette with transparency": (lambda: _palette(transparent=True), 0),
    "grey with alpha (LA)": (lambda: _with_alpha("LA"), 1),
    "RGBA": (lambda: _with_alpha("RGBA"), 1),
    "CMYK JPEG": (_cmyk_jpeg, 12),
}


def test_odd_pictures_become_the_rgb_a_viewer_shows_and_all_prepare(tmp_path: Path) -> None:
    paths = []
    for number, (kind, (make, tolerance)) in enumerate(ODD.items()):
        content, expected = make()
        path = tmp_path / f"odd-{number}"
        path.write_bytes(content)
        analysis = images.load_analysis_image(path)
        assert analysis.image.mode == "RGB", kind
        difference = np.abs(np.asarray(analysis.image).astype(int) - expected.astype(int))
        assert difference.max() <= tolerance, kind
        paths.append(path)

    report = prepare([_request(path) for path in paths], FeatureStore(tmp_path / "store"))

    assert [result.error for result in report.results] == [None] * len(paths)


def _upright() -> Pixels:
    """An asymmetric 48 x 32 picture: every turn and mirror of it is different."""
    pixels = np.zeros((32, 48, 3), np.uint8)
    pixels[:, :, 0] = np.arange(48)[None, :] * 5
    pixels[:, :, 1] = np.arange(32)[:, None] * 8
    pixels[:8, :8, 2] = 255  # a blue block in the top-left corner
    return pixels


#: EXIF orientation -> how the camera stored the upright picture (the inverse of the display
#: transform of the EXIF specification, e.g. 6: "rotate 90 degrees clockwise to display").
STORED: dict[int, Callable[[Pixels], Pixels]] = {
    1: lambda p: p,
    2: np.fliplr,
    3: lambda p: np.rot90(p, 2),
    4: np.flipud,
    5: lambda p: np.transpose(p, (1, 0, 2)),
    6: lambda p: np.rot90(p, 1),
    7: lambda p: np.rot90(np.transpose(p, (1, 0, 2)), 2),
    8: lambda p: np.rot90(p, -1),
}


@pytest.mark.parametrize("format", ["PNG", "JPEG"])
@pytest.mark.parametrize("orientation", STORED)
def test_every_exif_orientation_comes_out_upright(
    tmp_path: Path, orientation: int, format: str
) -> None:
    upright = _upright()
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"turned.{format.lower()}"
    stored = np.ascontiguousarray(STORED[orientation](upright))
    path.write_bytes(_saved(Image.fromarray(stored), format, exif=exif, quality=98))

    analysis = images.load_analysis_image(path)

    assert analysis.size == analysis.original_size == images.upright_size(path) == (48, 32)
    pixels = np.asarray(analysis.image).astype(int)
    if format == "PNG":
        assert np.array_equal(pixels, upright)
    else:
        assert np.abs(pixels - upright).mean() < 4
    assert pixels[3, 3, 2] > 200, "the blue block must be in the top-left corner"
    assert pixels[3, 44, 2] < 60
    assert pixels[28, 3, 2] < 60


@pytest.mark.parametrize(("size", "grid"), [((2048, 64), (64, 2)), ((64, 2048), (2, 64))])
def test_the_most_extreme_shape_allowed_still_prepares(
    tmp_path: Path, size: tuple[int, int], grid: tuple[int, int]
) -> None:
    """2048 x 64 becomes 1024 x 32 under the cap: conv4_x is then 64 x 2 cells."""
    path = tmp_path / "extreme.png"
    path.write_bytes(encoded_picture(*size, "PNG"))
    feature_store = FeatureStore(tmp_path / "store")
    (result,) = prepare([_request(path)], feature_store).results
    assert result.error is None
    entries = [feature_store.read_path(p) for p in feature_store.features_dir.glob("*.cfm")]
    shapes = {e.header.key.layer: (e.header.width, e.header.height) for e in entries if e}
    assert shapes["conv4_x"] == grid
