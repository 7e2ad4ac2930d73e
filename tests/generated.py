"""Checking committed generated files (the frontend's schema and fixtures) against their source.

Set ``CLASSROOM_UPDATE_GENERATED=1`` to rewrite them instead of failing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT

__all__ = ["check_generated"]


def check_generated(path: Path, content: Any) -> None:
    """Assert that ``path`` holds ``content`` as JSON (or write it when updating)."""
    if os.environ.get("CLASSROOM_UPDATE_GENERATED") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n")
    shown = path.relative_to(REPO_ROOT)
    assert path.exists(), f"{shown} is missing: run CLASSROOM_UPDATE_GENERATED=1 pytest"
    assert json.loads(path.read_text()) == content, (
        f"{shown} is stale: run CLASSROOM_UPDATE_GENERATED=1 pytest tests/, "
        "then `npm run gen:contract` in frontend/"
    )
