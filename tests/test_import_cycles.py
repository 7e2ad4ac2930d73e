"""No import cycle among classroom's modules (tools/import_cycles.py, read from the source).

Data flows one way (docs/architecture.md); a new cycle fails here with the modules that form it.
The checker itself is tested on a small package of its own: a cycle through an import inside a
function is found, one through a ``TYPE_CHECKING`` import is not. Beside the package, the
benchmarks and the harness they share with the tests import no test module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "import_cycles.py"


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_classroom_has_no_import_cycle() -> None:
    finished = _run(str(ROOT / "classroom"))
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "no import cycle" in finished.stdout


def _top_level_imports(path: Path) -> set[str]:
    """The top-level packages a file imports, at any depth (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.partition(".")[0])
    return found


def test_benchmarks_and_the_harness_import_no_test_module() -> None:
    """What both need lives in ``harness/``: a benchmark that imported ``tests`` would run the
    tests' conftest machinery and break when a test module moves."""
    leaks = {
        str(path.relative_to(ROOT)): sorted(imported)
        for package, forbidden in (("benchmarks", {"tests"}), ("harness", {"tests", "benchmarks"}))
        for path in sorted((ROOT / package).rglob("*.py"))
        if (imported := _top_level_imports(path) & forbidden)
    }
    assert leaks == {}


#: The shape of classroom's techniques: the package's registry lists a maker, which calls a
#: library inside a function (the library is left to each test).
_REGISTRY_CALLS_LIBRARY = {
    "__init__": "from pkg.registry import names\n",
    "registry": "from pkg.maker import make\nnames = ['make']\n",
    "maker": "def make():\n    from pkg.library import run\n    return run()\n",
}


def _package(root: Path, modules: dict[str, str]) -> Path:
    package = root / "pkg"
    package.mkdir()
    for name, text in modules.items():
        (package / f"{name}.py").write_text(text, encoding="utf-8")
    return package


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            **_REGISTRY_CALLS_LIBRARY,
            "library": "from pkg import names\n\ndef run():\n    return names\n",
            "leaf": "from pkg.library import run\n",
        },
    )
    finished = _run(str(package))
    assert finished.returncode == 1
    assert "cycle of 4 modules" in finished.stdout
    for member in ("pkg.registry", "pkg.maker", "pkg.library", "pkg -> pkg.registry"):
        assert member in finished.stdout
    assert "pkg.leaf" not in finished.stdout


def test_type_checking_imports_and_sibling_modules_close_no_cycle(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            **_REGISTRY_CALLS_LIBRARY,
            # Annotations only, and the sibling by its own module: neither needs pkg's registry.
            "library": (
                "from typing import TYPE_CHECKING\n"
                "from pkg.types import Name\n"
                "if TYPE_CHECKING:\n    from pkg.registry import names\n"
                "def run() -> 'Name':\n    return Name()\n"
            ),
            "types": "class Name:\n    pass\n",
        },
    )
    finished = _run(str(package))
    assert finished.returncode == 0, finished.stdout
    assert "no import cycle among 5 modules" in finished.stdout
