"""``classroom run`` and ``classroom open``: the commands that start the app.

Both end in a server process; ``run --bundle`` is ``open`` by another name, so they live
together. Streamlit and the server are imported inside, so ``--help`` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from classroom.cli.options import exclusive, existing_file, weights_file_option
from classroom.settings import lessons_dir_default

__all__ = ["open_command", "run"]


@click.command()
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
@weights_file_option
@click.option(
    "--bundle",
    "bundle_file",
    type=existing_file,
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
    exclusive(untrained, weights_file)
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


@click.command("open")
@click.argument("bundle_file", type=existing_file)
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
