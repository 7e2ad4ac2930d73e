"""``python -m classroom`` runs the command-line interface."""

from classroom.cli import main

main()
