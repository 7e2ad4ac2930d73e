"""``classroom bundle`` and ``classroom figure``: a prepared lesson taken out of the app.

A bundle for students' laptops, a figure for slides or a paper; neither needs torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from classroom.cli.options import exclusive, existing_file, output_option, weights_file_option

__all__ = ["bundle", "figure"]


@click.command()
@click.argument("lesson", type=existing_file)
@output_option("The bundle file to write (default: LESSON's name with .classroom, here).")
@click.option("--untrained", is_flag=True, help="Bundle the maps prepared with --untrained.")
@weights_file_option
def bundle(lesson: Path, output: Path | None, untrained: bool, weights_file: Path | None) -> None:
    """Pack a prepared lesson into one file students open with `classroom open`.

    The file holds the lesson, its pictures and licences, and every prepared map its steps
    show, with a manifest of sizes and SHA-256 checksums; no weights, no code. Prepare the
    lesson first (`classroom prepare LESSON`, with the same --untrained / --weights-file).
    """
    exclusive(untrained, weights_file)
    from classroom.bundle import BUNDLE_SUFFIX, BundleError
    from classroom.bundle.writing import write_bundle
    from classroom.lessons import LessonError
    from classroom.networks import WeightsFileError, WeightsUnavailableError

    target = output or Path(lesson.stem + BUNDLE_SUFFIX)
    try:
        summary = write_bundle(lesson, target, untrained=untrained, weights_file=weights_file)
    except (BundleError, LessonError, WeightsUnavailableError, WeightsFileError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"classroom: wrote {summary.path} ({summary.bundle_bytes / 1e6:.1f} MB, "
        f"{summary.maps} maps, sha256 {summary.sha256[:16]}...)"
    )


@click.command()
@click.argument("source", type=existing_file)
@click.option("--step", "step_id", required=True, help="The step's id (or its number, from 1).")
@click.option(
    "--reference",
    type=(int, int),
    default=None,
    help="Reference pixel X Y in the original picture (default: the step's own).",
)
@output_option("The picture to write: .png or .pdf.", required=True)
@click.option("--untrained", is_flag=True, help="Use maps prepared with --untrained.")
@click.option(
    "--colormap",
    type=click.Choice(["viridis", "cividis", "magma", "gray"]),
    default="viridis",
    show_default=True,
)
@click.option(
    "--layout",
    type=click.Choice(["slide", "column"]),
    default="slide",
    show_default=True,
    help="slide: panels side by side on a 16:9 page; column: panels stacked, for a paper.",
)
def figure(
    source: Path,
    *,
    step_id: str,
    reference: tuple[int, int] | None,
    output: Path,
    untrained: bool,
    colormap: str,
    layout: str,
) -> None:
    """Draw a step's panels (labels, marker, colour scales, credit) into a picture for slides.

    SOURCE is a prepared lesson file or a bundle (.classroom). The colours are computed by
    classroom's numpy reference of the browser's maths: the figure shows what the view shows.
    """
    from classroom.bundle import BUNDLE_SUFFIX, BundleError, open_bundle
    from classroom.bundle.figure import FigureError, Layout, write_figure
    from classroom.similarity import Colormap

    try:
        if source.suffix == BUNDLE_SUFFIX:
            with open_bundle(source) as opened, opened.applied():
                write_figure(
                    opened.lesson_path,
                    step_id,
                    output,
                    store_root=opened.store_root,
                    datasets_dir=opened.datasets_dir,
                    untrained=opened.manifest.untrained,
                    reference=reference,
                    colormap=cast("Colormap", colormap),
                    layout=cast("Layout", layout),
                )
        else:
            write_figure(
                source,
                step_id,
                output,
                untrained=untrained,
                reference=reference,
                colormap=cast("Colormap", colormap),
                layout=cast("Layout", layout),
            )
    except (BundleError, FigureError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"classroom: wrote {output}")
