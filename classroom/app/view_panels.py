"""What the view shows beside its similarity panels, chosen on the page: activation maps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import streamlit as st

from classroom.component import activations_panel
from classroom.component.contract import ActivationsPanel

__all__ = ["activations_choice"]

_NONE: Final = "none"


def activations_choice(layers: Sequence[str], key: str) -> list[ActivationsPanel]:
    """A menu over the view: the layer whose activation maps to show under it (none at first).

    The grid reuses the feature data the view already has, so choosing costs no preparation.
    """
    choice = st.selectbox(
        "Activation maps",
        [_NONE, *layers],
        key=key,
        help="Every channel of a layer as a small picture, strongest first; point at one to "
        "see it over the image.",
    )
    return [] if choice == _NONE else [activations_panel(choice)]
