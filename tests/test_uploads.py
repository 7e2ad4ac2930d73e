"""Uploads: every limit gives a message naming the file; accepted files are content-addressed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from classroom import networks
from classroom.preparation import prepare
from classroom.store import FeatureStore
from classroom.uploads import MAX_UPLOAD_MB, UploadError, accept_upload, upload_request
from tests.conftest import picture
from tests.lesson_tree import VALID, LessonTree


def _encoded(width: int, height: int, kind: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(picture(width, height)).save(buffer, format=kind, **options)
    return buffer.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def test_an_accepted_upload_is_kept_once_under_its_content(store: FeatureStore) -> None:
    data = _encoded(120, 80, "JPEG", quality=90)

    upload = accept_upload("holiday.JPG", data, store)
    again = accept_upload("copy.jpeg", data, store)

    assert upload.path == again.path
    assert upload.path.parent == store.uploads_dir
    assert upload.path.suffix == ".jpg"
    assert upload.path.read_bytes() == data
    assert (upload.name, upload.original_size) == ("holiday.JPG", (120, 80))


def test_the_type_comes_from_the_content_not_the_name(store: FeatureStore) -> None:
    upload = accept_upload("looks-like.jpg", _encoded(64, 64, "PNG"), store)
    assert upload.path.suffix == ".png"


def test_every_format_the_images_module_reads_is_accepted(store: FeatureStore) -> None:
    for kind, suffix in (("GIF", ".gif"), ("WEBP", ".webp"), ("TIFF", ".tif"), ("BMP", ".bmp")):
        assert accept_upload(f"x.{kind}", _encoded(64, 40, kind), store).path.suffix == suffix


def test_the_exif_rotation_is_applied_to_the_size(store: FeatureStore) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # a quarter turn: width and height swap
    upload = accept_upload("phone.jpg", _encoded(100, 60, "JPEG", exif=exif), store)
    assert upload.original_size == (60, 100)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.png", b"", "empty.png: the file is empty"),
        ("notes.png", b"shopping list", "notes.png: is not an image file: it holds text"),
        ("scan.png", b"%PDF-1.7 ...", "scan.png: is a PDF document, which is not read here"),
        (
            "phone.jpg",
            b"\x00\x00\x00\x18ftypheic" + bytes(40),
            "phone.jpg: is a HEIC/HEIF photo (the format iPhones save by default)",
        ),
        ("icon.ico", _encoded(64, 64, "ICO"), "icon.ico: is not an image file that can be read"),
        ("thin.png", _encoded(400, 20), "thin.png: the image is too small: 400 x 20 pixels"),
        ("cut.png", _encoded(200, 200)[:20], "cut.png: the image is truncated or corrupt"),
    ],
)
def test_unusable_files_are_refused_with_a_message_naming_them(
    store: FeatureStore, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(UploadError) as refused:
        accept_upload(name, data, store)

    assert str(refused.value).startswith(message)
    assert refused.value.name == name
    assert str(refused.value) == f"{name}: {refused.value.problem}"
    assert str(store.root) not in str(refused.value), "the message names the person's file"
    assert not any(store.uploads_dir.glob("*")), "nothing unusable is kept"


def test_files_over_the_size_limit_are_refused_before_decoding(store: FeatureStore) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(MAX_UPLOAD_MB * 1024 * 1024)

    with pytest.raises(UploadError, match=r"big.png: 20.0 MB is more than the limit of 20 MB"):
        accept_upload("big.png", data, store)


def test_pictures_over_the_pixel_limit_are_refused(store: FeatureStore) -> None:
    with pytest.raises(UploadError, match=r"wide.png: 300 x 200 pixels is more than the limit"):
        accept_upload("wide.png", _encoded(300, 200), store, max_pixels=50_000)


def test_an_upload_is_prepared_with_the_lessons_network(
    store: FeatureStore, tmp_path: Path
) -> None:
    upload = accept_upload("mine.png", _encoded(64, 64), store)
    lesson = LessonTree(tmp_path).load(VALID + "model: resnet18\nweights: untrained\n")

    request = upload_request(upload, lesson)
    assert (request.image, request.architecture, request.weights) == (
        upload.path,
        "resnet18",
        "untrained",
    )
    assert request.layers == ("conv2_x", "conv3_x", "conv4_x")
    assert request.name == "your image mine.png"

    fallback = upload_request(upload, None)
    assert (fallback.architecture, fallback.weights) == (networks.DEFAULT_ARCHITECTURE, "imagenet")


def test_a_refusal_never_deletes_the_same_picture_accepted_elsewhere(store: FeatureStore) -> None:
    """Issue 17, finding 7: session A's lesson allows a long picture that session B's refuses.

    B's refusal used to delete the stored file A was still preparing from.
    """
    long_picture = _encoded(1200, 40)  # 1024 x 34 at max_side 1024; 512 x 17 at 512
    accepted = accept_upload("banner.png", long_picture, store, max_side=1024)

    with pytest.raises(UploadError, match=r"banner.png: the image is too narrow"):
        accept_upload("banner.png", long_picture, store, max_side=512)

    assert accepted.path.read_bytes() == long_picture, "A's picture is still there"


def test_an_upload_is_checked_without_decoding_it(store: FeatureStore) -> None:
    """The page only reads headers: a picture damaged further in is refused when prepared."""
    whole = _encoded(200, 200)
    upload = accept_upload("cut.png", whole[: len(whole) // 2], store)

    report = prepare([upload_request(upload, None)], store, untrained=True)

    [result] = report.results
    assert result.failure is not None
    assert "the image is truncated or corrupt" in result.failure.message


def test_pictures_that_take_too_much_memory_to_decode_are_refused(store: FeatureStore) -> None:
    """Decoded bytes count, not only pixels: 36 MP of RGB take 144 MB in Pillow's memory."""
    header_only = io.BytesIO()
    Image.new("RGB", (6000, 6000)).save(header_only, format="PNG", compress_level=9)

    with pytest.raises(UploadError) as refused:
        accept_upload("poster.png", header_only.getvalue(), store)

    assert refused.value.problem.startswith(
        "decoding this 6000 x 6000 picture takes 144 MB of memory, more than the 134 MB"
    )
    assert not any(store.uploads_dir.glob("*"))
    # A JPEG is decoded at reduced size, so the same picture as JPEG is accepted.
    jpeg = io.BytesIO()
    Image.new("RGB", (6000, 6000)).save(jpeg, format="JPEG")
    assert accept_upload("poster.jpg", jpeg.getvalue(), store).original_size == (6000, 6000)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "/etc/passwd", "a\x00b.png", "<script>.png", "CON", "x" * 300]
)
def test_a_hostile_file_name_stays_a_name(store: FeatureStore, name: str) -> None:
    """What held in issue 17: the name is a caption; the stored file is named by content."""
    upload = accept_upload(name, _encoded(64, 64), store)

    assert upload.name == name
    assert upload.path.parent == store.uploads_dir
    assert upload.path.name == f"{upload.path.stem}.png"
    assert len(upload.path.stem) == 64
