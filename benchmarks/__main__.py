"""``python -m benchmarks``: measure what users feel, print a table, optionally write JSON.

Every figure is a ratio against a baseline measured in the same run, or a size, reported as
the median with its interquartile range and the number of repetitions. Run it inside the
project's environment from the repository root, after ``python3 dev.py setup``::

    .venv/bin/python -m benchmarks                  # everything but the load check
    .venv/bin/python -m benchmarks --json out.json  # the same, and the figures as JSON
    .venv/bin/python -m benchmarks --only repaint --only prepare
    .venv/bin/python -m benchmarks --only load      # the 20-session load check (minutes)
    .venv/bin/python -m benchmarks --quick          # a fast smoke run (figures not comparable)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figures import Figure, format_table, json_figures
from benchmarks.machine import describe_machine
from benchmarks.suite import FAMILIES, Options, run_family, select


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure what users feel: print a table, optionally write JSON.",
        epilog="benchmarks: "
        + ", ".join(
            f"{family.name}{'' if family.default else ' (only with --only)'}" for family in FAMILIES
        ),
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="few repetitions: a smoke run, not comparable figures"
    )
    parser.add_argument(
        "--sessions",
        type=int,
        default=20,
        metavar="N",
        help="students for the serving figures and the load check (default: 20)",
    )
    parser.add_argument(
        "--load-minutes",
        type=float,
        default=3.0,
        metavar="M",
        help="how long the load check runs (default: 3)",
    )
    arguments = parser.parse_args(argv)
    if arguments.sessions < 2:
        parser.error("--sessions must be at least 2")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    options = Options(arguments.quick, arguments.sessions, arguments.load_minutes)
    try:
        families = select(arguments.only)
    except ValueError as error:
        print(f"python -m benchmarks: {error}", file=sys.stderr)
        return 2
    machine = describe_machine()
    started = time.perf_counter()
    figures: list[Figure] = []
    for family in families:
        print(f"[benchmarks] {family.title} ...", file=sys.stderr, flush=True)
        family_start = time.perf_counter()
        figures.extend(run_family(family, options))
        print(
            f"[benchmarks] {family.title}: {time.perf_counter() - family_start:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    wall = time.perf_counter() - started
    title = f"classroom benchmarks, {machine.summary()}; wall time {wall:.0f} s"
    if arguments.quick:
        title += "\nQUICK SMOKE RUN: few repetitions, the figures are not comparable"
    print(format_table(figures, title=title))
    if arguments.json is not None:
        values, details = json_figures(figures)
        document = {
            **values,
            "details": details,
            "run": {
                "machine": machine.as_json(),
                "options": dataclasses.asdict(options),
                "benchmarks": [family.name for family in families],
                "wall_s": wall,
            },
        }
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
