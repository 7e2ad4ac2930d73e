"""What several ``classroom`` commands share: the weights-file option and two checks.

Kept apart so each command group imports only what it needs, and the same option reads the
same everywhere (``--weights-file`` or ``CLASSROOM_WEIGHTS_FILE``).
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["exclusive", "require_prepare_extra", "weights_file_option"]


weights_file_option = click.option(
    "--weights-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
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
