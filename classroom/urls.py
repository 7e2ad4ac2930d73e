"""Where the browser fetches store files: the URL scheme the server's route answers and the
component's arguments name (both import it from here, so neither imports the other)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["FILES_PREFIX", "file_url"]

FILES_PREFIX: Final = "/classroom/files/"


def file_url(path: Path, version: str | None = None) -> str:
    """The URL under which the browser fetches a store file (a feature file or an image).

    ``version`` is the file's checksum: the URL changes whenever the content does, so the
    route may let a browser keep what it fetched under a versioned URL for good.
    """
    return FILES_PREFIX + path.name + ("" if version is None else f"?v={version}")
