"""The feature store: round trips, memory-mapped reads, atomic writes, damaged entries, sizes."""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from filelock import Timeout
from PIL import Image

from classroom import encoding, store
from classroom.encoding import Precision
from classroom.store import EntryKey, FeatureStore, LayerInfo
from harness.synthetic import synthetic_image

IMAGE_SHA = "ab" * 32


def _key(precision: Precision = 8, layer: str = "conv2_x") -> EntryKey:
    return EntryKey(
        image_sha256=IMAGE_SHA,
        max_side=1024,
        model="resnet101",
        weights_id="untrained:seed=0",
        layer=layer,
        precision=precision,
    )


def _info(stride: int, height: int, width: int) -> LayerInfo:
    return LayerInfo(
        stride=stride,
        image_width=width * stride - 1,
        image_height=height * stride - 3,
        weights_label="untrained (seed 0)",
        untrained=True,
    )


def _features(
    height: int = 6, width: int = 9, channels: int = 10, *, signed: bool = False
) -> npt.NDArray[np.float32]:
    values = np.random.default_rng(height * width * channels).normal(size=(height, width, channels))
    return (values if signed else np.maximum(values, 0)).astype(np.float32)


@pytest.fixture
def feature_store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def _write(feature_store: FeatureStore, precision: Precision = 8, *, signed: bool = False) -> Path:
    values = _features(signed=signed)
    return feature_store.write(_key(precision), _info(4, 6, 9), encoding.encode(values, precision))


