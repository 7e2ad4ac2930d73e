"""The ``classroom`` command: ``run``, ``prepare``, ``check``, ``models``, ``train``, ``bundle``,
``open``, ``figure``, ``compute`` and ``store``.

Every subcommand is a click command here (``python -m classroom.lessons`` runs ``check``).
Heavy modules (torch, Streamlit) are imported inside the commands, so ``--help`` is instant,
and ``check``, ``models``, ``open`` and ``figure`` never import torch (a viewer-only install,
``pip install classroom``, has none; ``classroom[prepare]`` adds it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import cast

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


def _require_prepare_extra(command: str) -> None:
    """Stop with what to install when a command that computes feature maps lacks torch."""
    import importlib.util

    missing = [name for name in ("torch", "torchvision") if importlib.util.find_spec(name) is None]
    if missing:
        raise click.ClickException(
            f"`classroom {command}` computes feature maps and needs {' and '.join(missing)}, "
            "which this install lacks (the viewer alone opens bundles). Install them with: "
            "pip install 'classroom[prepare]'"
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
      classroom bundle L.yaml -o F    pack a prepared lesson into one file for students
      classroom open F                show a bundle (no torch, no weights needed)
      classroom figure L --step ID    a step's panels as a picture for slides
      classroom compute grad_cam IMG --model shapes --target circle -o cam.png
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
@click.option(
    "--bundle",
    "bundle_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Show this lesson bundle instead (the same as `classroom open FILE`).",
)
def run(
    *,
    port: int,
    host: str,
    untrained: bool,
    lessons_dir: Path,
    weights_file: Path | None,
    bundle_file: Path | None,
) -> None:
    """Start the classroom app and print the address to open.

    The app never waits for terminal input; stop it with Ctrl+C.
    """
    _exclusive(untrained, weights_file)
    if bundle_file is not None:
        if untrained or weights_file is not None or lessons_dir != lessons_dir_default():
            raise click.UsageError(
                "--bundle shows the bundle as it was prepared: no --untrained, --weights-file "
                "or --lessons with it"
            )
        _serve_bundle(bundle_file, port=port, host=host, check=False)
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
    _require_prepare_extra("prepare")
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
@click.option(
    "--prune",
    is_flag=True,
    help="First remove old formats, month-old uploads (with their files) and damaged cache files.",
)
def store(prune: bool) -> None:
    """Show how much room the store takes, area by area (CLASSROOM_CACHE_DIR, else the
    per-user cache); with --prune, first remove what nobody reads again."""
    from classroom.store import FeatureStore
    from classroom.store.usage import store_from_cli

    store_from_cli(FeatureStore(), prune=prune, echo=click.echo)


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
    _require_prepare_extra("train")
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


@main.command()
@click.argument("lesson", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The bundle file to write (default: LESSON's name with .classroom, here).",
)
@click.option("--untrained", is_flag=True, help="Bundle the maps prepared with --untrained.")
@_weights_file_option
def bundle(lesson: Path, output: Path | None, untrained: bool, weights_file: Path | None) -> None:
    """Pack a prepared lesson into one file students open with `classroom open`.

    The file holds the lesson, its pictures and licences, and every prepared map its steps
    show, with a manifest of sizes and SHA-256 checksums; no weights, no code. Prepare the
    lesson first (`classroom prepare LESSON`, with the same --untrained / --weights-file).
    """
    _exclusive(untrained, weights_file)
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


@main.command("open")
@click.argument("bundle_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True, help="Address to listen on.")
@click.option("--check", is_flag=True, help="Only verify the bundle, print what it holds, exit.")
def open_command(bundle_file: Path, port: int, host: str, check: bool) -> None:
    """Show a lesson bundle in the app, read-only, exactly as the instructor prepared it.

    Needs neither torch nor weights. The bundle is verified member by member first (sizes,
    checksums, paths); a damaged or tampered one is refused, and nothing is left behind.
    """
    _serve_bundle(bundle_file, port=port, host=host, check=check)


def _serve_bundle(bundle_file: Path, *, port: int, host: str, check: bool) -> None:
    from classroom.bundle import BundleError, open_bundle

    try:
        with open_bundle(bundle_file) as opened:
            if check:
                manifest = opened.manifest
                click.echo(
                    f"{bundle_file.name}: {manifest.lesson}, {len(manifest.maps)} maps, "
                    f"{len(manifest.members)} files, made by classroom "
                    f"{manifest.classroom_version}: all checks passed"
                )
                return
            from classroom.bundle.serving import serve_bundle

            status = serve_bundle(opened, port=port, host=host)
    except BundleError as error:
        raise click.ClickException(str(error)) from None
    sys.exit(status)


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--step", "step_id", required=True, help="The step's id (or its number, from 1).")
@click.option(
    "--reference",
    type=(int, int),
    default=None,
    help="Reference pixel X Y in the original picture (default: the step's own).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The picture to write: .png or .pdf.",
)
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


@main.command()
@click.argument("technique")
@click.argument(
    "image", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--model", default=None, help="A network of the registry (default: resnet101).")
@click.option("--weights", default=None, help="Its weights (default: the family's default).")
@click.option("--layer", default=None, help="The layer to explain (default: the technique's).")
@click.option(
    "--target",
    default=None,
    help="The class to explain, by name or number; for maximize: class:NAME, "
    "channel:LAYER:INDEX or neuron:LAYER:INDEX:ROW:COLUMN.",
)
@click.option(
    "--facets", type=click.IntRange(1, 16), default=1, help="maximize: starting points (images)."
)
@click.option("--seed", type=click.IntRange(0), default=0, help="maximize: the random seed.")
@click.option(
    "--reference",
    type=(click.IntRange(0), click.IntRange(0)),
    default=None,
    metavar="X Y",
    help="The reference pixel, in pixels of IMAGE from its top left.",
)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the technique, e.g. -p patch=16 -p fill=grey (repeatable).",
)
@click.option("--max-side", type=click.IntRange(32, 4096), default=1024, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="OUT.npy (raw float32 values) or OUT.png (the coloured figure); more maps go to "
    "OUT-2, OUT-3, ...",
)
def compute(
    technique: str,
    image: Path | None,
    *,
    model: str | None,
    weights: str | None,
    layer: str | None,
    target: str | None,
    facets: int,
    seed: int,
    reference: tuple[int, int] | None,
    parameters: tuple[str, ...],
    max_side: int,
    output: Path | None,
) -> None:
    """Run one technique on IMAGE and print it, or write it with -o.

    \b
    TECHNIQUE is a registered technique (docs/techniques.md; a wrong name lists them):
    predict (prints the top-5 as `class probability` lines), filters, activations,
    occlusion, saliency, guided_backprop, deconvnet, grad_cam, guided_grad_cam,
    receptive_field, similarity, maximize (needs no IMAGE: `classroom compute maximize
    --model shapes --target class:circle --facets 3 -o circle.png`), and those other
    modules register.
    """
    from classroom import images, networks
    from classroom.techniques import TechniqueRequest
    from classroom.techniques.terminal import compute_from_cli, parse_options

    try:
        if technique == "maximize":
            from classroom.maximization.terminal import maximize_from_cli

            maximize_from_cli(
                model=model or networks.DEFAULT_ARCHITECTURE,
                weights=weights,
                target=target,
                facets=facets,
                seed=seed,
                options=parse_options(parameters),
                output=output,
                echo=click.echo,
            )
            return
        if image is None:
            raise click.UsageError(f"{technique} needs an IMAGE")
        request = TechniqueRequest(technique, layer, target, reference, parse_options(parameters))
        compute_from_cli(
            request,
            image,
            model=model or networks.DEFAULT_ARCHITECTURE,
            weights=weights,
            max_side=max_side,
            output=output,
            echo=click.echo,
        )
    except (ValueError, images.ImageError, networks.WeightsUnavailableError) as error:
        raise click.UsageError(str(error)) from None
