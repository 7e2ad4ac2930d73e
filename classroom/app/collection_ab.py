"""A/B of two networks on the collection views: which weight sets a view shows, and where.

Seein' In's "future work": the same selection and layer for two weight sets side by side:
trained against untrained, or a researcher's own checkpoints of the same network (a view's
``weights: [trained, models/tuned.pth]``; the Collections page lists the checkpoints the
lessons name).
Each layer gets one row and each weight set one column, so the trained and the untrained
network's plots of a layer stand next to each other, sharing the view's one selection. And
the session's weights choice holds here as on the similarity view: a session on untrained
weights (``classroom run --untrained``, or "continue with untrained weights") shows the
untrained network in every collection view too, and says so, never the trained one silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.collections.vectors import UNTRAINED_WEIGHTS
from classroom.networks.choice import is_weights_file

if TYPE_CHECKING:
    from classroom.lessons import Lesson

__all__ = [
    "ACROSS_KIND",
    "UNTRAINED_NOTICE",
    "ab_rows",
    "lesson_checkpoints",
    "session_weight_sets",
    "weights_label",
]

#: The Collections page's cross-image view, beside the collection views' kinds
#: (classroom/app/collection_across.py).
ACROSS_KIND: Final = "across"
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


def weights_label(weights: str) -> str:
    """How a view names a weight set: ``trained``, ``untrained``, or a checkpoint's file name."""
    return Path(weights).name if is_weights_file(weights) else weights


def lesson_checkpoints(lessons: Sequence[Lesson], model: str) -> list[str]:
    """The checkpoints (absolute paths) the lessons' collection views of ``model`` name, in
    lesson order: what the Collections page offers beside trained and untrained."""
    found = [
        weights
        for lesson in lessons
        if lesson.model == model
        for step in lesson.steps
        if step.view is not None
        for weights in step.view.weights
        if is_weights_file(weights)
    ]
    return list(dict.fromkeys(found))
