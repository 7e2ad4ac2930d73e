"""The route that serves prepared feature files and analysis images to the browser.

The bytes travel once per browser (not with every Streamlit rerun): each URL carries the
file's checksum (``?v=``), so a URL whose version matches is cacheable for good
(``immutable``), and a changed file gets a new URL. What is sent is the checked copy in memory
(:mod:`classroom.file_cache`); reading, checking and compressing run in worker threads, so the
server's event loop never waits for a disk or a hash.

Clients that accept gzip get the gzip copy where it saves at least a fifth of the bytes, unless
they are on this machine: over loopback the bytes cost nothing to move, while inflating them
costs the browser's CPU (the benchmark lesson's 12.8 MB conv2_x, 24 % smaller gzipped, arrived
in Chromium in 125 to 180 ms as it is against 265 to 390 ms gzipped, 2026-12-02). A request
forwarded by a proxy on this machine (``X-Forwarded-For``, ``Forwarded``) counts as remote.
An uncompressed body says ``Content-Encoding: identity``: Streamlit's gzip middleware wraps
every route and would otherwise compress it again, at level 9, on every request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from classroom.file_cache import CachedFile, FileCache
from classroom.store import FeatureStore
from classroom.urls import FILES_PREFIX

__all__ = ["file_route"]

#: A URL whose version matches the content never changes meaning: keep it for a year.
_IMMUTABLE: Final = "public, max-age=31536000, immutable"
#: Anything else may be kept, but must be checked again (a cheap 304 with the ETag).
_REVALIDATE: Final = "no-cache"
_CHUNK: Final = 1 << 20


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    """The body in pieces, so a slow client holds back one piece, not a copy of the file."""
    for start in range(0, len(data), _CHUNK):
        yield data[start : start + _CHUNK]


def _accepts_gzip(request: Request) -> bool:
    accepted = request.headers.get("accept-encoding", "")
    return any(part.split(";")[0].strip() == "gzip" for part in accepted.split(","))


#: Headers a proxy adds: the request came from elsewhere, whatever its peer address says.
_FORWARDED: Final = ("forwarded", "x-forwarded-for", "x-real-ip")


def _on_this_machine(request: Request) -> bool:
    """Whether the client is on this machine (loopback, not forwarded by a proxy)."""
    if request.client is None or any(name in request.headers for name in _FORWARDED):
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:  # not an address (a Unix socket's peer, a test client's name)
        return False


def _response(request: Request, cached: CachedFile) -> Response:
    file = cached.file
    media_type = "image/png" if file.path.suffix == ".png" else "application/octet-stream"
    gzipped = cached.gzip is not None and _accepts_gzip(request) and not _on_this_machine(request)
    body = cached.gzip if gzipped and cached.gzip is not None else file.data
    etag = f'"{file.digest}{"-gzip" if gzipped else ""}"'
    headers = {
        "ETag": etag,
        "Cache-Control": _IMMUTABLE
        if request.query_params.get("v") == file.digest
        else _REVALIDATE,
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") in {etag, f"W/{etag}"}:
        return Response(status_code=304, headers=headers)
    headers["Content-Length"] = str(len(body))
    headers["Content-Encoding"] = "gzip" if gzipped else "identity"
    if request.method == "HEAD":
        return Response(status_code=200, headers=headers, media_type=media_type)
    return StreamingResponse(_chunks(body), headers=headers, media_type=media_type)


def file_route(cache: FileCache | None = None) -> Route:
    """The route under FILES_PREFIX, serving from ``cache`` (the process's by default)."""
    files = cache if cache is not None else FileCache.shared()

    async def serve(request: Request) -> Response:
        name = str(request.path_params["name"])
        cached = await run_in_threadpool(files.get, FeatureStore(), name)
        if cached is None:
            return PlainTextResponse(
                f"{name} is not a prepared file of this store", status_code=404
            )
        return _response(request, cached)

    return Route(FILES_PREFIX + "{name}", serve, methods=["GET", "HEAD"])
