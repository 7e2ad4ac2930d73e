"""The one error a bundle raises: its message names the bundle and what is wrong."""

from __future__ import annotations

__all__ = ["BundleError"]


class BundleError(ValueError):
    """A bundle cannot be made or opened; the message says which file and why."""
