"""``classroom prepare``, ``check`` and ``models``: preparing and validating lessons.

``check`` and ``models`` never import torch (a viewer-only install has none); ``prepare``
says what to install when it is missing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from classroom.cli.options import exclusive, require_prepare_extra, weights_file_option
from classroom.settings import lessons_dir_default

__all__ = ["check", "models", "prepare"]


@click.command()
@click.argument("lessons", nargs=-1, type=click.Path(exists=True, dir_okay=True, path_type=Path))
@click.option(
    "--untrained", is_flag=True, help="Prepare with seeded random weights (on purpose only)."
)
@weights_file_option
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
    exclusive(untrained, weights_file)
    require_prepare_extra("prepare")
    from classroom import preparation

    paths = list(lessons) or [lessons_dir_default()]
    ok = preparation.prepare_from_cli(
        paths,
        untrained=untrained,
        weights_file=weights_file,
        precision=int(precision) if precision else None,
    )
    sys.exit(0 if ok else 1)


@click.command()
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


@click.command()
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
