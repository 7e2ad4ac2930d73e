"""Answers without Nagle's delay: TCP_NODELAY on the server's listening sockets.

A browser fetches Streamlit's page, its 100-odd code chunks and the feature files over six
kept-alive connections. Streamlit binds its listening socket itself, without naming the
protocol, so asyncio does not switch Nagle's algorithm off on the connections it accepts
(it does so only for sockets that report ``IPPROTO_TCP``; uvicorn issue 3149). Every request
after a connection's first then waited for the browser's delayed acknowledgement before the
reply's body left: about 40 ms per request on Linux (measured with curl on this machine: 3 ms
on a new connection, 44 ms on a reused one), a large part of every lesson's open (issue 13).

On Linux a connection inherits TCP_NODELAY from the socket that accepted it, so setting it
on the listening sockets, once, while the server starts (before it accepts anyone), covers
every connection. Where the process's descriptors cannot be listed (no ``/proc`` or
``/dev/fd``), nothing changes.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

__all__ = ["listening_tcp_sockets", "without_nagle"]

_log = logging.getLogger(__name__)

_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def _descriptors() -> list[int]:
    """This process's open file descriptors, where the system lists them."""
    for folder in (Path("/proc/self/fd"), Path("/dev/fd")):
        try:
            return sorted(int(entry.name) for entry in folder.iterdir() if entry.name.isdigit())
        except OSError:
            continue
    return []


def _listening_tcp(descriptor: int) -> bool:
    """Whether ``descriptor`` is a TCP socket that accepts connections (never closes it)."""
    try:
        probe = socket.socket(fileno=descriptor)
    except OSError:  # not a socket, or closed meanwhile (the listing's own descriptor)
        return False
    try:
        return (
            probe.family in _TCP_FAMILIES
            and probe.type == socket.SOCK_STREAM
            and probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
        )
    except OSError:
        return False
    finally:
        probe.detach()  # the descriptor belongs to whoever opened it


def listening_tcp_sockets() -> list[int]:
    """The descriptors of this process's listening TCP sockets."""
    return [descriptor for descriptor in _descriptors() if _listening_tcp(descriptor)]


def without_nagle() -> list[int]:
    """Switch Nagle's algorithm off on every listening TCP socket; the descriptors changed."""
    changed = []
    for descriptor in listening_tcp_sockets():
        listener = socket.socket(fileno=descriptor)
        try:
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            changed.append(descriptor)
        except OSError:
            _log.debug("TCP_NODELAY refused on descriptor %d", descriptor, exc_info=True)
        finally:
            listener.detach()
    return changed
