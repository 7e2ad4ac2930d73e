"""The server's start imports what the page imports (and nothing heavy), so the first student
does not wait for it (:mod:`classroom.preload`, issue 13's cold open)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from classroom.preload import page_imports, preload
from classroom.server import PAGE

#: What showing a prepared lesson must never import (the viewer install has none of them).
HEAVY = ("torch", "torchvision", "sklearn", "captum", "pandas")


def test_the_page_imports_are_read_from_the_script_itself() -> None:
    names = page_imports(PAGE)
    assert "classroom.shared" in names  # ``from classroom import shared``: a module
    assert "classroom.app.lesson_page" in names
    assert "classroom.app.state.MODE" not in names  # a name, not a module
    assert "__future__" not in names


def test_preloading_imports_the_page_and_pyarrow_but_nothing_heavy() -> None:
    probe = (
        "import json, sys\n"
        "from classroom.preload import preload\n"
        "from classroom.server import PAGE\n"
        "failed = preload(PAGE)\n"
        "print(json.dumps({'failed': failed, 'loaded': sorted(sys.modules)}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    loaded = set(report["loaded"])
    assert report["failed"] == []
    assert {"classroom.shared", "classroom.app.lesson_page", "pyarrow"} <= loaded
    assert not [name for name in HEAVY if name in loaded]


def test_a_module_that_does_not_import_is_left_to_the_page(tmp_path: Path) -> None:
    script = tmp_path / "page.py"
    script.write_text("import json\nimport classroom_has_no_such_module\n", encoding="utf-8")
    assert preload(script) == ["classroom_has_no_such_module"]
