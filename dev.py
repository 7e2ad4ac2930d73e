#!/usr/bin/env python3
"""Set up and run classroom from a fresh clone: ``python3 dev.py run`` / ``python3 dev.py test``.

Needs only Python 3.11+, Node.js 20+ with npm, and access to the package registries. Every
step is idempotent and cheap when there is nothing to do:

1. uv (from PyPI, into ``.dev/`` unless it is already on PATH) creates ``.venv`` from
   ``uv.lock``: the locked torch + torchvision pair, Streamlit and the dev tools.
2. npm installs the frontend's locked dependencies and builds the component bundle into
   ``classroom/component/frontend_build`` when its sources changed.
3. For ``test``: Chromium for the browser tests (``apt-get install chromium`` where the machine
   allows it), then linters, type checkers, vitest and pytest.

Only the standard library is used here, because this runs before any environment exists.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

import frontend  # noqa: E402  (tools/frontend.py, importable without any dependency)

UV_VERSION = "0.13.9"
DEV_DIR = ROOT / ".dev"
VENV = ROOT / ".venv"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class SetupError(RuntimeError):
    """A set-up step failed; the message says what to do."""


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(
    command: list[str | os.PathLike[str]], *, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> None:
    shown = " ".join(str(part) for part in command)
    say(f"$ {shown}")
    completed = subprocess.run([str(part) for part in command], cwd=cwd, env=env, check=False)
    if completed.returncode != 0:
        raise SetupError(f"`{shown}` failed with exit code {completed.returncode}")


def executable(directory: Path, name: str) -> Path:
    """Path of a console script inside a virtual environment or install prefix."""
    if os.name == "nt":
        return directory / "Scripts" / f"{name}.exe"
    return directory / "bin" / name


# -- Python environment -----------------------------------------------------------------------


def ensure_uv() -> Path:
    """uv from PATH, or a pinned copy installed from PyPI into .dev/."""
    found = shutil.which("uv")
    if found:
        return Path(found)
    tools = DEV_DIR / "uv"
    uv = executable(tools, "uv")
    if uv.exists():
        return uv
    say(f"installing uv {UV_VERSION} into {tools.relative_to(ROOT)} (first run only)")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(tools)
        run([executable(tools, "python"), "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}"])
    except (subprocess.CalledProcessError, SetupError, OSError) as error:
        # Some distributions ship Python without ensurepip: fall back to pip --target.
        say(f"venv with pip is unavailable ({error}); trying pip --target")
        shutil.rmtree(tools, ignore_errors=True)
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--target",
                tools / "pkg",
                f"uv=={UV_VERSION}",
            ]
        )
        uv = executable(tools / "pkg", "uv")
    if not uv.exists():
        raise SetupError(
            "could not install uv; install it yourself (https://docs.astral.sh/uv/) and retry"
        )
    return uv


def ensure_python_env() -> Path:
    """Create or update .venv exactly as uv.lock says; returns its Python."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may run under an older python3)
        raise SetupError(
            f"classroom needs Python 3.11 or newer, this is {platform.python_version()}"
        )
    uv = ensure_uv()
    run([uv, "sync", "--locked", "--python", sys.executable])
    return executable(VENV, "python")


# -- Chromium for the browser tests -------------------------------------------------------------


def find_chromium() -> str | None:
    configured = os.environ.get("CLASSROOM_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_chromium() -> str:
    """A Chromium binary for the browser tests, installed with apt-get where possible."""
    found = find_chromium()
    if found:
        return found
    apt = shutil.which("apt-get")
    if sys.platform == "linux" and apt:
        prefix: list[str] = [] if os.geteuid() == 0 else ["sudo", "-n"]
        if prefix and not shutil.which("sudo"):
            prefix = []
        say("installing Chromium for the browser tests (apt-get)")
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            run([*prefix, apt, "update", "-qq"], env=environment)
            run([*prefix, apt, "install", "-y", "-qq", "chromium"], env=environment)
        except SetupError as error:
            raise SetupError(
                f"{error}. Install Chromium yourself, or set CLASSROOM_CHROMIUM to its path."
            ) from error
        found = find_chromium()
        if found:
            return found
    raise SetupError(
        "the browser tests need Chromium and none was found. Install it (Debian/Ubuntu: "
        "`apt-get install chromium`) or set CLASSROOM_CHROMIUM to a Chromium or Chrome binary."
    )


# -- commands -------------------------------------------------------------------------------------


def setup(*, for_tests: bool) -> Path:
    python = ensure_python_env()
    frontend.ensure_built(ROOT, log=say)
    if for_tests:
        os.environ["CLASSROOM_CHROMIUM"] = ensure_chromium()
    return python


def command_run(extra: list[str]) -> int:
    setup(for_tests=False)
    classroom = executable(VENV, "classroom")
    say(f"$ {classroom} run {' '.join(extra)}")
    return subprocess.call([str(classroom), "run", *extra], cwd=ROOT)


def lint() -> None:
    ruff = executable(VENV, "ruff")
    run([ruff, "check", "."])
    run([ruff, "format", "--check", "."])
    run([executable(VENV, "mypy")])
    npm = frontend.npm_command()
    run([*npm, "run", "lint"], cwd=ROOT / "frontend")


def command_test(extra: list[str]) -> int:
    python = setup(for_tests=True)
    lint()
    run([*frontend.npm_command(), "test"], cwd=ROOT / "frontend")
    run([python, "-m", "pytest", *extra])
    say("all checks passed")
    return 0


def command_dist() -> int:
    """The wheel and the sdist into dist/, the component bundle built first (the wheel's hook
    also builds it; building it here shows npm's output in the usual place)."""
    setup(for_tests=False)
    out = ROOT / "dist"
    run([ensure_uv(), "build", "--out-dir", out, ROOT])
    for built in sorted(out.glob("classroom-*")):
        say(f"built {built.relative_to(ROOT)} ({built.stat().st_size / 1e6:.1f} MB)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run",
        help="set up, then start the app on the bundled lessons (extra args go to `classroom run`)",
    )
    sub.add_parser("test", help="set up, then run the whole test suite (extra args go to pytest)")
    sub.add_parser("setup", help="only set up (.venv, frontend bundle)")
    sub.add_parser("lint", help="set up, then run only the linters and type checkers")
    sub.add_parser("dist", help="set up, then build the wheel and the sdist into dist/")
    arguments, extra = parser.parse_known_args()
    try:
        if arguments.command == "run":
            return command_run(extra)
        if arguments.command == "test":
            return command_test(extra)
        if arguments.command == "dist":
            return command_dist()
        if arguments.command == "lint":
            setup(for_tests=False)
            lint()
            return 0
        setup(for_tests=False)
        return 0
    except SetupError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
