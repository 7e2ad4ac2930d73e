"""Make torch and torchvision unimportable in every Python process a test starts.

:func:`site_directory` writes a ``sitecustomize.py`` that installs :class:`TorchBlocker`; put
the directory on ``PYTHONPATH`` and every process (``classroom open`` and the app it starts)
refuses those imports and writes each attempt into a log, which the test asserts is empty.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Final

__all__ = ["LOG_VARIABLE", "TorchBlocker", "install", "site_directory"]

BLOCKED: Final = ("torch", "torchvision")
LOG_VARIABLE: Final = "CLASSROOM_TEST_IMPORT_LOG"


class TorchBlocker:
    """A meta path finder that refuses torch and torchvision and writes down who asked."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        del path, target
        if name.partition(".")[0] in BLOCKED:
            with self.log.open("a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {name}\n")
            raise ModuleNotFoundError(f"{name} is blocked: a bundle viewer must not import it")
        return None


def install() -> None:
    """Install the blocker in this process, logging to ``$CLASSROOM_TEST_IMPORT_LOG``."""
    sys.meta_path.insert(0, TorchBlocker(Path(os.environ[LOG_VARIABLE])))


def site_directory(directory: Path) -> Path:
    """A directory whose ``sitecustomize.py`` installs the blocker (for ``PYTHONPATH``)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(
        "from tests.browser.no_torch import install\n\ninstall()\n", encoding="utf-8"
    )
    return directory
