"""``classroom prepare``: preparation with a ``rich`` progress bar and a summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from classroom.encoding import Precision
from classroom.preparation.across_collections import across_requests
from classroom.preparation.outcome import PrepareReport, ProgressEvent
from classroom.preparation.pipeline import prepare
from classroom.preparation.requests import PrepareRequest, requests_for_lesson
from classroom.store import FeatureStore

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import ProgressColumn

    from classroom.collections.vectors import ForwardPass
    from classroom.lessons import Lesson
    from classroom.preparation.collections import CollectionNeed


__all__ = ["prepare_and_report", "prepare_from_cli"]


def _lesson_files(paths: Iterable[Path], console: Console) -> tuple[list[Path], bool]:
    """The lesson files under ``paths``, and whether every directory could be read."""
    from rich.markup import escape

    from classroom import lessons

    files: list[Path] = []
    readable = True
    for path in paths:
        try:
            files.extend(lessons.discover_lessons(path) if path.is_dir() else [path])
        except OSError as error:
            console.print(
                f"[red]✗ lessons not prepared:[/red] {escape(str(path))} cannot be read "
                f"({escape(error.strerror or str(error))})"
            )
            readable = False
    return files, readable


def prepare_from_cli(
    paths: Sequence[Path],
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
    precision: int | None = None,
    forward: ForwardPass | None = None,
) -> bool:
    """``classroom prepare``: prepare every lesson under ``paths`` with a progress bar.

    Then the vectors of the lessons' collections (``forward``: how their forward passes run;
    default in this process, ``--ray``: on a Ray cluster).

    The store is maintained first (:meth:`FeatureStore.maintain`: older format folders, month-old
    uploads). A lesson that does not load is reported and the others are still prepared.
    Returns True when everything was prepared.
    """
    from rich.markup import escape

    from classroom import lessons

    console = _console()
    files, lessons_ok = _lesson_files(paths, console)
    if not files:
        console.print(f"No lesson files (*.yaml, *.yml) in {escape(', '.join(map(str, paths)))}.")
        return False
    requests: list[PrepareRequest] = []
    invalid: list[str] = []
    loaded: list[lessons.Lesson] = []
    for file in files:
        try:
            lesson = lessons.load_lesson(file)
            loaded.append(lesson)
            lesson_requests = [
                *requests_for_lesson(lesson),
                *across_requests(lesson, FeatureStore()),
            ]
        except (ValueError, OSError) as error:
            console.print(f"[red]✗ lesson not prepared:[/red] {escape(str(error))}")
            invalid.append(_why_invalid(file, error))
            lessons_ok = False
            continue
        if precision is not None:
            lesson_requests = [
                replace(r, precision=cast("Precision", precision)) for r in lesson_requests
            ]
        requests.extend(lesson_requests)
    store = FeatureStore()
    maintenance = store.maintain()
    if maintenance.removed:
        console.print(escape(maintenance.summary()))
    prepared = not requests or prepare_and_report(
        requests, store, untrained=untrained, weights_file=weights_file, console=console
    )
    techniques_ok = _prepare_techniques(
        loaded, store, untrained=untrained, weights_file=weights_file, console=console
    )
    collections_ok = _prepare_collections(loaded, store, console, forward)
    if invalid:
        console.print(_not_prepared(invalid))
    return lessons_ok and prepared and techniques_ok and collections_ok


def _prepare_collections(
    loaded: Sequence[Lesson], store: FeatureStore, console: Console, forward: ForwardPass | None
) -> bool:
    """The vectors of the lessons' collection views (docs/collections.md), with a bar."""
    from rich.markup import escape

    from classroom.preparation.collections import collection_needs
    from classroom.trained.weights import TrainedWeightsError

    failures: list[str] = []
    for lesson in loaded:
        for need in collection_needs(lesson):
            name = f"{lesson.id}: {need.name}"
            try:
                _prepare_collection(need, name, store, console, forward)
            except (ValueError, OSError, TrainedWeightsError) as error:  # names the file
                failures.append(f"{name}: {error}")
                continue
            console.print(f"collection {escape(name)}: {', '.join(need.layers)} prepared")
    for failure in failures:
        console.print(f"[red]✗ collection not prepared:[/red] {escape(failure)}")
    return not failures


