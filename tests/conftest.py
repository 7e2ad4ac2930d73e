"""Fixtures shared by the whole suite.

Every test runs with a private feature store and torch hub cache, and with the network closed
except for loopback: a test that tried to download weights fails instead of passing slowly.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


class NetworkAccessError(RuntimeError):
    """Raised when a test tries to reach anything but loopback."""


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    original_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX or _is_loopback(address):
            return original_connect(self, address)
        raise NetworkAccessError(
            f"tests must not use the network (tried to connect to {address!r})"
        )

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _private_caches(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh, empty TORCH_HOME and feature store for every test."""
    base = tmp_path_factory.mktemp("caches")
    monkeypatch.setenv("TORCH_HOME", str(base / "torch"))
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(base / "store"))
