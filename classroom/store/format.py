"""The feature-file format (``docs/feature-format.md``): keys, headers, bytes in and out.

An entry is addressed by everything that determines its bytes (:class:`EntryKey`): the image
content hash and size cap, the model, the weights identity, the layer and the precision. A
changed image or model therefore never serves stale features. :func:`serialize` writes the
chunks of a file; :func:`parse` validates a whole file held in memory (magic, version, header,
sizes and a checksum over everything after the fixed prefix) and returns read-only views into
it; :func:`verify_stream` validates a file by reading it through once, without keeping it.

Files are read, never memory-mapped: a file that someone truncates or rewrites while it is
mapped would kill the process (SIGBUS) on the next access to the missing pages.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from classroom.encoding import (
    CODE_DTYPES,
    TEXEL_BYTES,
    EncodedLayer,
    Precision,
    channels_per_texel,
    code_dtype,
)
from classroom.json_schema import plain
from classroom.store.opening import DamagedEntryError, read_regular

__all__ = [
    "ALIGNMENT",
    "FEATURE_SUFFIX",
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_HEADER_BYTES",
    "PREFIX",
    "DamagedEntryError",
    "EntryKey",
    "FeatureFileHeader",
    "LayerInfo",
    "PreparedLayer",
    "header_schema",
    "parse",
    "serialize",
    "verify_stream",
]

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Positive = Annotated[int, Field(gt=0)]

MAGIC: Final = b"CLSFEAT\x00"
FORMAT_VERSION: Final = 2
#: magic (8) + version (uint32) + header length (uint32) + blake2b-128 digest (16)
PREFIX: Final = struct.Struct("<8sII16s")
ALIGNMENT: Final = 64
#: A header is a few hundred bytes; anything larger is damage, not data.
MAX_HEADER_BYTES: Final = 64 * 1024
FEATURE_SUFFIX: Final = ".cfm"


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


class Section(_Strict):
    """Where a data section lies in the file, in bytes."""

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
    codes: Section
    scales: Section

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
        # The grid (width, height) is authoritative: it is what the network produced, and no
        # formula of image size and stride holds for every network (docs/feature-format.md).
        if self.codes.nbytes != self.slices * self.height * self.width * TEXEL_BYTES:
            raise ValueError("the code section size does not match the shape")
        if self.scales.nbytes != self.height * self.width * 4:
            raise ValueError("the scale section size does not match the shape")
        if self.codes.offset % ALIGNMENT or self.scales.offset % ALIGNMENT:
            raise ValueError("a data section is not aligned")
        if self.scales.offset < self.codes.offset + self.codes.nbytes:
            raise ValueError("the data sections overlap")


def header_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`FeatureFileHeader`, from which the browser's header type
    (``frontend/src/featureHeader.generated.ts``) is generated and against which it validates
    every header it reads (``frontend/src/featureHeader.schema.json``)."""
    schema = FeatureFileHeader.model_json_schema(ref_template="#/$defs/{model}")
    definitions = plain(schema.pop("$defs", {}))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated from classroom.store.format.FeatureFileHeader by "
        "tests/test_feature_fixtures.py (CLASSROOM_UPDATE_GENERATED=1); do not edit.",
        **plain(schema),
        "$defs": dict(sorted(definitions.items())),
    }


@dataclass(frozen=True, eq=False)
class PreparedLayer:
    """A validated entry: where it is, its header and its checksum.

    The codes and scales are read-only arrays read from the file when first asked for (and
    checked again then): the app only needs headers, so a process keeping many entries keeps
    only headers, and no file is ever mapped into memory.
    """

    path: Path
    header: FeatureFileHeader
    #: The BLAKE2b-128 of everything after the prefix, in hex: it changes with the content.
    digest: str
    _arrays: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict, repr=False)

    @property
    def entry_id(self) -> str:
        return self.path.stem

    @property
    def nbytes(self) -> int:
        return self.header.scales.offset + self.header.scales.nbytes

    @property
    def codes(self) -> npt.NDArray[np.generic]:
        """(slices, height, width, channels per texel) codes.

        Raises:
            DamagedEntryError: if the file changed or was damaged since it was validated.
        """
        return self._load()["codes"]

    @property
    def scales(self) -> npt.NDArray[np.float32]:
        """(height, width) per-cell scales; raises like :attr:`codes`."""
        scales: npt.NDArray[np.float32] = self._load()["scales"]  # type: ignore[assignment]
        return scales

    def encoded(self) -> EncodedLayer:
        return EncodedLayer(
            codes=self.codes,
            scales=self.scales,
            channels=self.header.channels,
            precision=self.header.key.precision,
            signed=self.header.signed,
        )

    def _load(self) -> dict[str, npt.NDArray[np.generic]]:
        if not self._arrays:
            try:
                data = read_regular(self.path)  # a link or FIFO put here since is refused
            except OSError as error:
                raise DamagedEntryError(f"cannot be read ({error.strerror or error})") from error
            fresh = parse(self.path, data)
            if fresh.digest != self.digest:
                raise DamagedEntryError("the file changed since it was validated")
            self._arrays.update(fresh._arrays)
        return self._arrays


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
            codes=Section(offset=codes_offset, nbytes=codes.nbytes),
            scales=Section(offset=scales_offset, nbytes=scales.nbytes),
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


