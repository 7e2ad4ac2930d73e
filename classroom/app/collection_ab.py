"""A/B of two networks on the collection views: which weight sets a view shows, and where.

Seein' In's "future work": the same selection and layer for two weight sets side by side.
Each layer gets one row and each weight set one column, so the trained and the untrained
network's plots of a layer stand next to each other, sharing the view's one selection. And
the session's weights choice holds here as on the similarity view: a session on untrained
weights (``classroom run --untrained``, or "continue with untrained weights") shows the
untrained network in every collection view too, and says so, never the trained one silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from classroom.collections.vectors import UNTRAINED_WEIGHTS

__all__ = ["UNTRAINED_NOTICE", "ab_rows", "session_weight_sets"]

UNTRAINED_NOTICE: Final = (
    "This session uses untrained weights, so this view shows the untrained network{where}."
)


def session_weight_sets(wanted: Sequence[str], *, untrained: bool) -> tuple[list[str], str | None]:
    """The weight sets a view shows in this session, and a notice when that differs from
    what the view asked for.

    Args:
        wanted: the view's weights (``trained``, ``untrained``; one, or two for A/B).
        untrained: whether the session uses untrained weights everywhere.
    """
    chosen = list(dict.fromkeys(wanted))
    if not untrained or chosen == [UNTRAINED_WEIGHTS]:
        return chosen, None
    where = " on both sides" if len(chosen) > 1 else " instead"
    return [UNTRAINED_WEIGHTS], UNTRAINED_NOTICE.format(where=where)


def ab_rows(layers: Sequence[str], weights: Sequence[str]) -> list[list[tuple[str, str]]]:
    """One row per layer, one ``(layer, weights)`` per weight set in it: A/B side by side."""
    return [[(layer, chosen) for chosen in weights] for layer in layers]
