"""Replies on kept-alive connections leave without Nagle's delay (:mod:`classroom.no_delay`).

Streamlit binds its listening socket with the protocol left at 0, as the sockets here are,
so asyncio leaves Nagle's algorithm on; a browser's second request on a connection then
waited ~40 ms for a delayed acknowledgement (the serving benchmark's kept-alive figure).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from classroom.no_delay import listening_tcp_sockets, without_nagle

pytestmark = pytest.mark.skipif(
    not (Path("/proc/self/fd").is_dir() or Path("/dev/fd").is_dir()),
    reason="the process's descriptors cannot be listed here",
)


@contextmanager
def streamlit_like_listener() -> Iterator[socket.socket]:
    """A listening socket made as Streamlit's server makes its own (no protocol named)."""
    listener = socket.socket(family=socket.AF_INET)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener
    finally:
        listener.close()


def accepted_no_delay(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection that ``listener`` accepts now."""
    with socket.create_connection(listener.getsockname(), timeout=10) as _client:
        accepted, _ = listener.accept()
        with accepted:
            return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_connections_accepted_after_it_are_sent_without_delay() -> None:
    with streamlit_like_listener() as listener:
        assert listener.proto == 0
        assert accepted_no_delay(listener) == 0  # what Streamlit's server did
        assert listener.fileno() in without_nagle()
        assert accepted_no_delay(listener) == 1


def test_only_listening_tcp_sockets_are_touched_and_nothing_is_closed(tmp_path: Path) -> None:
    with (
        streamlit_like_listener() as listener,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as datagrams,
        socket.create_connection(listener.getsockname(), timeout=10) as client,
        (tmp_path / "notes.txt").open("w+", encoding="utf-8") as file,
    ):
        listening = listening_tcp_sockets()
        assert listener.fileno() in listening
        assert datagrams.fileno() not in listening
        assert client.fileno() not in listening
        assert file.fileno() not in listening
        without_nagle()
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        # Every descriptor is still open and usable.
        file.write("kept")
        file.flush()
        assert os.fstat(file.fileno()).st_size == 4
        datagrams.bind(("127.0.0.1", 0))
        client.sendall(b"still connected")
        accepted, _ = listener.accept()
        with accepted:
            assert accepted.recv(64) == b"still connected"


def test_the_servers_start_switches_it_off_before_anyone_connects() -> None:
    from classroom.server import LIFESPAN

    async def start_and_stop() -> None:
        async with LIFESPAN(object()):
            pass

    with streamlit_like_listener() as listener:
        # A thread of its own: in the whole suite, Playwright's loop runs in this one.
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, start_and_stop()).result(timeout=300)
        assert accepted_no_delay(listener) == 1
