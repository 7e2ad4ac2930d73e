"""Figures: what each benchmark reports, its statistics, and the table and JSON they go into.

Every figure is a ratio against a baseline measured in the same run, or a size: these machines
are shared and noisy, so absolute times are given for orientation only. A figure that cannot
be measured here is still reported, as ``None`` with the reason, never left out.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Figure", "Goal", "Spec", "format_table", "iqr", "json_figures"]


@dataclass(frozen=True)
class Goal:
    """A target a figure should meet, e.g. ``Goal("<=", 0.5)``."""

    relation: Literal["<=", ">="]
    target: float

    def met(self, value: float) -> bool:
        return value <= self.target if self.relation == "<=" else value >= self.target

    def __str__(self) -> str:
        return f"{'≤' if self.relation == '<=' else '≥'} {self.target:g}"


@dataclass(frozen=True)
class Spec:
    """What a figure is, before it is measured: its JSON key, label, unit and goal."""

    key: str
    label: str
    unit: str = ""
    goal: Goal | None = None

    def measured(
        self,
        value: float,
        *,
        spread: float | None = None,
        n: int | None = None,
        note: str = "",
        samples: Sequence[float] = (),
    ) -> Figure:
        return Figure(self, value, spread, n, note, tuple(samples))

    def from_samples(self, samples: Sequence[float], *, note: str = "") -> Figure:
        """Median, interquartile range and count of repeated measurements."""
        if not samples:
            raise ValueError(f"{self.key}: no samples")
        return self.measured(
            statistics.median(samples),
            spread=iqr(samples),
            n=len(samples),
            note=note,
            samples=samples,
        )

    def ratio_of(
        self,
        numerators: Sequence[float],
        denominators: Sequence[float],
        *,
        note: str = "",
    ) -> Figure:
        """The median ratio of measurements taken side by side (pair ``i`` ran together).

        Each pair ran within seconds, so its ratio cancels the machine's slow drifts; the
        median then discards the pairs a burst of other work hit on one side only. The
        spread is the IQR of the per-pair ratios.
        """
        if len(numerators) != len(denominators) or not numerators:
            raise ValueError(f"{self.key}: needs equally many paired samples")
        pairs = [top / bottom for top, bottom in zip(numerators, denominators, strict=True)]
        return self.from_samples(pairs, note=note)

    def unmeasured(self, reason: str) -> Figure:
        return Figure(self, None, note=reason)


@dataclass(frozen=True)
class Figure:
    """One reported figure. ``value`` is the median (or the size); ``None`` when unmeasured."""

    spec: Spec
    value: float | None
    spread: float | None = None
    n: int | None = None
    note: str = ""
    samples: tuple[float, ...] = field(default=(), repr=False)

    @property
    def met(self) -> bool | None:
        if self.spec.goal is None or self.value is None:
            return None
        return self.spec.goal.met(self.value)


def iqr(values: Sequence[float]) -> float:
    """Interquartile range (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    quartiles = statistics.quantiles(values, n=4, method="inclusive")
    return quartiles[2] - quartiles[0]


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if value == 0 or not math.isfinite(value):
        text = f"{value:g}"
    elif abs(value) < 1e-3:
        text = f"{value:.2e}"
    else:
        digits = max(0, 3 - 1 - math.floor(math.log10(abs(value))))
        text = f"{value:.{min(digits, 6)}f}"
    return f"{text} {unit}".rstrip()


def format_table(figures: Iterable[Figure], *, title: str) -> str:
    """A plain-text table: value, spread (IQR), n, goal and whether it is met, then the notes.

    Notes are numbered and printed under the table, so that the table itself stays narrow.
    """
    rows = [("figure", "median", "IQR", "n", "goal", "met", "")]
    notes: list[str] = []
    for figure in figures:
        spec = figure.spec
        marker = ""
        if figure.note:
            notes.append(figure.note)
            marker = f"[{len(notes)}]"
        met = {None: "", True: "yes", False: "NO"}[figure.met]
        rows.append(
            (
                spec.label,
                _number(figure.value, spec.unit),
                "" if figure.spread is None else _number(figure.spread, spec.unit),
                "" if figure.n is None else str(figure.n),
                "" if spec.goal is None else str(spec.goal),
                met,
                marker,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    align: list[Callable[[str, int], str]] = [str.ljust, str.rjust, str.rjust, str.rjust]
    align += [str.ljust, str.ljust, str.ljust]
    lines = [title, ""]
    for index, row in enumerate(rows):
        cells = [align[column](cell, widths[column]) for column, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    if notes:
        lines.append("")
        lines.extend(f"[{number}] {note}" for number, note in enumerate(notes, start=1))
    return "\n".join(lines)


def json_figures(figures: Iterable[Figure]) -> tuple[dict[str, float | None], dict[str, Any]]:
    """The flat ``{key: value}`` map (the issue's keys) and the details of every figure."""
    values: dict[str, float | None] = {}
    details: dict[str, Any] = {}
    for figure in figures:
        spec = figure.spec
        values[spec.key] = figure.value
        details[spec.key] = {
            "label": spec.label,
            "unit": spec.unit,
            "iqr": figure.spread,
            "n": figure.n,
            "goal": None if spec.goal is None else str(spec.goal),
            "met": figure.met,
            "note": figure.note,
            "samples": list(figure.samples),
        }
    return values, details
