"""``classroom train``: the networks classroom trains itself (shapes, digits)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from classroom.cli.options import existing_file, output_option, require_prepare_extra

__all__ = ["train"]


@click.command()
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
@output_option(
    "Where to write the trained weights (the recipe goes next to it, .json). "
    "Default: ./NETWORK.pt in the current directory."
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
    type=existing_file,
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
    require_prepare_extra("train")
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
