"""How much room the store takes, area by area (``classroom store``).

So that someone whose disk fills up sees where the bytes are (feature files, technique results,
generated images, collections' arrays, uploads) before deciding what to prune, and what a
prune freed. Sizes are of regular files; links are not followed; nothing is created.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from classroom.store.files import FeatureStore

__all__ = ["AreaUsage", "StoreUsage", "measure_folder", "store_from_cli", "store_usage"]


@dataclass(frozen=True)
class AreaUsage:
    """One area of the store (``features``, ``results``, ...): its files and their bytes."""

    name: str
    files: int
    nbytes: int


@dataclass(frozen=True)
class StoreUsage:
    """Every area of the store at ``root``, largest first."""

    root: Path
    areas: tuple[AreaUsage, ...]

    @property
    def nbytes(self) -> int:
        return sum(area.nbytes for area in self.areas)

    def table(self) -> str:
        """A plain table for the terminal, one line per area and the total."""
        lines = [f"{'area':<14}{'files':>8}{'MB':>11}"]
        for area in self.areas:
            lines.append(f"{area.name:<14}{area.files:>8}{area.nbytes / 1e6:>11.1f}")
        files = sum(area.files for area in self.areas)
        lines.append(f"{'total':<14}{files:>8}{self.nbytes / 1e6:>11.1f}")
        return "\n".join(lines)


def measure_folder(folder: Path) -> tuple[int, int]:
    """The regular files under ``folder`` and their bytes (files removed meanwhile skipped)."""
    files = nbytes = 0
    for directory, _, names in os.walk(folder):  # os.walk follows no links to folders
        for name in names:
            try:
                status = (Path(directory) / name).lstat()
            except OSError:
                continue  # removed meanwhile
            if stat.S_ISREG(status.st_mode):
                files += 1
                nbytes += status.st_size
    return files, nbytes


def store_usage(store: FeatureStore) -> StoreUsage:
    """The size of each top-level area of ``store`` that holds files (a file at the top counts
    as ``other``)."""
    areas: list[AreaUsage] = []
    loose = AreaUsage("other", 0, 0)
    try:
        children = sorted(store.root.iterdir())
    except OSError:
        children = []
    for child in children:
        try:
            mode = child.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            files, nbytes = measure_folder(child)
            if files:  # an empty area (the temporaries' folder, mostly) says nothing
                areas.append(AreaUsage(child.name, files, nbytes))
        elif stat.S_ISREG(mode):
            loose = AreaUsage("other", loose.files + 1, loose.nbytes + child.lstat().st_size)
    if loose.files:
        areas.append(loose)
    areas.sort(key=lambda area: (-area.nbytes, area.name))
    return StoreUsage(store.root, tuple(areas))


def store_from_cli(store: FeatureStore, *, prune: bool, echo: Callable[[str], None]) -> None:
    """``classroom store [--prune]``: the size of each area; with ``--prune``, first remove
    what nobody reads again and every damaged cache file (:meth:`FeatureStore.maintain`)."""
    if prune:
        echo(store.maintain(verify=True).summary())
    echo(f"{store.root}:")
    echo(store_usage(store).table())
