"""Packing a prepared lesson into one bundle file: :func:`write_bundle`.

Deterministic: members in name order, fixed timestamps and modes, the same compression, so
the same lesson, pictures and prepared maps always give the same bytes (and the same hash).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from classroom import __version__, images, networks
from classroom.bundle.errors import BundleError
from classroom.bundle.manifest import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    DATASETS_PREFIX,
    FEATURES_PREFIX,
    IMAGES_PREFIX,
    LESSONS_PREFIX,
    MANIFEST_NAME,
    Manifest,
    MapRecord,
    Member,
    Pin,
)
from classroom.lessons import Lesson, load_lesson
from classroom.lessons.loader import default_datasets_dir
from classroom.networks.pinned import pin_name
from classroom.preparation.across_collections import across_requests
from classroom.preparation.pipeline import entry_keys, weights_name
from classroom.preparation.requests import requests_for_lesson
from classroom.store import FEATURE_SUFFIX, FeatureStore

__all__ = ["BundleSummary", "write_bundle"]

#: The zip format's earliest date: no clock of the instructor's machine in the bytes.
_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
#: Already compressed: deflating them again costs time and gains nothing.
_STORED_SUFFIXES: Final = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".tif", ".tiff"})


@dataclass(frozen=True)
class BundleSummary:
    """What :func:`write_bundle` wrote."""

    path: Path
    bundle_bytes: int
    map_bytes: int
    maps: int
    sha256: str


def write_bundle(
    lesson_path: Path,
    output: Path,
    *,
    store: FeatureStore | None = None,
    untrained: bool = False,
    weights_file: Path | None = None,
) -> BundleSummary:
    """Pack the prepared lesson at ``lesson_path`` into ``output`` (written atomically).

    Raises:
        classroom.lessons.LessonError: the lesson file has problems.
        BundleError: the lesson is not fully prepared, or names files a bundle cannot carry.
        classroom.networks.WeightsUnavailableError: its weights are not on this machine.
    """
    store = store if store is not None else FeatureStore()
    lesson = load_lesson(lesson_path)
    if lesson.model_file is not None or any(
        networks.is_weights_file(weights) for _, weights, _ in lesson.feature_needs()
    ):
        raise BundleError(
            f"{lesson_path}: the lesson names its own model or weights file; bundles carry "
            "only maps of registry networks (their weights stay off the students' machines)"
        )
    files: dict[str, bytes | Path] = {}
    pins: dict[str, Pin] = {}
    maps: list[MapRecord] = []
    missing: list[str] = []
    # A step lighting up a collection's images: their maps travel too (the images themselves
    # are made again, the same bytes, where the bundle is opened).
    for request in [*requests_for_lesson(lesson), *across_requests(lesson, store)]:
        name = weights_name(request, untrained)
        identity = networks.resolve_weights(
            request.network, name, weights_file=weights_file, download=False
        ).identity
        pins[pin_name(request.architecture, name)] = Pin(
            model=request.architecture,
            weights=name,
            weights_id=identity.weights_id,
            label=identity.label,
            untrained=identity.untrained,
        )
        image_sha256 = images.content_sha256(request.image)
        analysis = store.read_image(image_sha256, request.max_side)
        if analysis is None:
            missing.append(f"{request.name}: the analysis image")
        else:
            files[IMAGES_PREFIX + analysis.name] = analysis
        for layer, key in entry_keys(request, image_sha256, identity).items():
            prepared = store.read(key)
            if prepared is None:
                missing.append(f"{request.name}: {layer}")
                continue
            member = f"{FEATURES_PREFIX}{key.entry_id}{FEATURE_SUFFIX}"
            files[member] = prepared.path
            maps.append(
                MapRecord(
                    member=member,
                    image=request.image.name,
                    model=key.model,
                    weights_id=key.weights_id,
                    layer=layer,
                    precision=key.precision,
                )
            )
    if missing:
        flag = " --untrained" if untrained else ""
        raise BundleError(
            f"{lesson_path}: {len(missing)} prepared map(s) are missing ({', '.join(missing[:3])}"
            f"{', ...' if len(missing) > 3 else ''}). Run `classroom prepare {lesson_path}{flag}`"
            " first, with the same store (CLASSROOM_CACHE_DIR)."
        )
    files.update(_lesson_files(lesson))
    return _write_zip(output, files=files, lesson=lesson, untrained=untrained, pins=pins, maps=maps)


def _lesson_files(lesson: Lesson) -> dict[str, bytes | Path]:
    """The lesson file, its pictures (as the lesson names them) and the datasets' licences."""
    datasets = default_datasets_dir(lesson.path).resolve()
    files: dict[str, bytes | Path] = {LESSONS_PREFIX + lesson.path.name: lesson.path}
    for image in lesson.images:
        relative = image.path.resolve().relative_to(datasets).as_posix()
        files[DATASETS_PREFIX + relative] = image.path
    licences = datasets / "LICENSES.md"
    if licences.is_file():
        files[DATASETS_PREFIX + licences.name] = licences
    return files


def _write_zip(
    output: Path,
    *,
    files: dict[str, bytes | Path],
    lesson: Lesson,
    untrained: bool,
    pins: dict[str, Pin],
    maps: list[MapRecord],
) -> BundleSummary:
    contents = {
        name: source if isinstance(source, bytes) else source.read_bytes()
        for name, source in sorted(files.items())
    }
    manifest = Manifest(
        format=BUNDLE_FORMAT,
        version=BUNDLE_VERSION,
        classroom_version=__version__,
        lesson=LESSONS_PREFIX + lesson.path.name,
        untrained=untrained,
        pins=sorted(pins.values(), key=lambda pin: (pin.model, pin.weights)),
        maps=sorted(maps, key=lambda record: record.member),
        members=[
            Member(name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest())
            for name, data in contents.items()
        ],
    )
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(
        prefix=output.name + ".", suffix=".part", dir=output.parent
    )
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            _add(archive, MANIFEST_NAME, manifest.model_dump_json(indent=1).encode())
            for name, data in contents.items():
                _add(archive, name, data)
        temporary.chmod(0o644)
        temporary.replace(output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return BundleSummary(
        path=output,
        bundle_bytes=output.stat().st_size,
        map_bytes=sum(len(contents[record.member]) for record in manifest.maps),
        maps=len(manifest.maps),
        sha256=hashlib.sha256(output.read_bytes()).hexdigest(),
    )


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.create_system = 3  # Unix, on every machine: the same bytes everywhere
    info.external_attr = 0o644 << 16
    stored = Path(name).suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    archive.writestr(info, data, compresslevel=None if stored else 6)
