"""Weights identities pinned by an opened lesson bundle, so a viewer never needs the weights.

A bundle (``classroom/bundle/``) records which weights made each of its maps. ``classroom
open`` passes those identities to the app through ``$CLASSROOM_PINNED_WEIGHTS`` (JSON), and
:func:`classroom.networks.resolve_weights` answers from them: the store keys come out exactly
as on the instructor's machine, with no weights file, no download and no torch (an untrained
identity names torch's version, which a viewer-only install cannot look up).
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import Final

__all__ = ["PINNED_WEIGHTS_ENV", "pin_name", "pinned_identity", "pins_environment"]

PINNED_WEIGHTS_ENV: Final = "CLASSROOM_PINNED_WEIGHTS"


def pin_name(model: str, weights: str) -> str:
    """The key of one pin: the store's model name and the weights name (a file by its name)."""
    shown = PurePath(weights).name if ("/" in weights or "\\" in weights) else weights
    return f"{model}|{shown}"


def pins_environment(pins: dict[str, tuple[str, str, bool]]) -> dict[str, str]:
    """The environment that pins ``{pin_name: (weights_id, label, untrained)}``."""
    return {PINNED_WEIGHTS_ENV: json.dumps({key: list(value) for key, value in pins.items()})}


def pinned_identity(model: str, weights: str) -> tuple[str, str, bool] | None:
    """``(weights_id, label, untrained)`` pinned for ``model`` and ``weights``, else None."""
    configured = os.environ.get(PINNED_WEIGHTS_ENV)
    if not configured:
        return None
    found = json.loads(configured).get(pin_name(model, weights))
    if found is None:
        return None
    weights_id, label, untrained = found
    return str(weights_id), str(label), bool(untrained)
