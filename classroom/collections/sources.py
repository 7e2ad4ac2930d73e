"""Where a collection's images come from: scikit-learn's digits, the shapes generator, a folder.

A collection is a named set of labelled images of one size, the unit every view across images
works on (nearest neighbours, embeddings, averages, top patches). Its :attr:`Collection.identity`
names exactly which images it holds (source, count, seed, or the folder's file hashes), so the
vectors computed from it can be cached under that name and never describe other images.

Numpy and Pillow only: no torch here.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "SOURCES",
    "Collection",
    "CollectionError",
    "SourceName",
    "digits_collection",
    "folder_collection",
    "load_collection",
    "shapes_collection",
]

SourceName = Literal["digits", "shapes", "folder"]
SOURCES: Final[tuple[SourceName, ...]] = ("digits", "shapes", "folder")
#: The seed of the shapes a collection draws: neither a training seed nor the held-out one
#: (:data:`classroom.trained.data.HELD_OUT_SEED`), so no collection repeats what was trained on.
_SHAPES_SEED: Final = 2_000_000
_FOLDER_SUFFIXES: Final = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
_LABELS_FILE: Final = "labels.csv"


class CollectionError(ValueError):
    """A collection cannot be made (the message names the folder or file and the problem)."""


@dataclass(frozen=True, eq=False)
class Collection:
    """Labelled images of one size.

    Attributes:
        name: what lessons and the app call it.
        identity: a string that changes whenever the images could (cache keys derive from it).
        images: ``(N, H, W, 3)`` uint8 RGB, read-only.
        labels: ``(N,)`` int64 indices into ``class_names``.
        class_names: the classes, in label order.
    """

    name: str
    identity: str
    images: npt.NDArray[np.uint8]
    labels: npt.NDArray[np.int64]
    class_names: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.images.ndim != 4 or self.images.shape[-1] != 3 or self.images.dtype != np.uint8:
            raise CollectionError(
                f"collection {self.name}: images must be (N, H, W, 3) uint8, "
                f"not {self.images.shape} {self.images.dtype}"
            )
        if self.labels.shape != (len(self.images),):
            raise CollectionError(f"collection {self.name}: one label per image is needed")
        if len(self.images) and not 0 <= int(self.labels.min()) <= int(self.labels.max()) < len(
            self.class_names
        ):
            raise CollectionError(f"collection {self.name}: a label has no class name")

    def __len__(self) -> int:
        return len(self.images)

    @property
    def label_names(self) -> list[str]:
        """Each image's class name."""
        return [self.class_names[label] for label in self.labels]


def _frozen(images: npt.NDArray[np.uint8], labels: npt.NDArray[np.int64]) -> None:
    images.setflags(write=False)
    labels.setflags(write=False)


def _pick(total: int, count: int, seed: int) -> npt.NDArray[np.int64]:
    """``count`` of ``range(total)`` drawn without replacement by ``seed``, in sorted order."""
    if count < 1:
        raise CollectionError(f"a collection needs at least one image, not {count}")
    count = min(count, total)
    chosen = np.random.default_rng(seed).permutation(total)[:count]
    return np.sort(chosen).astype(np.int64)


def digits_collection(
    count: int = 300, seed: int = 0, *, held_out: bool = True, name: str = "digits"
) -> Collection:
    """``count`` of scikit-learn's digits as the digits network sees them (32 x 32).

    Args:
        count: how many (at most all of the split).
        seed: which ones (a seeded draw, the same on every machine).
        held_out: draw from the digits the network did not train on (the default, as Seein'
            In analyses MNIST's test set), else from all 1,797.
    """
    from classroom.trained.digits import digits_images, digits_split

    if held_out:
        split = digits_split()
        images, labels = split.held_out_images, split.held_out_labels
    else:
        images, labels = digits_images()
    chosen = _pick(len(labels), count, seed)
    picked, picked_labels = images[chosen].copy(), labels[chosen].copy()
    _frozen(picked, picked_labels)
    part = "held-out" if held_out else "all"
    return Collection(
        name=name,
        identity=f"digits:{part}:{len(chosen)}:{seed}",
        images=picked,
        labels=picked_labels,
        class_names=tuple(str(digit) for digit in range(10)),
    )


