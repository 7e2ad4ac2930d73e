"""Build the similarity-view component bundle when its sources change.

Used by ``dev.py`` (development set-up) and by the wheel build hook (``tools/hatch_build.py``),
so that the bundle reaches users through the normal install. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["BUILD_DIR", "ensure_built", "npm_command", "source_hash"]

#: Where Vite writes the bundle, relative to the repository root (see frontend/vite.config.ts).
BUILD_DIR = Path("classroom") / "component" / "frontend_build"
STAMP = ".source-hash"
_INPUTS = (
    "package.json",
    "package-lock.json",
    "index.html",
    "bench.html",
    "vite.config.ts",
    "tsconfig.json",
)


class FrontendBuildError(RuntimeError):
    """Node.js is missing or the frontend build failed."""


def npm_command() -> list[str]:
    npm = shutil.which("npm") or shutil.which("npm.cmd")
    if npm is None:
        raise FrontendBuildError(
            "npm was not found: Node.js 20 or newer (with npm) is needed to build the component. "
            "Install it from https://nodejs.org/ and run the command again."
        )
    return [npm]


def _sources(frontend: Path) -> Iterable[Path]:
    for name in _INPUTS:
        path = frontend / name
        if path.exists():
            yield path
    yield from sorted(p for p in (frontend / "src").rglob("*") if p.is_file())


def source_hash(root: Path) -> str:
    """A hash of everything the bundle is built from."""
    frontend = root / "frontend"
    digest = hashlib.sha256()
    for path in _sources(frontend):
        digest.update(path.relative_to(frontend).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(command: list[str], cwd: Path, log: Callable[[str], None]) -> None:
    log("$ " + " ".join(command))
    completed = subprocess.run(command, cwd=cwd, check=False, env={**os.environ, "CI": "1"})
    if completed.returncode != 0:
        raise FrontendBuildError(
            f"`{' '.join(command)}` failed with exit code {completed.returncode}"
        )


def ensure_installed(root: Path, log: Callable[[str], None] = print) -> None:
    """``npm ci`` when node_modules does not match package-lock.json."""
    frontend = root / "frontend"
    stamp = frontend / "node_modules" / ".classroom-lock-hash"
    wanted = _file_hash(frontend / "package-lock.json")
    if stamp.exists() and stamp.read_text() == wanted:
        return
    _run([*npm_command(), "ci", "--no-audit", "--no-fund"], frontend, log)
    stamp.write_text(wanted)


def ensure_built(root: Path, *, log: Callable[[str], None] = print, force: bool = False) -> Path:
    """Build the bundle unless the one on disk was built from the current sources."""
    ensure_installed(root, log)
    build = root / BUILD_DIR
    wanted = source_hash(root)
    stamp = build / STAMP
    if (
        not force
        and stamp.exists()
        and stamp.read_text() == wanted
        and (build / "index.html").exists()
    ):
        return build
    _run([*npm_command(), "run", "build"], root / "frontend", log)
    if not (build / "index.html").exists():
        raise FrontendBuildError(f"the frontend build did not produce {build / 'index.html'}")
    stamp.write_text(wanted)
    return build
