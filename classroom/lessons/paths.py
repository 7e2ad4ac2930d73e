"""Files a lesson names: paths inside the datasets directory, and the images' shown sizes."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from classroom.lessons.problems import suggest
from classroom.lessons.schema import DEFAULT_MAX_SIDE

__all__ = ["image_size", "resolve_data_path"]


def resolve_data_path(datasets: Path, written: str) -> Path:
    """The file a path in a lesson names (an image, a weights or model file), refusing every
    way out of ``datasets``.

    Raises:
        ValueError: for absolute paths, ``..``, symbolic links that lead outside, and paths
            that do not name an existing file.
    """
    if "\\" in written:
        raise ValueError(f"use '/' between folder names, found '{written}'")
    relative = PurePosixPath(written)
    if relative.is_absolute() or PureWindowsPath(written).drive:
        raise ValueError(
            f"expected a path inside the datasets directory, found the absolute path '{written}'"
        )
    if ".." in relative.parts:
        raise ValueError(
            f"'..' is not allowed: images must stay inside datasets/, found '{written}'"
        )
    root = datasets.resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError) as error:  # a loop of symbolic links
        raise ValueError(f"'{written}' cannot be resolved: {error}") from error
    if not target.is_relative_to(root):
        raise ValueError(f"'{written}' is a symbolic link that points outside datasets/")
    if not target.is_file():
        if target.exists():
            raise ValueError(f"'{written}' is not a file")
        folder = target.parent
        siblings = [path.name for path in folder.iterdir()] if folder.is_dir() else []
        raise ValueError(
            f"'{written}' does not exist in {datasets}{suggest(relative.name, siblings)}"
        )
    return target


def image_size(path: Path, max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int]:
    """``(width, height)`` as the image is shown, i.e. after its EXIF rotation.

    Reads the header only, and applies preparation's own rules (:mod:`classroom.images`), so
    that a lesson that passes the check does not fail later for its pictures' sake.

    Raises:
        ValueError: if the file is not an image in a supported format, is damaged, has too
            many pixels, or is too small or narrow to prepare at ``max_side``; the message
            names the file.
    """
    from classroom import image_headers

    try:
        width, height = image_headers.upright_size(path, verify=True)
        image_headers.check_size(path, width, height, max_side)
    except image_headers.ImageError as error:
        # The picture's own file, not only the lesson's line: it is what has to be replaced.
        raise ValueError(str(error)) from None
    return width, height
