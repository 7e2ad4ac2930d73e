"""The ASGI application: Streamlit's page (``classroom/app/main.py``) plus one file route.

The route serves prepared feature files and analysis images straight from the store, so the
bytes travel once per browser session over plain HTTP (streamed from disk, cached by the
browser as immutable) instead of riding along with every Streamlit rerun.
``classroom run`` starts this module with ``streamlit run``, which finds ``app`` below.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import Final

import streamlit as st
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from classroom.store import FEATURE_SUFFIX, FeatureStore
from classroom.urls import FILES_PREFIX, file_url

__all__ = [
    "FILES_PREFIX",
    "ROUTES",
    "app",
    "app_environment",
    "file_url",
    "serve",
    "streamlit_options",
]

PAGE: Final = Path(__file__).resolve().parent / "app" / "main.py"
_FEATURE_NAME: Final = re.compile(r"^[0-9a-f]{32}" + re.escape(FEATURE_SUFFIX) + "$")
_IMAGE_NAME: Final = re.compile(r"^[0-9a-f]{64}-[0-9]{1,6}\.png$")
_MAP_NAME: Final = re.compile(r"^[0-9a-f]{32}-[0-9]{1,6}x[0-9]{1,6}\.f32$")
#: Entries are content-addressed: the same name always means the same bytes.
_IMMUTABLE: Final = {"Cache-Control": "public, max-age=31536000, immutable"}


async def _serve_store_file(request: Request) -> Response:
    name = str(request.path_params["name"])
    store = FeatureStore()
    if _FEATURE_NAME.match(name):
        # Validate before serving: a damaged entry must never reach the browser as data.
        prepared = store.read_entry(name.removesuffix(FEATURE_SUFFIX))
        if prepared is None:
            return PlainTextResponse(f"{name} is not a prepared feature file", status_code=404)
        path = prepared.path
        media_type = "application/octet-stream"
    elif _IMAGE_NAME.match(name):
        path = store.images_dir / name
        media_type = "image/png"
        if not path.is_file():
            return PlainTextResponse(f"{name} is not a prepared image", status_code=404)
    elif _MAP_NAME.match(name):
        path = store.maps_dir / name
        media_type = "application/octet-stream"
        if not path.is_file():
            return PlainTextResponse(f"{name} is not a stored map", status_code=404)
    else:
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(path, media_type=media_type, headers=_IMMUTABLE)


#: The routes classroom adds to Streamlit's own (test harnesses mount them on their own pages).
ROUTES: Final = (Route(FILES_PREFIX + "{name}", _serve_store_file, methods=["GET", "HEAD"]),)

app = st.App(PAGE, routes=list(ROUTES))


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
