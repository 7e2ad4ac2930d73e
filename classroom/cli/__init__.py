"""The ``classroom`` command: ``run``, ``prepare``, ``check``, ``models``, ``train``,
``compute``, ``store``, ``bundle``, ``open`` and ``figure``.

One module per command group (``serving``, ``lessons``, ``training``, ``computing``,
``storing``, ``sharing``), each a plain click command added to the group here, so imports
flow one way: this package imports the groups, never the reverse (``python -m
classroom.lessons`` runs ``check``). Heavy modules (torch, Streamlit) are imported inside the
commands, so ``--help`` is instant, and ``check``, ``models``, ``open`` and ``figure`` never
import torch (a viewer-only install, ``pip install classroom``, has none;
``classroom[prepare]`` adds it).
"""

from __future__ import annotations

import click

from classroom import __version__
from classroom.cli.computing import compute
from classroom.cli.lessons import check, models, prepare
from classroom.cli.serving import open_command, run
from classroom.cli.sharing import bundle, figure
from classroom.cli.storing import store
from classroom.cli.training import train

__all__ = ["check", "main"]


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
      classroom store --prune         the store's size by area, after removing what is stale
    """


for _command in (run, prepare, check, models, train, bundle, open_command, figure, compute, store):
    main.add_command(_command)