def shapes_collection(
    count: int = 250, seed: int = 0, *, side: int = 96, name: str = "shapes"
) -> Collection:
    """``count`` generated shapes (classes balanced, as the generator makes them), ``side``
    pixels square, drawn with a seed no training run uses."""
    from classroom.trained.scenes import shapes_batch
    from classroom.trained.shapes import SHAPE_CLASSES

    if count < 1:
        raise CollectionError(f"a collection needs at least one image, not {count}")
    batch = shapes_batch(_SHAPES_SEED + seed, 0, count, side, side)
    images, labels = batch.images, batch.labels
    _frozen(images, labels)
    return Collection(
        name=name,
        identity=f"shapes:{count}:{seed}:{side}",
        images=images,
        labels=labels,
        class_names=SHAPE_CLASSES,
    )


def _folder_entries(folder: Path) -> list[tuple[Path, str]]:
    """(file, class name) pairs: from ``labels.csv`` (``file,label`` rows) if present, else
    each sub-folder is a class; files directly in the folder belong to the class ``-``."""
    labels_file = folder / _LABELS_FILE
    if labels_file.is_file():
        entries = []
        with labels_file.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                if not row or row[0].startswith("#") or row == ["file", "label"]:
                    continue
                if len(row) != 2 or not row[0].strip() or not row[1].strip():
                    raise CollectionError(
                        f"{labels_file}, line {number}: expected 'file,label', found {row}"
                    )
                path = (folder / row[0].strip()).resolve()
                if not path.is_relative_to(folder.resolve()) or not path.is_file():
                    raise CollectionError(
                        f"{labels_file}, line {number}: no image {row[0]!r} in {folder}"
                    )
                entries.append((path, row[1].strip()))
        return entries
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in _FOLDER_SUFFIXES)
    return [(p, p.parent.name if p.parent != folder else "-") for p in files]


def folder_collection(folder: Path, side: int, *, name: str | None = None) -> Collection:
    """The images of ``folder`` (labels from ``labels.csv`` or sub-folders), each scaled and
    centre-cropped to ``side`` x ``side`` pixels so that they stack.

    Raises:
        CollectionError: naming the folder or file: none, an unreadable image, a bad CSV row.
    """
    from PIL import Image

    from classroom.images import ImageError, load_analysis_image

    if not folder.is_dir():
        raise CollectionError(f"{folder}: not a folder of images")
    entries = _folder_entries(folder)
    if not entries:
        raise CollectionError(f"{folder}: no images ({', '.join(_FOLDER_SUFFIXES)})")
    class_names = tuple(sorted({label for _, label in entries}))
    digest = hashlib.sha256()
    pictures, labels = [], []
    for path, label in entries:
        try:  # the same safe opening as a lesson's images: size limits, EXIF orientation
            rgb = load_analysis_image(path, max_side=max(64, 4 * side)).image
        except ImageError as error:
            raise CollectionError(str(error)) from None
        scale = side / min(rgb.size)
        size = (max(side, round(rgb.width * scale)), max(side, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.BILINEAR)
        left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
        pixels = np.asarray(rgb.crop((left, top, left + side, top + side)), dtype=np.uint8)
        pictures.append(pixels)
        labels.append(class_names.index(label))
        digest.update(path.relative_to(folder.resolve()).as_posix().encode() + b"\0")
        digest.update(label.encode() + b"\0" + pixels.tobytes())
    images = np.stack(pictures)
    label_array = np.asarray(labels, dtype=np.int64)
    _frozen(images, label_array)
    return Collection(
        name=name or folder.name,
        identity=f"folder:{side}:{digest.hexdigest()[:32]}",
        images=images,
        labels=label_array,
        class_names=class_names,
    )


def load_collection(
    source: SourceName,
    *,
    name: str,
    count: int = 300,
    seed: int = 0,
    folder: Path | None = None,
    side: int = 96,
) -> Collection:
    """The collection a lesson declares (see :func:`digits_collection` and the others)."""
    if source == "digits":
        return digits_collection(count, seed, name=name)
    if source == "shapes":
        return shapes_collection(count, seed, side=side, name=name)
    if folder is None:
        raise CollectionError(f"collection {name}: a folder collection needs its folder")
    return folder_collection(folder, side, name=name)
