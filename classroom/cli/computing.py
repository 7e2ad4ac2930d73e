"""``classroom compute``: one technique of the toolbox on one image, for scripts.

Parsing only; the technique registry does the work (``classroom.techniques.terminal``), and
``maximize``, which needs no image, goes to ``classroom.maximization.terminal``.
"""

from __future__ import annotations

from pathlib import Path

import click

from classroom.cli.options import existing_file, output_option

__all__ = ["compute"]


@click.command()
@click.argument("technique")
@click.argument("image", required=False, type=existing_file)
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
@output_option(
    "OUT.npy (raw float32 values) or OUT.png (the coloured figure); more maps go to "
    "OUT-2, OUT-3, ..."
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
