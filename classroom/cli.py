"""The ``classroom`` command: ``run``, ``prepare``, ``check``, ``models`` and ``train``.

Every subcommand is a click command here (``python -m classroom.lessons`` runs ``check``).
Heavy modules (torch, Streamlit) are imported inside the commands, so ``--help`` is instant,
and ``check`` and ``models`` never import torch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from classroom import __version__
from classroom.settings import lessons_dir_default

__all__ = ["main"]


_weights_file_option = click.option(
    "--weights-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="CLASSROOM_WEIGHTS_FILE",
    help="A state dict (.pth) used instead of the pretrained weights of every lesson (each "
    "lesson's network must match it), loaded safely (weights_only). "
    "Also: CLASSROOM_WEIGHTS_FILE.",
)


def _exclusive(untrained: bool, weights_file: Path | None) -> None:
    if untrained and weights_file is not None:
        raise click.UsageError(
            "--untrained and --weights-file (or CLASSROOM_WEIGHTS_FILE) exclude each other"
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="classroom")
def main() -> None:
    """See how a convolutional network perceives an image, layer by layer.

    \b
    Typical use:
      classroom run                   start the app on the bundled lessons
      classroom run --untrained       the same, with seeded random weights (no download needed)
      classroom run --weights-file W  the same, with the weights in W (a saved state dict)
      classroom prepare --untrained   prepare every bundled lesson ahead of class
      classroom check lessons/        validate lesson files after editing them
      classroom models                the networks, their layers and weights
      classroom train shapes          retrain the shapes network (minutes, 2 cores)
    """


@main.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8501,
    show_default=True,
    help="Port to serve on.",
)
@click.option(
    "--host",
    default="localhost",
    show_default=True,
    help="Address to listen on (0.0.0.0 for a whole classroom).",
)
@click.option(
    "--untrained",
    is_flag=True,
    help="Use seeded random weights instead of pretrained ones (labelled 'untrained' in the app).",
)
@click.option(
    "--lessons",
    "lessons_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=lessons_dir_default,
    show_default="the bundled lessons",
    help="Directory of lesson YAML files to offer.",
)
@_weights_file_option
def run(
    port: int, host: str, untrained: bool, lessons_dir: Path, weights_file: Path | None
) -> None:
    """Start the classroom app and print the address to open.

    The app never waits for terminal input; stop it with Ctrl+C.
    """
    _exclusive(untrained, weights_file)
    from classroom import server

    server.serve(
        port=port,
        host=host,
        untrained=untrained,
        lessons_dir=lessons_dir,
        weights_file=weights_file,
    )


@main.command()
@click.argument("lessons", nargs=-1, type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option(
    "--untrained", is_flag=True, help="Prepare with seeded random weights (on purpose only)."
)
@_weights_file_option
@click.option(
    "--precision",
    type=click.Choice(["8", "16", "32"]),
    default=None,
    help="Bits per stored value (overrides the lessons' setting); 8 bit is a quarter of 32 bit.",
)
def prepare(
    lessons: tuple[Path, ...], untrained: bool, weights_file: Path | None, precision: str | None
) -> None:
    """Prepare (extract and store) the feature maps of lessons ahead of time.

    LESSONS are lesson files or directories of them (default: all bundled lessons). Prepared
    features are cached (CLASSROOM_CACHE_DIR, else the per-user cache directory), so the app
    opens prepared lessons without recomputing anything.
    """
    _exclusive(untrained, weights_file)
    from classroom import preparation

    paths = list(lessons) or [lessons_dir_default()]
    ok = preparation.prepare_from_cli(
        paths,
        untrained=untrained,
        weights_file=weights_file,
        precision=int(precision) if precision else None,
    )
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--schema",
    is_flag=True,
    help="Print the JSON Schema of lesson files (lessons/lesson.schema.json) and exit.",
)
def check(paths: tuple[Path, ...], schema: bool) -> None:
    """Validate lesson files (default: the bundled lessons) and exit non-zero on any error.

    Reports the file, line and field of every problem, including images that are missing,
    reference pixels outside their image and layers or weights the lesson's model lacks.
    """
    from classroom import lessons

    if schema:
        click.echo(json.dumps(lessons.lesson_schema(), indent=2, ensure_ascii=False))
        return
    targets = list(paths) or [lessons_dir_default()]
    sys.exit(0 if lessons.check_from_cli(targets, echo=click.echo) else 1)


@main.command()
@click.argument("names", nargs=-1)
@click.option(
    "--markdown",
    is_flag=True,
    help="Print the reference page docs/networks.md (every network, no machine state).",
)
def models(names: tuple[str, ...], markdown: bool) -> None:
    """List the networks lessons can use: each family, architecture, weights and layer.

    NAMES narrow the list to some architectures (vgg16) or families (vgg). Says which
    pretrained weights files are on this machine.
    """
    from classroom.networks.listing import describe_models, models_markdown

    if markdown:
        click.echo(models_markdown(), nl=False)
        return
    try:
        lines = describe_models(names)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo("\n".join(lines))


@main.command()
@click.argument("network", type=click.Choice(["shapes", "digits"]))
@click.option(
    "--evaluate",
    is_flag=True,
    help="Only measure the shipped network (or --weights) on held-out images; train nothing.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 999_999),
    default=None,
    help="Training seed (default: the shipped recipe's, 0).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the trained weights (the recipe goes next to it, .json). "
    "Default: ./NETWORK.pt in the current directory.",
)
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT and its recipe if they exist.")
@click.option(
    "--steps",
    type=click.IntRange(1),
    default=None,
    help="Train for this many steps instead of the recipe's (quicker, less accurate).",
)
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --evaluate: the weights to measure (their recipe .json must be next to them).",
)
def train(
    network: str,
    *,
    evaluate: bool,
    seed: int | None,
    output: Path | None,
    overwrite: bool,
    steps: int | None,
    weights: Path | None,
) -> None:
    """Train one of the networks classroom trains itself, and print its held-out accuracy.

    \b
    NETWORK is shapes (generated shapes on textured backgrounds, any image from 96 px up) or
    digits (scikit-learn's handwritten digits at 32 x 32). The shipped weights are in
    classroom/trained/weights/; retraining writes elsewhere unless told to (-o, --overwrite).
    """
    from classroom.trained import terminal

    if evaluate:
        if seed is not None or output is not None or steps is not None or overwrite:
            raise click.UsageError("--evaluate takes no --seed, -o, --overwrite or --steps")
        sys.exit(0 if terminal.evaluate_from_cli(network, weights=weights) else 1)
    if weights is not None:
        raise click.UsageError("--weights goes with --evaluate")
    try:
        ok = terminal.train_from_cli(
            network, seed=seed, output=output, overwrite=overwrite, steps=steps
        )
    except ValueError as error:  # a recipe that cannot train, refused before any work
        raise click.UsageError(str(error)) from None
    sys.exit(0 if ok else 1)
