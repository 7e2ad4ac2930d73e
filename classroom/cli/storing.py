"""``classroom store``: how much room the store takes, and pruning what nobody reads again."""

from __future__ import annotations

import click

__all__ = ["store"]


@click.command()
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