def _prefix(prefix: bytes, size: int) -> tuple[int, bytes]:
    """The header length and digest of a file of ``size`` bytes starting with ``prefix``.

    Raises:
        DamagedEntryError: naming what is wrong.
    """
    if size < PREFIX.size or len(prefix) < PREFIX.size:
        raise DamagedEntryError(f"{size} bytes is shorter than the {PREFIX.size}-byte prefix")
    magic, version, header_length, digest = PREFIX.unpack_from(prefix, 0)
    if magic != MAGIC:
        raise DamagedEntryError("not a classroom feature file (wrong magic bytes)")
    if version != FORMAT_VERSION:
        age = "an older" if version < FORMAT_VERSION else "a newer"
        raise DamagedEntryError(
            f"written by {age} format version ({version}); this is version {FORMAT_VERSION}"
        )
    if header_length > min(MAX_HEADER_BYTES, size - PREFIX.size):
        raise DamagedEntryError(f"header length {header_length} does not fit the file")
    return int(header_length), bytes(digest)


def _header(path: Path, header_bytes: bytes, header_length: int, size: int) -> FeatureFileHeader:
    """The header, once it is consistent with itself, the file name and the file's size.

    Raises:
        DamagedEntryError: naming what is wrong.
    """
    try:
        header = FeatureFileHeader.model_validate_json(header_bytes)
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
    return header


def parse(path: Path, data: bytes) -> PreparedLayer:
    """Validate a whole feature file held in memory; its arrays are views into ``data``.

    Raises:
        DamagedEntryError: naming what is wrong.
    """
    size = len(data)
    header_length, digest = _prefix(data[: PREFIX.size], size)
    if hashlib.blake2b(memoryview(data)[PREFIX.size :], digest_size=16).digest() != digest:
        raise DamagedEntryError("checksum mismatch: the file was truncated or altered")
    header = _header(path, data[PREFIX.size : PREFIX.size + header_length], header_length, size)
    codes = np.frombuffer(
        data,
        dtype=code_dtype(header.key.precision, header.signed),
        count=header.codes.nbytes // np.dtype(header.dtype).itemsize,
        offset=header.codes.offset,
    ).reshape(header.slices, header.height, header.width, header.channels_per_texel)
    scales = np.frombuffer(
        data,
        dtype=np.dtype("<f4"),
        count=header.height * header.width,
        offset=header.scales.offset,
    ).reshape(header.height, header.width)
    return PreparedLayer(path, header, digest.hex(), {"codes": codes, "scales": scales})


#: Bytes read at a time when a file is validated by streaming it.
STREAM_CHUNK: Final = 1 << 20


def verify_stream(path: Path, size: int, read_at: Callable[[int, int], bytes]) -> PreparedLayer:
    """Validate a feature file of ``size`` bytes by reading it through once.

    ``read_at(offset, count)`` returns up to ``count`` bytes from ``offset`` (``os.pread`` on
    an open file). A file that ends early, or grows, fails the size checks; nothing is kept
    but the header, so the arrays of the result are read again when asked for.

    Raises:
        DamagedEntryError: naming what is wrong.
    """
    head = read_at(0, PREFIX.size + MAX_HEADER_BYTES)
    header_length, digest = _prefix(head[: PREFIX.size], size)
    hasher = hashlib.blake2b(head[PREFIX.size : size], digest_size=16)
    offset = min(len(head), size)
    while offset < size:
        chunk = read_at(offset, min(STREAM_CHUNK, size - offset))
        if not chunk:
            raise DamagedEntryError(f"the file ended after {offset} of {size} bytes")
        hasher.update(chunk)
        offset += len(chunk)
    if read_at(size, 1):
        raise DamagedEntryError(f"the file grew beyond {size} bytes while it was read")
    if hasher.digest() != digest:
        raise DamagedEntryError("checksum mismatch: the file was truncated or altered")
    header_bytes = head[PREFIX.size : PREFIX.size + header_length]
    return PreparedLayer(path, _header(path, header_bytes, header_length, size), digest.hex())
