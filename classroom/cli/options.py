"""What several ``classroom`` commands share: the weights-file option and two checks.

Kept apart so each command group imports only what it needs, and the same option reads the
same everywhere (``--weights-file`` or ``CLASSROOM_WEIGHTS_FILE``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = [
    "exclusive",
    "existing_file",
    "output_option",
    "require_prepare_extra",
    "weights_file_option",
]

#: A file that must exist (a lesson, a bundle, weights): click names it when it does not.
existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


def output_option(help_text: str, *, required: bool = False) -> Callable[[_F], _F]:
    """``-o/--output FILE``: every command that writes a file spells it the same way."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        required=required,
        help=help_text,
    )


weights_file_option = click.option(
    "--weights-file",
    type=existing_file,
    envvar="CLASSROOM_WEIGHTS_FILE",
    help="A state dict (.pth) used instead of the pretrained weights of every lesson (each "
    "lesson's network must match it), loaded safely (weights_only). "
    "Also: CLASSROOM_WEIGHTS_FILE.",
)


def require_prepare_extra(command: str) -> None:
    """Stop with what to install when a command that computes feature maps lacks torch."""
    import importlib.util

    missing = [name for name in ("torch", "torchvision") if importlib.util.find_spec(name) is None]
    if missing:
        raise click.ClickException(
            f"`classroom {command}` computes feature maps and needs {' and '.join(missing)}, "
            "which this install lacks (the viewer alone opens bundles). Install them with: "
            "pip install 'classroom[prepare]'"
        )


def exclusive(untrained: bool, weights_file: Path | None) -> None:
    """Refuse two weight choices at once: the random seed and a weights file cannot both hold."""
    if untrained and weights_file is not None:
        raise click.UsageError(
            "--untrained and --weights-file (or CLASSROOM_WEIGHTS_FILE) exclude each other"
        )
