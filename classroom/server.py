"""The ASGI application: Streamlit's page (``classroom/app/main.py``) plus one file route.

The route (:mod:`classroom.file_route`) serves prepared feature files and analysis images
from the store, checked, so the bytes travel once per browser over plain HTTP instead of
riding along with every Streamlit rerun.
``classroom run`` starts this module with ``streamlit run``, which finds ``app`` below.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

import streamlit as st

from classroom.file_route import file_route
from classroom.no_delay import without_nagle
from classroom.preload import preloading
from classroom.urls import FILES_PREFIX, file_url

__all__ = [
    "FILES_PREFIX",
    "LIFESPAN",
    "ROUTES",
    "app",
    "app_environment",
    "file_url",
    "serve",
    "streamlit_options",
]

PAGE: Final = Path(__file__).resolve().parent / "app" / "main.py"

#: The routes classroom adds to Streamlit's own (test harnesses mount them on their own pages).
ROUTES: Final = (file_route(),)

_preloading = preloading(PAGE)


@asynccontextmanager
async def _lifespan(app: object) -> AsyncIterator[None]:
    # Streamlit has bound its listening socket by now and accepts no one before this returns.
    without_nagle()
    async with _preloading(app):
        yield


#: While the server starts: replies without Nagle's delay (:mod:`classroom.no_delay`), and
#: the page's modules imported (:mod:`classroom.preload`).
LIFESPAN: Final = _lifespan

app = st.App(PAGE, routes=list(ROUTES), lifespan=LIFESPAN)


def streamlit_options(port: int, host: str) -> list[str]:
    """``streamlit run`` options for serving classroom (test harnesses use them too)."""
    return [
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        # A classroom app, not a development session: no "Deploy" or rerun menu.
        "--client.toolbarMode",
        "minimal",
    ]


def _log_to_terminal() -> None:
    """classroom's own messages (store maintenance, damaged files) in the terminal it runs in.

    Streamlit configures only its own loggers; without a handler, INFO messages would vanish.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s classroom: %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("classroom")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def app_environment(
    *, untrained: bool, lessons_dir: Path, weights_file: Path | None = None
) -> dict[str, str]:
    """The environment variables through which ``classroom run``'s options reach the page.

    Streamlit runs the page script itself, so options travel as ``CLASSROOM_*`` variables,
    which the page reads (``CLASSROOM_WEIGHTS_FILE`` may also be set by hand).
    """
    if untrained and weights_file is not None:
        raise ValueError("untrained weights and a weights file exclude each other")
    environment = {"CLASSROOM_LESSONS_DIR": str(lessons_dir.resolve())}
    if untrained:
        environment["CLASSROOM_UNTRAINED"] = "1"
    if weights_file is not None:
        environment["CLASSROOM_WEIGHTS_FILE"] = str(weights_file.resolve())
    return environment


def serve(
    *, port: int, host: str, untrained: bool, lessons_dir: Path, weights_file: Path | None = None
) -> None:
    """Run the app with Streamlit's own server; returns when the server stops."""
    from streamlit.web import cli as streamlit_cli

    _log_to_terminal()
    os.environ.update(
        app_environment(untrained=untrained, lessons_dir=lessons_dir, weights_file=weights_file)
    )
    shown_host = "localhost" if host in {"0.0.0.0", "::"} else host
    print(
        f"classroom: open http://{shown_host}:{port} in your browser (Ctrl+C stops the app)",
        flush=True,
    )
    sys.argv = ["streamlit", "run", str(Path(__file__).resolve()), *streamlit_options(port, host)]
    streamlit_cli.main()
