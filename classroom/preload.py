"""What the server imports before it answers anyone, so the first student does not wait on it.

Streamlit imports the page script's modules on a session's first run, and its components
import pyarrow on the first component drawn: together about a second on 2 cores (more on a
busy machine), which the first student of a class used to wait for on top of their own open
(issue 13's cold open). The server imports them (and lets Pillow register its image plugins)
while it starts (its lifespan), before it accepts a connection; nothing else changes (no
session, no cache is filled).

The page's modules are read from the script's own ``import`` statements, so the list cannot
drift from what the page imports.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Final

__all__ = ["ALSO_IMPORTED", "page_imports", "preload", "preloading"]

_log = logging.getLogger(__name__)

#: Imported by Streamlit on a session's first component (``components.v1`` needs pyarrow).
ALSO_IMPORTED: Final = ("pyarrow", "streamlit.components.v1.component_arrow")


def page_imports(script: Path) -> list[str]:
    """The modules ``script`` imports at its top level, in order.

    ``from package import name`` counts ``package.name`` when that is a module of its own
    (``from classroom import shared``), else ``package``.
    """
    tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if importlib.util.find_spec(node.module) is not None
                and _is_module(f"{node.module}.{alias.name}")
            )
    return [name for name in dict.fromkeys(names) if name != "__future__"]


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module (found without importing it; its parent is imported)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def preload(script: Path) -> list[str]:
    """Import what ``script`` and Streamlit's components import; the modules that failed.

    A module that fails here is left to fail where the page imports it, with the page's own
    message: preloading only moves work earlier, it never decides anything.
    """
    failed = []
    for name in [*page_imports(script), *ALSO_IMPORTED]:
        try:
            importlib.import_module(name)
        except Exception:
            _log.debug("preloading %s failed", name, exc_info=True)
            failed.append(name)
    # Pillow registers its image plugins on first use (a quarter of a second on 2 cores):
    # the first lesson's image check would wait for it.
    from PIL import Image

    Image.init()
    return failed


def preloading(script: Path) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """A Streamlit ``App`` lifespan that preloads ``script``'s imports while the server starts."""

    @asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        await asyncio.to_thread(preload, script)
        yield

    return lifespan
