"""Opening a bundle: every member checked before use, unpacked into a directory of its own.

A bundle from an untrusted source is data. Before a byte is unpacked: the archive's
directory, each name (nothing may escape), the manifest, each declared size against the
limits and against the archive's own record. While unpacking: no member may yield more bytes
than declared (a zip bomb stops there), and each must match its SHA-256. Then every feature
file and picture is validated in its own format and the lesson is loaded. Whatever fails, the
directory is removed and :class:`BundleError` names the bundle and the problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from classroom.bundle.errors import BundleError
from classroom.bundle.manifest import (
    FEATURES_PREFIX,
    IMAGES_PREFIX,
    MANIFEST_NAME,
    Limits,
    Manifest,
    Member,
    member_problem,
)
from classroom.networks.pinned import pin_name, pins_environment

__all__ = ["OpenedBundle", "open_bundle", "verify_bundle"]

_CHUNK: Final = 1024 * 1024
_READ_ONLY: Final = 0o444


@dataclass(frozen=True)
class OpenedBundle:
    """A verified bundle, unpacked: a lesson directory, its datasets and a store.

    Attributes:
        source: the bundle file.
        root: the private directory it was unpacked into (removed when it is closed).
        manifest: its table of contents.
    """

    source: Path
    root: Path
    manifest: Manifest

    @property
    def lessons_dir(self) -> Path:
        return self.root / "lessons"

    @property
    def datasets_dir(self) -> Path:
        return self.root / "datasets"

    @property
    def store_root(self) -> Path:
        return self.root / "store"

    @property
    def lesson_path(self) -> Path:
        return self.root / self.manifest.lesson

    def environment(self) -> dict[str, str]:
        """What the app needs to show this bundle: its lessons, store and pinned weights."""
        pins = {
            pin_name(pin.model, pin.weights): (pin.weights_id, pin.label, pin.untrained)
            for pin in self.manifest.pins
        }
        return {
            "CLASSROOM_CACHE_DIR": str(self.store_root),
            "CLASSROOM_LESSONS_DIR": str(self.lessons_dir),
            "CLASSROOM_DATASETS_DIR": str(self.datasets_dir),
            "CLASSROOM_UNTRAINED": "1" if self.manifest.untrained else "",
            **pins_environment(pins),
        }

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        """This process reads the bundle (its store, pinned weights) inside the block."""
        wanted = self.environment()
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ.update(wanted)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@contextlib.contextmanager
def open_bundle(
    path: Path, *, parent: Path | None = None, limits: Limits | None = None
) -> Iterator[OpenedBundle]:
    """Verify and unpack ``path`` under ``parent`` (default: the temporary directory).

    The unpacked files are read-only, and all of them are removed on leaving the block,
    or at once if the bundle is refused.

    Raises:
        BundleError: naming the bundle and what is wrong with it.
    """
    limits = limits or Limits()
    root = Path(tempfile.mkdtemp(prefix="classroom-bundle-", dir=parent))
    try:
        manifest = _unpack(path, root, limits)
        opened = OpenedBundle(path, root, manifest)
        _check_unpacked(opened)
    except BaseException:
        _remove(root)
        raise
    try:
        yield opened
    finally:
        _remove(root)


def verify_bundle(path: Path, *, limits: Limits | None = None) -> Manifest:
    """Check ``path`` completely (as :func:`open_bundle` does) and return its manifest."""
    with open_bundle(path, limits=limits) as opened:
        return opened.manifest


def _refuse(path: Path, problem: str) -> BundleError:
    return BundleError(f"{path.name}: {problem}; the bundle was refused and nothing was kept")


def _unpack(path: Path, root: Path, limits: Limits) -> Manifest:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BundleError(f"{path}: cannot be read ({error.strerror or error})") from error
    if not path.is_file():
        raise _refuse(path, "is not a file")
    if size > limits.bundle_bytes:
        raise _refuse(path, f"{size} bytes is more than a bundle may have ({limits.bundle_bytes})")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(path, archive, limits)
            for member in manifest.members:
                _extract(path, archive, member, root)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise _refuse(path, f"not a readable bundle: damaged or truncated ({error})") from error
    except OSError as error:
        raise _refuse(path, f"cannot be unpacked ({error.strerror or error})") from error
    return manifest


def _read_manifest(path: Path, archive: zipfile.ZipFile, limits: Limits) -> Manifest:
    infos = archive.infolist()
    if len(infos) > limits.members + 1:
        raise _refuse(path, f"{len(infos)} members is more than a bundle may have")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _refuse(path, "a member name appears twice")
    by_name = {info.filename: info for info in infos}
    for info in infos:
        if (problem := member_problem(info.filename)) is not None:
            raise _refuse(path, problem)
        if info.flag_bits & 0x1:
            raise _refuse(path, f"the member {info.filename!r} is encrypted")
        if info.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
            raise _refuse(path, f"the member {info.filename!r} uses an unsupported compression")
    manifest_info = by_name.get(MANIFEST_NAME)
    if manifest_info is None:
        raise _refuse(path, f"not a classroom bundle (no {MANIFEST_NAME})")
    if manifest_info.file_size > limits.manifest_bytes:
        raise _refuse(path, f"its {MANIFEST_NAME} is larger than a manifest may be")
    with archive.open(manifest_info) as stream:
        raw = stream.read(limits.manifest_bytes + 1)
    if len(raw) > limits.manifest_bytes:
        raise _refuse(path, f"its {MANIFEST_NAME} is larger than it declares")
    try:
        manifest = Manifest.model_validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _refuse(path, f"its {MANIFEST_NAME} is invalid at {where}: {first['msg']}") from None
    _check_declarations(path, manifest, by_name, limits)
    return manifest


def _check_declarations(
    path: Path, manifest: Manifest, by_name: dict[str, zipfile.ZipInfo], limits: Limits
) -> None:
    declared = [member.name for member in manifest.members]
    if len(set(declared)) != len(declared):
        raise _refuse(path, "the manifest lists a member twice")
    for name in declared:
        if name == MANIFEST_NAME or (problem := member_problem(name)) is not None:
            raise _refuse(path, problem or "the manifest lists itself")
    if manifest.lesson not in declared or not manifest.lesson.startswith("lessons/"):
        raise _refuse(path, f"the manifest's lesson {manifest.lesson!r} is not a lesson member")
    undeclared = sorted(set(by_name) - set(declared) - {MANIFEST_NAME})
    if undeclared:
        raise _refuse(path, f"the member {undeclared[0]!r} is not in the manifest")
    total = 0
    for member in manifest.members:
        info = by_name.get(member.name)
        if info is None:
            raise _refuse(path, f"the member {member.name!r} is missing (truncated?)")
        if member.size > limits.member_bytes:
            raise _refuse(
                path, f"the member {member.name!r} declares {member.size} bytes, over the limit"
            )
        if info.file_size != member.size:
            raise _refuse(
                path,
                f"the member {member.name!r} is {info.file_size} bytes in the archive but "
                f"{member.size} in the manifest",
            )
        total += member.size
        if total > limits.total_bytes:
            raise _refuse(
                path, f"its members unpack to more than {limits.total_bytes} bytes (a zip bomb?)"
            )
    for record in manifest.maps:
        if record.member not in declared or not record.member.startswith(FEATURES_PREFIX):
            raise _refuse(path, f"the map {record.member!r} is not a feature member")


def _extract(path: Path, archive: zipfile.ZipFile, member: Member, root: Path) -> None:
    """One member to ``root/name``, never more than its declared size, checked by SHA-256."""
    name, size = member.name, member.size
    target = root.joinpath(*name.split("/"))
    if not target.resolve().is_relative_to(root.resolve()):
        raise _refuse(path, f"the member path {name!r} escapes the bundle")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    with archive.open(name) as stream, os.fdopen(os.open(target, flags, 0o600), "wb") as sink:
        while chunk := stream.read(min(_CHUNK, size - written + 1)):
            written += len(chunk)
            if written > size:
                raise _refuse(
                    path, f"the member {name!r} holds more than its declared {size} bytes"
                )
            digest.update(chunk)
            sink.write(chunk)
    if written != size:
        raise _refuse(path, f"the member {name!r} has {written} of its {size} bytes (truncated)")
    if digest.hexdigest() != member.sha256:
        raise _refuse(path, f"the member {name!r} fails its checksum (altered or damaged)")
    target.chmod(_READ_ONLY)


def _check_unpacked(opened: OpenedBundle) -> None:
    """Each feature file and picture valid in its own format, the lesson loadable."""
    from classroom.lessons import LessonError, load_lesson
    from classroom.store import DamagedEntryError
    from classroom.store.format import parse

    source = opened.source
    for member in opened.manifest.members:
        file = opened.root / member.name
        if member.name.startswith(FEATURES_PREFIX):
            try:
                parse(file, file.read_bytes())
            except DamagedEntryError as error:
                raise _refuse(source, f"the map {member.name!r} is damaged: {error}") from None
        elif member.name.startswith(IMAGES_PREFIX):
            _check_png(source, file, member.name)
    try:
        load_lesson(opened.lesson_path, datasets_dir=opened.datasets_dir)
    except LessonError as error:
        raise _refuse(source, f"its lesson has problems:\n{error}") from None


def _check_png(source: Path, file: Path, name: str) -> None:
    from PIL import Image

    try:
        with Image.open(file, formats=["PNG"]) as image:
            image.verify()
    except Exception as error:  # Pillow reports damage through many exception types
        raise _refuse(source, f"the picture {name!r} is not a valid PNG ({error})") from None


def _remove(root: Path) -> None:
    """Remove an unpacked bundle, read-only files included (Windows will not delete those)."""
    for directory, _, names in os.walk(root):
        for name in names:
            with contextlib.suppress(OSError):
                Path(directory, name).chmod(stat.S_IREAD | stat.S_IWRITE)
    shutil.rmtree(root, ignore_errors=True)
