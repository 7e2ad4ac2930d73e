"""A student's path, as a new user takes it: the wheel, a clean viewer-only environment outside
the checkout, ``classroom open`` on a bundle, and the browser painting every step.

The environment gets exactly the viewer's locked dependencies (``uv sync --no-dev``, no
extras: no torch) from uv's cache, then the wheel built from this checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from harness.app import LOOPBACK, REPO_ROOT, free_port, streamlit_server
from tests.browser.test_bundle_open import paint_every_step
from tests.bundles import make_bundle, prepared_lesson

pytestmark = pytest.mark.slow


def uv() -> str:
    found = shutil.which("uv") or str(REPO_ROOT / ".dev" / "uv" / "bin" / "uv")
    if not Path(found).is_file():
        pytest.skip("uv is not installed (python3 dev.py setup installs it)")
    return found


def run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        **options,  # type: ignore[call-overload]
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done  # type: ignore[no-any-return]


def viewer_environment(root: Path) -> Path:
    """A clean environment with the viewer's dependencies and the wheel; its ``bin``."""
    wheels = root / "dist"
    run([uv(), "build", "--offline", "--wheel", "--out-dir", str(wheels), str(REPO_ROOT)])
    (wheel,) = wheels.glob("classroom-*.whl")
    venv = root / "viewer"
    environment = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    environment.pop("VIRTUAL_ENV", None)
    run(
        [
            uv(),
            "sync",
            "--locked",
            "--offline",
            "--no-dev",
            "--no-install-project",
            "--python",
            shutil.which("python3") or "python3",
        ],
        cwd=REPO_ROOT,
        env=environment,
    )
    python = venv / "bin" / "python"
    run([uv(), "pip", "install", "--offline", "--no-deps", "--python", str(python), str(wheel)])
    return venv / "bin"


def test_a_student_opens_a_bundle_with_the_viewer_alone(
    browser: BrowserContext, tmp_path: Path
) -> None:
    prepared = prepared_lesson(tmp_path / "instructor")
    bundle = make_bundle(prepared, tmp_path / "shapes.classroom").path
    bin_dir = viewer_environment(tmp_path)
    student = tmp_path / "student"
    student.mkdir()
    environment = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(student),
        "TMPDIR": str(student),
    }
    no_torch = run(
        [str(bin_dir / "python"), "-c", "import importlib.util as u; print(u.find_spec('torch'))"]
    )
    assert no_torch.stdout.strip() == "None", "the viewer must install without torch"
    assert (
        "classroom open"
        in run([str(bin_dir / "classroom"), "--help"], cwd=student, env=environment).stdout
    )
    checked = run([str(bin_dir / "classroom"), "check"], cwd=student, env=environment)
    assert "_bundled/lessons/edges-to-parts.yaml" in checked.stdout
    refused = subprocess.run(
        [str(bin_dir / "classroom"), "prepare"],
        cwd=student,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "pip install 'classroom[prepare]'" in refused.stderr
    port = free_port()
    command = [
        str(bin_dir / "classroom"),
        "open",
        str(bundle),
        "--port",
        str(port),
        "--host",
        LOOPBACK,
    ]
    with streamlit_server(command, port, environment=environment, cwd=student) as server:
        paint_every_step(browser, server.url, prepared.lesson())
    assert [
        path.name for path in student.iterdir() if path.name.startswith("classroom-bundle")
    ] == []
