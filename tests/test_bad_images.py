"""Pictures as people really have them: every bad one refused clearly, every odd one upright RGB.

Each bad picture is built on the fly and prepared together with a good one in the same call:
the bad one fails with a message that names the file and the problem, and the good one is
still prepared. Odd but valid pictures are tests/test_odd_images.py. A property-based test damages
valid files at random: the result is a picture or an ImageError naming the file, nothing else.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from classroom import images
from classroom.preparation import PrepareRequest, prepare
from classroom.store import FeatureStore
from tests.conftest import encoded_picture, picture
from tests.damage import damaged

LAYERS = ("conv2_x", "conv4_x")
Pixels = npt.NDArray[np.uint8]


def _request(path: Path, max_side: int = 1024) -> PrepareRequest:
    return PrepareRequest(path, "resnet18", "untrained", LAYERS, max_side=max_side)


# -- a decompression bomb: a valid PNG of 1-bit pixels whose zeros compress 1000:1 -----------


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def png_bomb(width: int, height: int, *, with_pixels: bool = True) -> bytes:
    """A black 1-bit PNG of ``width`` x ``height``; without pixels, just its header."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = b""
    if with_pixels:
        compressor = zlib.compressobj(9)
        row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
        data = b"".join(compressor.compress(row * 500) for _ in range(height // 500))
        data += compressor.compress(row * (height % 500)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + (_chunk(b"IDAT", data) if with_pixels else b"")
        + _chunk(b"IEND", b"")
    )


# -- bad pictures ------------------------------------------------------------------------------

Make = Callable[[Path], Path]


def _file(name: str, content: bytes | Callable[[], bytes]) -> Make:
    def make(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(content() if callable(content) else content)
        return path

    return make


def _cut(name: str, format: str) -> Make:
    """A picture missing the second half of its bytes."""

    def content() -> bytes:
        whole = encoded_picture(120, 90, format)
        return whole[: len(whole) // 2]

    return _file(name, content)


def _altered_png() -> bytes:
    data = bytearray(encoded_picture(120, 90, "PNG"))
    data[data.index(b"IDAT") + 20] ^= 0xFF
    return bytes(data)


def _picture(width: int, height: int) -> Make:
    return _file(f"{width}x{height}.png", lambda: encoded_picture(width, height, "PNG"))


def _missing(directory: Path) -> Path:
    return directory / "nowhere.jpg"


def _sparse(directory: Path) -> Path:
    """A 3 GB file that takes no disk space: a video or disk image picked by mistake."""
    path = directory / "holiday.png"
    with path.open("wb") as handle:
        handle.write(encoded_picture(64, 48, "PNG"))
        handle.truncate(3 << 30)
    return path


def _directory(directory: Path) -> Path:
    path = directory / "folder.png"
    path.mkdir()
    return path


_CORRUPT = "the image is truncated or corrupt ("
_FORMATS = "(use PNG, JPEG, TIFF, WebP, GIF or BMP)"

#: A bad picture, and the problem the message must state after "<file>: ".
BAD: dict[str, tuple[Make, str]] = {
    "missing": (_missing, "the image file does not exist"),
    "a directory": (_directory, "is a directory, not an image file"),
    "empty": (_file("empty.png", b""), "is not an image file: it is empty"),
    "a 3 GB file": (
        _sparse,
        "the file has 3,072 MB, more than the 1024 MB an image file may have; scale the "
        "picture down first",
    ),
    "text renamed .png": (
        _file("notes.png", b"shopping list\n- milk\n"),
        "is not an image file: it holds text",
    ),
    "random bytes": (
        _file("noise.png", np.random.default_rng(7).bytes(4096)),
        f"is not an image file that can be read here {_FORMATS}",
    ),
    "HEIC from a phone": (
        _file("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(200)),
        "is a HEIC/HEIF photo (the format iPhones save by default), which cannot be read here; "
        "convert it to JPEG or PNG first",
    ),
    "PDF": (
        _file("figure.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        "is a PDF document, which is not read here; export it as PNG or JPEG",
    ),
    "EPS, which would run Ghostscript": (
        _file("figure.eps", lambda: encoded_picture(40, 40, "EPS")),
        "is a PostScript (EPS) file, which is not read here; export it as PNG or JPEG",
    ),
    "TGA, a format not on the list": (
        _file("frame.tga", lambda: encoded_picture(40, 40, "TGA")),
        f"is not an image file that can be read here {_FORMATS}",
    ),
    "truncated PNG": (_cut("cut.png", "PNG"), _CORRUPT),
    "truncated JPEG": (_cut("cut.jpg", "JPEG"), _CORRUPT),
    "truncated GIF": (_cut("cut.gif", "GIF"), _CORRUPT),
    "truncated TIFF": (_cut("cut.tif", "TIFF"), _CORRUPT),
    "truncated WebP": (_cut("cut.webp", "WEBP"), _CORRUPT),
    "truncated BMP": (_cut("cut.bmp", "BMP"), _CORRUPT),
    "PNG pixel data altered": (_file("altered.png", _altered_png), _CORRUPT),
    "decompression bomb": (
        _file("bomb.png", lambda: png_bomb(14_000, 14_000)),
        "has too many pixels to be opened safely (over 178,956,970); scale the image down first",
    ),
    "over the pixel cap": (
        _file("huge.png", lambda: png_bomb(11_000, 11_000)),
        "11000 x 11000 pixels is more than the limit of 100,000,000 pixels; scale the image "
        "down first",
    ),
    "smaller than the deepest stride": (
        _picture(20, 20),
        "the image is too small: 20 x 20 pixels after capping the longest side at 1024; both "
        "sides must be at least 32 pixels, enough for the deepest layers to see more than one "
        "cell",
    ),
    "one side too short": (_picture(31, 500), "the image is too small: 31 x 500 pixels"),
    "4000 x 20": (_picture(4000, 20), "the image is too small: 1024 x 5 pixels after capping"),
    "20 x 4000": (_picture(20, 4000), "the image is too small: 5 x 1024 pixels after capping"),
    "too narrow after the cap": (
        _picture(4000, 60),
        "the image is too narrow: 4000 x 60 pixels become 1024 x 15 when the longest side is "
        "capped at 1024, and both sides must be at least 32 pixels; crop it to a less extreme "
        "shape",
    ),
}


@pytest.fixture
def good_image(tmp_path: Path) -> Path:
    path = tmp_path / "good.png"
    Image.fromarray(picture(64, 48, seed=5)).save(path)
    return path


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_picture_is_refused_by_name_and_the_next_one_prepares(
    tmp_path: Path, good_image: Path, kind: str
) -> None:
    make, problem = BAD[kind]
    bad = make(tmp_path)

    with pytest.raises(images.ImageError) as caught:
        images.load_analysis_image(bad)
    assert str(caught.value).startswith(f"{bad}: {problem}")
    assert caught.value.problem.startswith(problem)

    report = prepare([_request(bad), _request(good_image)], FeatureStore(tmp_path / "store"))

    failed, prepared = report.results
    assert (failed.error or "").startswith(f"{bad}: {problem}")
    assert prepared.error is None
    assert prepared.prepared == LAYERS


def test_bombs_are_refused_from_the_header_before_decoding(tmp_path: Path) -> None:
    """The header alone says 11000 x 11000: without pixel data, decoding would fail otherwise."""
    path = tmp_path / "header-only.png"
    path.write_bytes(png_bomb(11_000, 11_000, with_pixels=False))
    with pytest.raises(images.ImageError, match="is more than the limit of 100,000,000 pixels"):
        images.load_analysis_image(path)
    with pytest.raises(images.ImageError, match="is more than the limit of 100,000,000 pixels"):
        images.upright_size(path)
    with pytest.raises(
        images.ImageError, match=r"400 x 300 pixels is more than the limit of 100,000"
    ):
        images.load_analysis_image(_picture(400, 300)(tmp_path), max_pixels=100_000)


def test_pillows_bomb_warning_never_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between Pillow's warning size and our own cap, a picture just loads, silently."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    path = _picture(40, 40)(tmp_path)  # 1600 pixels: over Pillow's warning, under its error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert images.load_analysis_image(path).size == (40, 40)
        assert images.upright_size(path) == (40, 40)
    with pytest.raises(images.ImageError, match=r"opened safely \(over 2,000\)"):
        images.load_analysis_image(_picture(50, 50)(tmp_path))


# -- random damage -----------------------------------------------------------------------------

SAMPLES = {
    format: encoded_picture(48, 40, format)
    for format in ("PNG", "JPEG", "GIF", "TIFF", "WEBP", "BMP")
}


@st.composite
def damaged_pictures(draw: st.DrawFn) -> tuple[str, bytes]:
    format = draw(st.sampled_from(sorted(SAMPLES)))
    return format, draw(damaged(SAMPLES[format]))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("damaged-pictures")


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sample=damaged_pictures())
def test_random_damage_gives_a_picture_or_an_image_error(
    fuzz_dir: Path, sample: tuple[str, bytes]
) -> None:
    format, data = sample
    path = fuzz_dir / f"damaged.{format.lower()}"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about some damage (e.g. corrupt EXIF)
        try:
            analysis: images.AnalysisImage | images.ImageError = images.load_analysis_image(path)
        except images.ImageError as error:
            analysis = error
    if isinstance(analysis, images.ImageError):
        assert str(analysis).startswith(f"{path}: ")
    else:
        assert analysis.image.mode == "RGB"
        assert min(analysis.size) >= images.MIN_SIDE
