"""``classroom train``: training and evaluation for people at a terminal.

The only module of this package that prints: it turns the library's progress callbacks into
a ``rich`` progress bar and its results into a few lines. Failures are messages, not
tracebacks.

Where a retrained network goes: ``-o OUT`` (default ``./<network>.pt`` in the current
directory), with its recipe next to it (``OUT`` with ``.json``). An existing file is never
replaced unless ``--overwrite`` is given, so the shipped weights in
``classroom/trained/weights/`` change only when asked for by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as Bar

    from classroom.trained.training import Progress

__all__ = ["default_output", "evaluate_from_cli", "train_from_cli"]


def default_output(network: str) -> Path:
    """``./<network>.pt``: a retrained network lands where the command was run."""
    from classroom.trained.specs import network_spec

    return Path.cwd() / network_spec(network).weights_file


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _bar(console: Console) -> Bar:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[loss]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def _percent(accuracy: float) -> str:
    return f"{accuracy * 100:.1f} %"


def train_from_cli(
    network: str,
    *,
    seed: int | None,
    output: Path | None,
    overwrite: bool,
    steps: int | None,
    console: Console | None = None,
) -> bool:
    """Train ``network`` by its recipe (another seed or step budget if given), evaluate it on
    held-out images, save it with its recipe; True on success.

    Raises:
        ValueError: before any work, if the seed or step budget make an impossible recipe.
    """
    from rich.markup import escape

    from classroom.trained.training import default_recipe, evaluate, train
    from classroom.trained.weights import recipe_path, save_trained

    console = console if console is not None else _console()
    recipe = default_recipe(network, seed)
    if steps is not None:
        recipe = recipe.replace(steps=steps)
    target = output if output is not None else default_output(network)
    for existing in (target, recipe_path(target)):
        if existing.exists() and not overwrite:
            console.print(
                f"[red]✗[/red] {escape(str(existing))} exists; give another -o OUT, or "
                "--overwrite to replace it"
            )
            return False
    with _bar(console) as bar:
        task = bar.add_task(f"training {network}", total=recipe.steps, loss="")
        evaluation_task = None

        def show_training(event: Progress) -> None:
            loss = "" if event.loss is None else f"loss {event.loss:.3f}"
            bar.update(task, completed=event.done, loss=loss)

        def show_evaluation(event: Progress) -> None:
            nonlocal evaluation_task
            if evaluation_task is None:
                evaluation_task = bar.add_task("held-out images", total=event.total, loss="")
            bar.update(evaluation_task, completed=event.done)

        result = train(recipe, progress=show_training)
        record = save_trained(
            result,
            lambda model: evaluate(model, network, progress=show_evaluation),
            target,
            overwrite=overwrite,
        )
    held_out = record["held_out"]
    console.print(
        f"trained {network} (seed {recipe.seed}, {recipe.steps} steps) in "
        f"{result.seconds:.0f} s; {held_out['correct']} of {held_out['total']} held-out "
        "images right"
    )
    console.print(f"held-out accuracy: {_percent(held_out['accuracy'])}")
    console.print(
        f"wrote {escape(str(target))} ({record['weights']['bytes'] / 1e6:.2f} MB) and "
        f"{escape(recipe_path(target).name)}"
    )
    return True


def evaluate_from_cli(
    network: str, *, weights: Path | None, console: Console | None = None
) -> bool:
    """Measure the shipped network (or ``weights``) on held-out images; True on success."""
    from rich.markup import escape

    from classroom.trained.training import evaluate
    from classroom.trained.weights import TrainedWeightsError, load_trained

    console = console if console is not None else _console()
    try:
        model = load_trained(network, weights)
    except TrainedWeightsError as error:
        console.print(f"[red]✗[/red] {escape(str(error))}")
        return False
    with _bar(console) as bar:
        task = bar.add_task(f"evaluating {network}", total=None, loss="")

        def show(event: Progress) -> None:
            bar.update(task, completed=event.done, total=event.total)

        evaluation = evaluate(model, network, progress=show)
    console.print(f"{evaluation.correct} of {evaluation.total} held-out images right")
    console.print(f"held-out accuracy: {_percent(evaluation.accuracy)}")
    return True