def _prepare_collection(
    need: CollectionNeed,
    name: str,
    store: FeatureStore,
    console: Console,
    forward: ForwardPass | None,
) -> None:
    """One collection with one set of weights, its images counted on a bar."""
    from rich.markup import escape
    from rich.progress import Progress

    from classroom.preparation.collections import prepare_collection

    with Progress(*_columns(), console=console, transient=True) as bar:
        task = bar.add_task(escape(name), total=need.collection.count)
        prepare_collection(
            need,
            store,
            lambda done, total: bar.update(task, completed=done, total=total),
            forward=forward,
            announce=lambda stage: bar.update(task, description=escape(stage)),
        )


def _columns() -> tuple[ProgressColumn, ...]:
    """The progress bar's columns: what, how far, how many, how long."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )


def _prepare_techniques(
    loaded: Sequence[Lesson],
    store: FeatureStore,
    *,
    untrained: bool,
    weights_file: Path | None,
    console: Console,
) -> bool:
    """The lessons' step techniques (docs/techniques.md), after their feature maps."""
    from rich.markup import escape

    from classroom.preparation.techniques import prepare_techniques

    failures: list[str] = []
    for lesson in loaded:
        failures += prepare_techniques(
            lesson,
            store,
            untrained=untrained,
            weights_file=weights_file,
            report=lambda line: console.print(f"technique {escape(line)}"),
        )
    for failure in failures:
        console.print(f"[red]✗ technique not prepared:[/red] {escape(failure)}")
    return not failures


def _why_invalid(file: Path, error: Exception) -> str:
    """``broken.yaml has 3 problems``: why a lesson file was not prepared, in a few words."""
    problems = getattr(error, "problems", None)
    if isinstance(problems, list) and problems:
        count = len(problems)
        return f"{file} has {count} problem{'s' if count != 1 else ''}"
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{file} cannot be read ({reason})"


def _not_prepared(invalid: Sequence[str]) -> str:
    """The last line of a run that skipped lessons: which, and why (details are above)."""
    from rich.markup import escape

    if len(invalid) == 1:
        what = f"the lesson was not prepared: {invalid[0]}"
    else:
        what = f"{len(invalid)} lessons were not prepared: " + "; ".join(invalid)
    return (
        f"[red]✗ {escape(what[:1].upper() + what[1:])}[/red] (listed above; fix the lesson and "
        "run classroom prepare again)"
    )


def _console() -> Console:
    from rich.console import Console

    # soft_wrap: long paths in messages stay on one line, so they can be copied.
    return Console(highlight=False, soft_wrap=True)


def prepare_and_report(
    requests: Sequence[PrepareRequest],
    store: FeatureStore | None = None,
    *,
    untrained: bool = False,
    weights_file: Path | None = None,
    console: Console | None = None,
) -> bool:
    """:func:`prepare` with a ``rich`` progress bar, then a summary; True when all succeeded.

    Failures are printed as messages, never as tracebacks, each cause once.
    """
    from rich.markup import escape
    from rich.progress import Progress

    console = console if console is not None else _console()
    store = store if store is not None else FeatureStore()
    with Progress(*_columns(), console=console, transient=True) as bar:
        task = bar.add_task("preparing", total=len(requests))

        def show(event: ProgressEvent) -> None:
            bar.update(task, completed=event.completed, description=escape(event.message))

        report = prepare(
            requests, store, weights_file=weights_file, untrained=untrained, progress=show
        )
    _print_summary(console, report, store)
    return report.ok


def _print_summary(console: Console, report: PrepareReport, store: FeatureStore) -> None:
    from rich.markup import escape

    # The same cause (missing weights, say) often fails many images: say it once.
    by_error: dict[str, list[str]] = {}
    for failure in report.failures:
        by_error.setdefault(failure.error or "", []).append(failure.request.name)
    for error, names in by_error.items():
        console.print(f"[red]✗ not prepared:[/red] {escape(', '.join(names))}")
        console.print(escape(error))
    untrained = any(r.weights is not None and r.weights.untrained for r in report.results)
    console.print(
        f"{report.prepared_layers} feature maps prepared, {report.present_layers} already "
        f"prepared, {len(report.failures)} of {len(report.results)} requests failed. "
        f"Store: {escape(str(store.root))}"
    )
    if untrained:
        console.print(
            "[yellow]Some features come from untrained (seeded random) weights; "
            "the app labels them 'untrained'.[/]"
        )
