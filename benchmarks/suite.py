"""The figure families ``python -m benchmarks`` runs, in order, and how each is called.

A family that cannot run here (no Chromium, say) still reports every one of its keys, as
``None`` with the reason, so the JSON never silently lacks a figure.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from benchmarks import (
    bundle,
    collection_views,
    load_check,
    maximize,
    open_lesson,
    prepare,
    repaint,
    scatter_matrix,
    serving,
    store_size,
    techniques,
    uploads,
)
from benchmarks.figures import Figure, Spec

__all__ = ["FAMILIES", "Family", "Options", "run_family", "select"]


@dataclass(frozen=True)
class Options:
    """How much to measure.

    Attributes:
        quick: a smoke run: few repetitions and sessions; the figures are not comparable.
        sessions: students for the serving figures and the load check.
        load_minutes: how long the load check runs.
    """

    quick: bool = False
    sessions: int = 20
    load_minutes: float = 3.0


@dataclass(frozen=True)
class Family:
    """Figures measured together.

    Attributes:
        name: what ``--only`` takes.
        specs: every figure it reports, in table order.
        run: measures them.
        default: part of a plain ``python -m benchmarks`` run.
    """

    name: str
    title: str
    specs: tuple[Spec, ...]
    run: Callable[[Options], list[Figure]]
    default: bool = True


def _repaint(options: Options) -> list[Figure]:
    return repaint.measure(quick=options.quick)


def _prepare(options: Options) -> list[Figure]:
    return prepare.measure(repeats=2 if options.quick else 9)


def _store(options: Options) -> list[Figure]:
    references = 64 if options.quick else store_size.SAMPLED_REFERENCES
    return store_size.measure(sampled_references=references)


def _open(options: Options) -> list[Figure]:
    return open_lesson.measure(repeats=2 if options.quick else 5)


def _serving(options: Options) -> list[Figure]:
    if options.quick:
        return serving.measure(sessions=min(options.sessions, 3), repeats=1)
    return serving.measure(sessions=options.sessions)


def _load(options: Options) -> list[Figure]:
    if options.quick:
        return load_check.measure(sessions=min(options.sessions, 3), minutes=0.5)
    return load_check.measure(sessions=options.sessions, minutes=options.load_minutes)


def _bundle(options: Options) -> list[Figure]:
    return bundle.measure(repeats=2 if options.quick else 5)


def _maximize(options: Options) -> list[Figure]:
    return maximize.measure(repeats=1 if options.quick else 9)


def _techniques(options: Options) -> list[Figure]:
    return techniques.measure(repeats=1 if options.quick else 3)


def _uploads(_: Options) -> list[Figure]:
    return uploads.measure()


def _collections(options: Options) -> list[Figure]:
    return collection_views.measure(repeats=1 if options.quick else 3)


def _matrix(options: Options) -> list[Figure]:
    if options.quick:
        return scatter_matrix.measure(rounds=1, frames=4)
    return scatter_matrix.measure()


FAMILIES: Final[tuple[Family, ...]] = (
    Family("repaint", "Repaint", repaint.SPECS, _repaint),
    Family("prepare", "Preparation", prepare.SPECS, _prepare),
    Family("store", "Store size and similarity error", store_size.SPECS, _store),
    Family("open", "Opening a lesson", open_lesson.SPECS, _open),
    Family("serving", "Serving a class", serving.SPECS, _serving),
    Family("bundle", "Lesson bundles", bundle.SPECS, _bundle),
    Family("load", "Load check", load_check.SPECS, _load, default=False),
    Family("uploads", "Worst-case uploads", uploads.SPECS, _uploads, default=False),
    Family("maximize", "Activation maximization", maximize.SPECS, _maximize, default=False),
    Family("techniques", "Techniques", techniques.SPECS, _techniques, default=False),
    Family("collections", "Collections", collection_views.SPECS, _collections, default=False),
    Family("matrix", "Scatter-plot matrix", scatter_matrix.SPECS, _matrix, default=False),
)


def run_family(family: Family, options: Options) -> list[Figure]:
    """The family's figures in its order; each one it did not measure, as ``None`` with why."""
    try:
        measured = {figure.spec.key: figure for figure in family.run(options)}
    except Exception as error:  # a family that cannot run must not cost the others
        traceback.print_exc()
        reason = f"not measured: {type(error).__name__}: {error}"
        return [spec.unmeasured(reason) for spec in family.specs]
    missing = "not reported by the benchmark"
    figures = [measured.pop(spec.key, spec.unmeasured(missing)) for spec in family.specs]
    return figures + list(measured.values())


def select(names: Sequence[str]) -> list[Family]:
    """The families named (all default ones when none are)."""
    if not names:
        return [family for family in FAMILIES if family.default]
    known = {family.name: family for family in FAMILIES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(known)}")
    return [known[name] for name in names]
