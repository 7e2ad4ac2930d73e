"""Hatch build hook: a wheel always carries the built component bundle.

Editable installs (``uv sync`` in a checkout) skip this; ``dev.py`` keeps the bundle fresh there.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class FrontendBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:  # noqa: ARG002
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root / "tools"))
        import frontend

        frontend.ensure_built(root, log=self.app.display_info)
