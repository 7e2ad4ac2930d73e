#!/usr/bin/env python3
"""Regenerate ``classroom/colour_tables.json``: matplotlib's perceptually uniform colour maps
as 256-entry RGB tables.

classroom needs only these three tables, so it ships them as data instead of depending on
matplotlib. Run from the repository root, with matplotlib lent for the occasion::

    uv run --with matplotlib python tools/colour_tables.py

The tables are ``round(255 * rgb)`` of ``colormaps[name](linspace(0, 1, 256))``.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import numpy as np
from matplotlib import colormaps

TARGET = Path(__file__).resolve().parent.parent / "classroom" / "colour_tables.json"
NAMES = ("viridis", "cividis", "magma")


def tables() -> dict[str, object]:
    version = importlib.metadata.version("matplotlib")
    content: dict[str, object] = {
        "provenance": (
            f"matplotlib {version}: round(255 * colormaps[name](linspace(0, 1, 256))[:, :3]); "
            "viridis and magma by Nathaniel J. Smith and Stefan van der Walt, cividis by Jamie "
            "R. Nuñez, Christopher R. Anderton and Ryan S. Renslow (CC0). Regenerate with "
            "`uv run --with matplotlib python tools/colour_tables.py`."
        )
    }
    for name in NAMES:
        rgba = colormaps[name](np.linspace(0.0, 1.0, 256))
        content[name] = np.rint(rgba[:, :3] * 255).astype(int).tolist()
    return content


if __name__ == "__main__":
    TARGET.write_text(json.dumps(tables(), indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {TARGET}")