@pytest.mark.parametrize("precision", encoding.PRECISIONS)
@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
def test_round_trip(feature_store: FeatureStore, precision: Precision, signed: bool) -> None:
    values = _features(signed=signed)
    written = encoding.encode(values, precision)
    path = feature_store.write(_key(precision), _info(4, 6, 9), written)

    prepared = feature_store.read(_key(precision))

    assert prepared is not None
    assert prepared.path == path == feature_store.feature_path(_key(precision))
    assert prepared.entry_id == _key(precision).entry_id
    assert prepared.nbytes == path.stat().st_size
    header = prepared.header
    assert header.key == _key(precision)
    assert header.info == _info(4, 6, 9)
    per_texel = encoding.channels_per_texel(precision)
    assert (header.height, header.width, header.channels) == (6, 9, 10)
    assert (header.slices, header.channels_per_texel) == (-(-10 // per_texel), per_texel)
    assert prepared.codes.shape == (header.slices, 6, 9, per_texel)
    assert header.signed is signed
    assert header.dtype == encoding.CODE_DTYPES[(precision, signed)]
    assert np.array_equal(prepared.codes, written.codes)
    assert np.array_equal(prepared.scales, written.scales)
    assert np.array_equal(encoding.decode(prepared.encoded()), encoding.decode(written))
    assert header.codes.offset % 64 == 0
    assert header.scales.offset % 64 == 0


def test_reads_keep_only_the_header_and_never_map_the_file(
    feature_store: FeatureStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mapped file truncated by someone else kills the process (SIGBUS): files are read."""

    def no_mapping(*args: object, **kwargs: object) -> None:
        raise AssertionError("a store file was memory-mapped")

    monkeypatch.setattr(mmap, "mmap", no_mapping)
    path = _write(feature_store)
    prepared = feature_store.read(_key())
    assert prepared is not None
    assert prepared._arrays == {}, "reading an entry kept its arrays"
    for array in (prepared.codes, prepared.scales):
        assert not array.flags.writeable
    assert prepared.digest == path.read_bytes()[16:32].hex()


def test_arrays_read_later_from_a_changed_file_are_refused(feature_store: FeatureStore) -> None:
    path = _write(feature_store)
    prepared = feature_store.read(_key())
    assert prepared is not None
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(store.DamagedEntryError, match="checksum mismatch"):
        prepared.encoded()


def test_entry_ids_depend_on_every_key_field() -> None:
    base = _key()
    variants = [
        base.model_copy(update={field: value})
        for field, value in [
            ("image_sha256", "cd" * 32),
            ("max_side", 512),
            ("model", "resnet50"),
            ("weights_id", "untrained:seed=1"),
            ("layer", "conv3_x"),
            ("precision", 16),
        ]
    ]
    ids = {base.entry_id, *(variant.entry_id for variant in variants)}
    assert len(ids) == 7
    assert all(len(entry_id) == 32 for entry_id in ids)


def test_read_entry_by_id(feature_store: FeatureStore) -> None:
    _write(feature_store)
    prepared = feature_store.read_entry(_key().entry_id)
    assert prepared is not None
    assert prepared.header.key == _key()
    for bad in ["", "../" + _key().entry_id, _key().entry_id.upper(), "0" * 32]:
        assert feature_store.read_entry(bad) is None


def test_missing_entry_reads_as_none(feature_store: FeatureStore) -> None:
    assert feature_store.read(_key()) is None


# -- atomic writes --------------------------------------------------------------------------------


def test_the_final_name_appears_only_when_the_file_is_complete(
    feature_store: FeatureStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    destination = feature_store.feature_path(_key())
    seen_during_write: list[bool] = []
    real_fsync = os.fsync

    def observing_fsync(descriptor: int) -> None:
        if Path(f"/proc/self/fd/{descriptor}").resolve().is_file():
            seen_during_write.append(destination.exists())
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", observing_fsync)
    _write(feature_store)
    assert seen_during_write == [False]
    assert feature_store.read(_key()) is not None


def test_a_failed_write_keeps_the_old_entry_and_leaves_no_temporary(
    feature_store: FeatureStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(feature_store)
    before = feature_store.feature_path(_key()).read_bytes()

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(
        store.StoreWriteError, match=r"No space left on device\. Free some disk space\."
    ):
        feature_store.write(_key(), _info(4, 6, 9), encoding.encode(_features() * 2, 8))

    assert feature_store.feature_path(_key()).read_bytes() == before
    assert list(feature_store.tmp_dir.iterdir()) == []


def test_published_files_have_an_ordinary_files_mode(feature_store: FeatureStore) -> None:
    """Not mkstemp's 0600: the user serving the store may not be the one who prepared it."""
    entry = _write(feature_store)
    image = feature_store.write_image(IMAGE_SHA, 1024, synthetic_image(8, 6, seed=0))
    assert [path.stat().st_mode & 0o777 for path in (entry, image)] == [0o644, 0o644]


def test_stale_temporaries_are_removed_after_an_hour(feature_store: FeatureStore) -> None:
    feature_store.tmp_dir.mkdir(parents=True)
    old = feature_store.tmp_dir / "x.cfm.1.part"
    fresh = feature_store.tmp_dir / "y.cfm.2.part"
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))

    assert feature_store.remove_stale_temporaries() == 1
    assert not old.exists()
    assert fresh.exists()


# -- damaged entries: see test_store_damage.py ------------------------------------------------


def test_the_grid_is_the_maps_own_whatever_the_image_size_and_stride(
    feature_store: FeatureStore,
) -> None:
    """A floor-rounding network (VGG) leaves pixels at the edges without a cell; AlexNet loses
    more. The header records the grid the network produced, and readers take it from there."""
    key, info = _key(), _info(4, 6, 9)
    vgg_like = info.model_copy(update={"image_width": 9 * 4 + 3, "image_height": 6 * 4 + 2})
    layer = encoding.encode(_features(), 8)
    feature_store.write(key, vgg_like, layer)
    prepared = feature_store.read(key)
    assert prepared is not None
    assert (prepared.header.width, prepared.header.height) == (9, 6)
    assert prepared.header.info == vgg_like


# -- sizes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [256, 512, 1024])
def test_8_bit_files_take_at_most_26_percent_of_float32(
    feature_store: FeatureStore, channels: int
) -> None:
    """ResNet-101's conv2_x..conv4_x have 256, 512 and 1024 channels."""
    height, width = 48, 64
    values = _features(height, width, channels)
    float32_bytes = values.nbytes
    sizes = {}
    for precision in encoding.PRECISIONS:
        path = feature_store.write(
            _key(precision), _info(4, height, width), encoding.encode(values, precision)
        )
        sizes[precision] = path.stat().st_size / float32_bytes
    print(
        f"\nD={channels}: file size / float32 bytes = "
        + ", ".join(f"{p}-bit {ratio:.2%}" for p, ratio in sizes.items())
    )
    assert sizes[8] <= 0.26
    assert sizes[16] <= 0.51
    assert sizes[32] <= 1.01


# -- images, locks, location ----------------------------------------------------------------------


def test_analysis_images_must_be_png(feature_store: FeatureStore) -> None:
    with pytest.raises(ValueError, match="must be PNG bytes"):
        feature_store.write_image(IMAGE_SHA, 1024, b"\xff\xd8\xff not a png")
    png = synthetic_image(8, 6, seed=0)
    path = feature_store.write_image(IMAGE_SHA, 1024, png)
    assert path == feature_store.images_dir / f"{IMAGE_SHA}-1024.png"
    # Stored with its checksum in a chunk after IHDR; the picture itself is unchanged.
    assert path.read_bytes()[:33] == png[:33]
    assert path.read_bytes()[61:] == png[33:]
    assert feature_store.read_image(IMAGE_SHA, 1024) == path
    assert feature_store.image_version(IMAGE_SHA, 1024) == path.read_bytes()[41:57].hex()
    with Image.open(path) as image:
        assert np.array_equal(np.asarray(image), np.asarray(Image.open(io.BytesIO(png))))


def test_a_lock_excludes_a_second_holder(feature_store: FeatureStore) -> None:
    with (
        feature_store.lock("work"),
        pytest.raises(Timeout),
        feature_store.lock("work", timeout=0),
    ):
        pass  # pragma: no cover
    with feature_store.lock("work", timeout=0):
        pass


def test_the_default_root_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert FeatureStore().root == (tmp_path / "elsewhere").resolve()


def test_uploads_are_kept_under_their_content_hash(feature_store: FeatureStore) -> None:
    data = b"\x89PNG\r\n\x1a\n not really an image, the store does not care"
    first = feature_store.write_upload(data, ".PNG")
    again = feature_store.write_upload(data, ".PNG")

    assert first == again == feature_store.uploads_dir / f"{hashlib.sha256(data).hexdigest()}.png"
    assert first.read_bytes() == data
    assert list(feature_store.tmp_dir.iterdir()) == []
    assert feature_store.write_upload(b"other bytes", ".png") != first
    with pytest.raises(ValueError, match="upload suffix"):
        feature_store.write_upload(data, "png/../../x")
