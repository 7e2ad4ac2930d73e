"""The errors of bundles and figures: each message names the file and what is wrong."""

from __future__ import annotations

__all__ = ["BundleError", "FigureError"]


class BundleError(ValueError):
    """A bundle cannot be made or opened; the message says which file and why."""


class FigureError(ValueError):
    """A figure cannot be drawn; the message names the lesson, step or file."""
