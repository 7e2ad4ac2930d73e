"""The prepared-feature store: one immutable file per encoded feature map.

An entry is addressed by everything that determines its bytes (:class:`EntryKey`): the image
content hash and size cap, the model, the weights identity, the layer and the precision. A
changed image or model therefore never serves stale features.

Files follow ``docs/feature-format.md``. Writes are atomic (a temporary file in the same
directory tree, flushed, then renamed into place); reads memory-map the file and check magic,
version, header, sizes and a checksum over everything after the fixed prefix, so a damaged
entry is reported once, deleted and then treated as missing, never as data.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import mmap
import os
import shutil
import stat
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final, Literal

import numpy as np
import numpy.typing as npt
from filelock import FileLock
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from classroom.encoding import (
    CODE_DTYPES,
    TEXEL_BYTES,
    EncodedLayer,
    Precision,
    channels_per_texel,
    code_dtype,
)

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "EntryKey",
    "FeatureFileHeader",
    "FeatureStore",
    "LayerInfo",
    "PreparedLayer",
    "StoreWriteError",
    "default_store_root",
]

_LOGGER = logging.getLogger(__name__)

MAGIC: Final = b"CLSFEAT\x00"
FORMAT_VERSION: Final = 2
#: magic (8) + version (uint32) + header length (uint32) + blake2b-128 digest (16)
PREFIX: Final = struct.Struct("<8sII16s")
ALIGNMENT: Final = 64
#: A header is a few hundred bytes; anything larger is damage, not data.
MAX_HEADER_BYTES: Final = 64 * 1024
FEATURE_SUFFIX: Final = ".cfm"
STALE_TEMPORARY_SECONDS: Final = 3600.0
#: Published files are readable by all, like files made under the usual umask of 022.
FILE_MODE: Final = 0o644
_WRITE_HINTS: Final = {
    errno.ENOSPC: "Free some disk space. ",
    errno.EDQUOT: "Free some disk space. ",
    errno.EACCES: "Make the directory writable for this user. ",
    errno.EPERM: "Make the directory writable for this user. ",
    errno.EROFS: "The disk is read-only. ",
}

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Positive = Annotated[int, Field(gt=0)]


def default_store_root() -> Path:
    """``$CLASSROOM_CACHE_DIR`` if set, else the per-user cache directory."""
    configured = os.environ.get("CLASSROOM_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("classroom", appauthor=False))


def _align(offset: int) -> int:
    return -(-offset // ALIGNMENT) * ALIGNMENT


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class EntryKey(_Strict):
    """Everything that determines the bytes of one entry."""

    image_sha256: Sha256Hex
    max_side: Positive
    model: str
    weights_id: str
    layer: str
    precision: Precision

    @property
    def entry_id(self) -> str:
        """A stable 32-hex-digit name derived from the key and the format version."""
        canonical = json.dumps(
            {"format_version": FORMAT_VERSION, **self.model_dump()}, sort_keys=True
        )
        return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


class LayerInfo(_Strict):
    """What a reader needs to know about an entry besides its key and shape."""

    stride: Positive
    image_width: Positive
    image_height: Positive
    weights_label: str
    untrained: bool


class _Section(_Strict):
    offset: Annotated[int, Field(ge=0)]
    nbytes: Annotated[int, Field(ge=0)]


class FeatureFileHeader(_Strict):
    """The JSON header of a feature file (``docs/feature-format.md``)."""

    format: Literal["classroom-feature-map"]
    version: Literal[2]
    key: EntryKey
    info: LayerInfo
    width: Positive
    height: Positive
    channels: Positive
    slices: Positive
    channels_per_texel: Positive
    dtype: Literal["uint8", "int8", "uint16", "int16", "float32"]
    signed: bool
    transform: Literal["per-pixel-scale"]
    codes: _Section
    scales: _Section

    def check_consistency(self) -> None:
        """Raise ``ValueError`` if the header contradicts itself."""
        if self.dtype != CODE_DTYPES[(self.key.precision, self.signed)]:
            raise ValueError(f"dtype {self.dtype} does not match {self.key.precision}-bit codes")
        per_texel = channels_per_texel(self.key.precision)
        if self.channels_per_texel != per_texel:
            raise ValueError(
                f"{self.channels_per_texel} channels per texel do not match "
                f"{self.key.precision}-bit codes ({per_texel} per 16-byte texel)"
            )
        if self.slices != -(-self.channels // per_texel):
            raise ValueError(
                f"{self.slices} texel slices of {per_texel} cannot hold {self.channels} channels"
            )
        if self.width != -(-self.info.image_width // self.info.stride) or self.height != -(
            -self.info.image_height // self.info.stride
        ):
            raise ValueError("the grid size does not match the image size and stride")
        if self.codes.nbytes != self.slices * self.height * self.width * TEXEL_BYTES:
            raise ValueError("the code section size does not match the shape")
        if self.scales.nbytes != self.height * self.width * 4:
            raise ValueError("the scale section size does not match the shape")
        if self.codes.offset % ALIGNMENT or self.scales.offset % ALIGNMENT:
            raise ValueError("a data section is not aligned")
        if self.scales.offset < self.codes.offset + self.codes.nbytes:
            raise ValueError("the data sections overlap")


@dataclass(frozen=True, eq=False)
class PreparedLayer:
    """A validated, memory-mapped entry. The arrays are read-only views of the file."""

    path: Path
    header: FeatureFileHeader
    codes: npt.NDArray[np.generic]
    scales: npt.NDArray[np.float32]

    @property
    def entry_id(self) -> str:
        return self.path.stem

    @property
    def nbytes(self) -> int:
        return self.header.scales.offset + self.header.scales.nbytes

    def encoded(self) -> EncodedLayer:
        return EncodedLayer(
            codes=self.codes,
            scales=self.scales,
            channels=self.header.channels,
            precision=self.header.key.precision,
            signed=self.header.signed,
        )


class DamagedEntryError(ValueError):
    """An entry file exists but cannot be trusted."""


class StoreWriteError(OSError):
    """The store cannot be written (no space, no permission); the message names the file."""


def serialize(key: EntryKey, info: LayerInfo, layer: EncodedLayer) -> list[bytes | memoryview]:
    """The chunks of a feature file, in order (see ``docs/feature-format.md``)."""
    if layer.precision != key.precision:
        raise ValueError(f"the layer is {layer.precision}-bit but the key says {key.precision}-bit")
    codes = np.ascontiguousarray(layer.codes, dtype=code_dtype(layer.precision, layer.signed))
    scales = np.ascontiguousarray(layer.scales, dtype=np.dtype("<f4"))

    def header_bytes(codes_offset: int) -> bytes:
        scales_offset = _align(codes_offset + codes.nbytes)
        header = FeatureFileHeader(
            format="classroom-feature-map",
            version=FORMAT_VERSION,
            key=key,
            info=info,
            width=layer.width,
            height=layer.height,
            channels=layer.channels,
            slices=layer.slices,
            channels_per_texel=layer.channels_per_texel,
            dtype=CODE_DTYPES[(layer.precision, layer.signed)],  # type: ignore[arg-type]
            signed=layer.signed,
            transform="per-pixel-scale",
            codes=_Section(offset=codes_offset, nbytes=codes.nbytes),
            scales=_Section(offset=scales_offset, nbytes=scales.nbytes),
        )
        header.check_consistency()
        return header.model_dump_json().encode()

    # The header states the data offset, which depends on the header length: settle it.
    codes_offset = _align(PREFIX.size + len(header_bytes(0)) + 32)
    encoded_header = header_bytes(codes_offset)
    if PREFIX.size + len(encoded_header) > codes_offset:
        raise AssertionError("header outgrew its reserved space")  # pragma: no cover

    gap_after_header = codes_offset - PREFIX.size - len(encoded_header)
    scales_offset = _align(codes_offset + codes.nbytes)
    body: list[bytes | memoryview] = [
        encoded_header,
        bytes(gap_after_header),
        codes.data.cast("B"),
        bytes(scales_offset - codes_offset - codes.nbytes),
        scales.data.cast("B"),
    ]
    digest = hashlib.blake2b(digest_size=16)
    for chunk in body:
        digest.update(chunk)
    prefix = PREFIX.pack(MAGIC, FORMAT_VERSION, len(encoded_header), digest.digest())
    return [prefix, *body]


def parse(path: Path, buffer: mmap.mmap | bytes) -> PreparedLayer:
    """Validate a whole feature file and return views into ``buffer``.

    Raises:
        DamagedEntryError: naming what is wrong.
    """
    size = len(buffer)
    if size < PREFIX.size:
        raise DamagedEntryError(f"{size} bytes is shorter than the {PREFIX.size}-byte prefix")
    magic, version, header_length, digest = PREFIX.unpack_from(buffer, 0)
    if magic != MAGIC:
        raise DamagedEntryError("not a classroom feature file (wrong magic bytes)")
    if version != FORMAT_VERSION:
        age = "an older" if version < FORMAT_VERSION else "a newer"
        raise DamagedEntryError(
            f"written by {age} format version ({version}); this is version {FORMAT_VERSION}"
        )
    if header_length > min(MAX_HEADER_BYTES, size - PREFIX.size):
        raise DamagedEntryError(f"header length {header_length} does not fit the file")
    if hashlib.blake2b(memoryview(buffer)[PREFIX.size :], digest_size=16).digest() != digest:
        raise DamagedEntryError("checksum mismatch: the file was truncated or altered")
    try:
        header = FeatureFileHeader.model_validate_json(
            bytes(buffer[PREFIX.size : PREFIX.size + header_length])
        )
        header.check_consistency()
    except (ValidationError, ValueError) as error:
        raise DamagedEntryError(f"invalid header: {error}") from error
    if header.key.entry_id != path.stem:
        raise DamagedEntryError("the header describes a different entry than the file name")
    if header.codes.offset < PREFIX.size + header_length:
        raise DamagedEntryError("the code section overlaps the header")
    if header.scales.offset + header.scales.nbytes != size:
        raise DamagedEntryError(
            f"the file has {size} bytes but its header describes "
            f"{header.scales.offset + header.scales.nbytes}"
        )
    codes = np.frombuffer(
        buffer,
        dtype=code_dtype(header.key.precision, header.signed),
        count=header.codes.nbytes // np.dtype(header.dtype).itemsize,
        offset=header.codes.offset,
    ).reshape(header.slices, header.height, header.width, header.channels_per_texel)
    scales = np.frombuffer(
        buffer,
        dtype=np.dtype("<f4"),
        count=header.height * header.width,
        offset=header.scales.offset,
    ).reshape(header.height, header.width)
    return PreparedLayer(path=path, header=header, codes=codes, scales=scales)


class FeatureStore:
    """A directory of prepared feature maps and the analysis images they were computed from.

    Layout::

        <root>/features/v2/<entry_id>.cfm    feature files (v<FORMAT_VERSION>)
        <root>/images/<sha256>-<max_side>.png analysis images (resized, upright RGB)
        <root>/uploads/<sha256><suffix>      images people uploaded in the app, as uploaded
        <root>/locks/                        cross-process locks used during preparation
        <root>/tmp/                          files being written (renamed into place when complete)
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root if root is not None else default_store_root()).resolve()
        self.features_dir = self.root / "features" / f"v{FORMAT_VERSION}"
        self.images_dir = self.root / "images"
        self.uploads_dir = self.root / "uploads"
        self.locks_dir = self.root / "locks"
        self.tmp_dir = self.root / "tmp"

    def __repr__(self) -> str:
        return f"FeatureStore({str(self.root)!r})"

    # -- paths -------------------------------------------------------------------------------

    def feature_path(self, key: EntryKey) -> Path:
        return self.features_dir / f"{key.entry_id}{FEATURE_SUFFIX}"

    def image_path(self, image_sha256: str, max_side: int) -> Path:
        return self.images_dir / f"{image_sha256}-{max_side}.png"

    # -- writing -----------------------------------------------------------------------------

    def write(self, key: EntryKey, info: LayerInfo, layer: EncodedLayer) -> Path:
        """Write one entry atomically and return its path."""
        destination = self.feature_path(key)
        self._publish(destination, serialize(key, info, layer))
        return destination

    def write_image(self, image_sha256: str, max_side: int, png_bytes: bytes) -> Path:
        """Store the analysis image (PNG bytes) atomically and return its path."""
        if not png_bytes.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("the analysis image must be PNG bytes")
        destination = self.image_path(image_sha256, max_side)
        self._publish(destination, [png_bytes])
        return destination

    def write_upload(self, data: bytes, suffix: str) -> Path:
        """Keep an uploaded file under its SHA-256 (atomically; the same bytes, the same file)."""
        if not suffix.startswith(".") or not suffix[1:].isalnum():
            raise ValueError(f"an upload suffix looks like '.png', not {suffix!r}")
        destination = self.uploads_dir / f"{hashlib.sha256(data).hexdigest()}{suffix.lower()}"
        if not destination.is_file():
            self._publish(destination, [data])
        return destination

    def _publish(self, destination: Path, chunks: list[bytes | memoryview]) -> None:
        with self._writing(destination):
            destination.parent.mkdir(parents=True, exist_ok=True)
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
            descriptor, temporary_name = tempfile.mkstemp(
                prefix=destination.name + ".", suffix=".part", dir=self.tmp_dir
            )
            temporary = Path(temporary_name)
            try:
                # mkstemp makes the file private (0600); a store may be prepared by one user
                # and served by another, so published files get an ordinary file's mode.
                os.fchmod(descriptor, FILE_MODE)
                with os.fdopen(descriptor, "wb") as handle:
                    for chunk in chunks:
                        handle.write(chunk)
                    handle.flush()
                    os.fsync(handle.fileno())
                temporary.replace(destination)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
            _fsync_directory(destination.parent)

    @contextlib.contextmanager
    def _writing(self, target: Path) -> Iterator[None]:
        """Turn a failed write into a message that names the store and the cause."""
        try:
            yield
        except StoreWriteError:
            raise
        except OSError as error:
            hint = _WRITE_HINTS.get(error.errno or 0, "")
            raise StoreWriteError(
                f"cannot write {target}: {error.strerror or error}. {hint}To keep prepared "
                f"features somewhere else than {self.root}, set CLASSROOM_CACHE_DIR."
            ) from error

    @contextlib.contextmanager
    def lock(self, name: str, timeout: float = -1) -> Iterator[None]:
        """Hold a cross-process lock (used so that two processes never prepare the same work)."""
        lock_file = self.locks_dir / f"{name}.lock"
        with self._writing(lock_file):
            self.locks_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(lock_file, timeout=timeout):
            yield

    # -- reading -----------------------------------------------------------------------------

    def read(self, key: EntryKey) -> PreparedLayer | None:
        """The validated entry for ``key``, or ``None`` if it is missing or was damaged."""
        return self.read_path(self.feature_path(key))

    def read_entry(self, entry_id: str) -> PreparedLayer | None:
        """Like :meth:`read`, by entry id (as the browser asks for it)."""
        if len(entry_id) != 32 or any(c not in "0123456789abcdef" for c in entry_id):
            return None
        return self.read_path(self.features_dir / f"{entry_id}{FEATURE_SUFFIX}")

    def read_path(self, path: Path) -> PreparedLayer | None:
        """The validated entry at ``path``, or ``None`` if it is missing or was damaged."""
        try:
            # O_NONBLOCK: a FIFO left where an entry belongs must not hang the reader.
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except OSError as error:
            self._discard(path, f"cannot be opened ({error.strerror or error})")
            return None
        status: os.stat_result | None = None
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                kind = "a directory" if stat.S_ISDIR(status.st_mode) else "a special file"
                raise DamagedEntryError(f"is {kind}, not a file")
            if status.st_size == 0:
                raise DamagedEntryError("the file is empty")
            buffer = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
        except DamagedEntryError as error:
            self._discard(path, str(error), status)
            return None
        except OSError as error:
            self._discard(path, f"cannot be read ({error.strerror or error})", status)
            return None
        finally:
            os.close(descriptor)  # the memory map keeps its own reference to the file
        try:
            return parse(path, buffer)
        except DamagedEntryError as error:
            buffer.close()
            self._discard(path, str(error), status)
            return None

    def read_image(self, image_sha256: str, max_side: int) -> Path | None:
        """The stored analysis image, or ``None`` if it is missing or was damaged.

        PNG keeps a CRC over every chunk; checking them (no decoding) catches truncation and
        altered bytes, so a damaged picture is prepared again instead of reaching a browser.
        """
        from PIL import Image

        path = self.image_path(image_sha256, max_side)
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):
                raise DamagedEntryError("is not a file")
            with Image.open(path, formats=["PNG"]) as image:
                image.verify()
        except FileNotFoundError:
            return None
        except Exception as error:  # Pillow reports damage through many exception types
            damaged = isinstance(error, DamagedEntryError)
            self._discard(path, str(error) if damaged else f"not a valid PNG ({error})")
            return None
        return path

    def _discard(self, path: Path, reason: str, status: os.stat_result | None = None) -> None:
        """Report a damaged entry once and remove it, so that it is rebuilt rather than read.

        The report is once per process and per file version (device, inode, modification
        time), so an entry that cannot be removed, or many sessions reading it, log it once.
        ``status`` is of the file that was examined: if the name has meanwhile been given to a
        new, complete entry (a writer renamed it into place), that entry is left alone.
        """
        try:
            current = path.lstat()
        except FileNotFoundError:
            return  # another reader got there first
        except OSError:
            current = None
        if current is not None and status is not None and not _same_file(current, status):
            return  # a writer has replaced the damaged file since it was examined
        if not _first_report(path, status or current, reason):
            return
        _LOGGER.warning(
            "Discarding damaged store file %s: %s. It will be prepared again.", path, reason
        )
        try:
            if current is not None and stat.S_ISDIR(current.st_mode):
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            _LOGGER.warning(
                "Could not remove %s (%s); it is ignored until it is removed or replaced.",
                path,
                error.strerror or error,
            )

    def remove_stale_temporaries(self, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
        """Delete leftovers of interrupted writes; returns how many were removed."""
        removed = 0
        if not self.tmp_dir.is_dir():
            return removed
        cutoff = time.time() - older_than
        for leftover in self.tmp_dir.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
                    removed += 1
        return removed


#: (path, device, inode, mtime, reason) of damage already reported by this process. Process-wide
#: because every request and rerun makes its own FeatureStore; bounded so it cannot grow forever.
_REPORTED: dict[tuple[object, ...], None] = {}
_REPORTED_LOCK = threading.Lock()
_MAX_REPORTED: Final = 4096


def _first_report(path: Path, status: os.stat_result | None, reason: str) -> bool:
    """True the first time this version of ``path`` is reported damaged for ``reason``."""
    version = (status.st_dev, status.st_ino, status.st_mtime_ns) if status else None
    token = (str(path), version, reason)
    with _REPORTED_LOCK:
        if token in _REPORTED:
            return False
        if len(_REPORTED) >= _MAX_REPORTED:
            del _REPORTED[next(iter(_REPORTED))]
        _REPORTED[token] = None
        return True


def _same_file(first: os.stat_result, second: os.stat_result) -> bool:
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
