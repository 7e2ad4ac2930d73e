"""Opening images: colour modes, EXIF orientation, the size cap, the hash and clear errors."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classroom import images

MakeImage = Callable[..., Path]


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image)


def test_rgb_image_keeps_its_size_pixels_and_hash(make_image: MakeImage) -> None:
    path = make_image("photo.png", 300, 200)
    analysis = images.load_analysis_image(path, max_side=1024)
    assert analysis.size == analysis.original_size == (300, 200)
    assert analysis.image.mode == "RGB"
    with Image.open(path) as original:
        assert np.array_equal(_pixels(analysis.image), _pixels(original))
    assert analysis.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert analysis.sha256 == images.content_sha256(path)


@pytest.mark.parametrize(
    ("size", "max_side", "expected"),
    [
        ((2000, 1000), 1024, (1024, 512)),
        ((1000, 2000), 1024, (512, 1024)),
        ((1025, 513), 1024, (1024, 512)),
        ((1024, 77), 1024, (1024, 77)),
        ((640, 480), 256, (256, 192)),
    ],
)
def test_the_longest_side_is_capped_keeping_the_aspect_ratio(
    make_image: MakeImage, size: tuple[int, int], max_side: int, expected: tuple[int, int]
) -> None:
    path = make_image("big.png", *size)
    analysis = images.load_analysis_image(path, max_side=max_side)
    assert analysis.size == expected
    assert analysis.original_size == size
    assert analysis.max_side == max_side


def test_downscaling_uses_lanczos(make_image: MakeImage) -> None:
    path = make_image("big.png", 512, 256)
    with Image.open(path) as original:
        expected = original.resize((256, 128), Image.Resampling.LANCZOS)
    analysis = images.load_analysis_image(path, max_side=256)
    assert np.array_equal(_pixels(analysis.image), _pixels(expected))


@pytest.mark.parametrize(
    ("mode", "fill", "expected"),
    [
        ("L", 77, (77, 77, 77)),
        ("1", 1, (255, 255, 255)),
        ("CMYK", (0, 255, 255, 0), (255, 0, 0)),
        ("RGBA", (10, 20, 30, 0), (255, 255, 255)),
        ("RGBA", (10, 20, 30, 255), (10, 20, 30)),
        ("LA", (0, 128), (127, 127, 127)),
        ("I;16", 1000, (0, 0, 0)),
        ("F", 0.5, (0, 0, 0)),
    ],
)
def test_colour_modes_become_rgb(
    mode: str, fill: int | float | tuple[int, ...], expected: tuple[int, int, int]
) -> None:
    image = Image.new(mode, (4, 3), fill)
    rgb = images.to_rgb(image)
    assert rgb.mode == "RGB"
    assert rgb.size == (4, 3)
    assert tuple(int(v) for v in _pixels(rgb)[1, 2]) == pytest.approx(expected, abs=1)


def test_high_bit_depth_greyscale_is_stretched_over_its_range() -> None:
    # 12-bit microscopy data in a 16-bit container: 100 .. 4095.
    values = np.array([[100, 2000, 4095]], dtype=np.uint16)
    greyscale = Image.fromarray(values)
    assert greyscale.mode == "I;16"
    rgb = images.to_rgb(greyscale)
    assert _pixels(rgb)[0, :, 0].tolist() == [0, round(1900 * 255 / 3995), 255]


def test_png_bytes_round_trip(make_image: MakeImage) -> None:
    analysis = images.load_analysis_image(make_image("a.jpg", 90, 60), max_side=64)
    data = analysis.png_bytes()
    assert data.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.size == (64, 43)
        assert np.array_equal(_pixels(decoded), _pixels(analysis.image))


@pytest.mark.parametrize(
    ("pixel", "expected"),
    [((0, 0), (0, 0)), ((1999, 999), (1023, 511)), ((1000, 500), (512, 256)), ((1, 1), (0, 0))],
)
def test_original_pixels_map_to_the_analysis_image(
    pixel: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert images.map_pixel(*pixel, (2000, 1000), (1024, 512)) == expected


@pytest.mark.parametrize("pixel", [(-1, 0), (2000, 0), (0, 1000)])
def test_pixels_outside_the_original_are_refused(pixel: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="outside the 2000 x 1000 image"):
        images.map_pixel(*pixel, (2000, 1000), (1024, 512))


# Bad pictures, odd colour modes as files, EXIF orientations and extreme shapes: see
# test_bad_images.py.
