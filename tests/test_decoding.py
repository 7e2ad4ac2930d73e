"""Large pictures in bounded memory: reduced decoding, band-wise conversion, header-only checks
(issue 17, finding 3). The memory itself is measured in ``test_upload_memory.py``."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classroom import images, pixels
from classroom.pixels import reduced_rgb, to_rgb


def _array(image: Image.Image) -> np.ndarray:
    return np.asarray(image)


@pytest.mark.parametrize("mode", ["I;16", "I", "F", "L", "LA", "RGB", "RGBA", "P", "1", "CMYK"])
@pytest.mark.parametrize("factor", [2, 3, 7])
def test_band_wise_reduction_equals_converting_then_reducing(
    mode: str, factor: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the bands, the result is the whole picture converted, then box-reduced."""
    monkeypatch.setattr(pixels, "BAND_PIXELS", 97 * 5)  # many bands, some not a box's height
    rng = np.random.default_rng(factor)
    base = Image.fromarray(rng.integers(0, 255, (61, 97, 3), dtype=np.uint8))
    if mode in {"I;16", "I", "F"}:
        values = rng.integers(100, 4000, (61, 97)).astype(np.float32)
        values[3, 4] = np.nan if mode == "F" else values[3, 4]
        picture = Image.fromarray(values.astype(np.uint16) if mode == "I;16" else values)
        picture = picture if mode != "I" else picture.convert("I")
    elif mode == "P":
        picture = base.convert("P", palette=Image.Palette.ADAPTIVE)
        picture.info["transparency"] = 3
    else:
        picture = base.convert(mode)

    expected = to_rgb(picture).reduce(factor)

    assert np.array_equal(_array(reduced_rgb(picture, factor)), _array(expected))


def test_factor_one_is_plain_conversion() -> None:
    picture = Image.fromarray(np.arange(64 * 48, dtype=np.uint16).reshape(48, 64))
    assert np.array_equal(_array(reduced_rgb(picture, 1)), _array(to_rgb(picture)))


def test_a_large_jpeg_is_decoded_at_reduced_size(tmp_path: Path) -> None:
    path = tmp_path / "large.jpg"
    Image.fromarray(np.full((2400, 3200, 3), 128, np.uint8)).save(path, quality=90)

    analysis = images.load_analysis_image(path, max_side=400)

    assert analysis.size == (400, 300)
    assert analysis.original_size == (3200, 2400)
    with Image.open(path) as opened:
        opened.draft(None, (800, 600))
        assert opened.size == (800, 600), "decoded at a quarter of its size"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_an_exif_chunk_behind_the_pixels_is_read_without_decoding_them(tmp_path: Path) -> None:
    """Pillow decodes a whole PNG to find such a chunk; classroom skips to it."""
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40)).save(buffer, format="PNG")
    exif = Image.Exif()
    exif[0x0112] = 6  # a quarter turn
    data = buffer.getvalue()
    end = data.rindex(b"IEND") - 4
    path = tmp_path / "turned.png"
    path.write_bytes(data[:end] + _chunk(b"eXIf", exif.tobytes()) + data[end:])
    with Image.open(path) as opened:
        assert "exif" not in opened.info, "the chunk comes after the pixel data"

    assert images.upright_size(path) == (40, 80)
    assert images.load_analysis_image(path).size == (40, 80)
    damaged = bytearray(path.read_bytes())
    start = damaged.index(b"IDAT") + 4
    damaged[start : start + 8] = bytes(8)  # the pixel data is broken, its length is not
    path.write_bytes(bytes(damaged))
    assert images.upright_size(path) == (40, 80), "the header is enough"
    with pytest.raises(images.ImageError, match="truncated or corrupt"):
        images.upright_size(path, verify=True)
