"""Fixtures shared by the whole suite.

Every test runs with a private feature store and torch hub cache, and with the network closed
except for loopback (name lookups included): a download fails at once, the same way on every
machine, and ``refused_hosts`` shows that it was tried.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import settings
from PIL import Image

from tests.lesson_tree import LessonTree

if TYPE_CHECKING:
    from torch import nn

    from classroom.networks import LoadedNetwork

REPO_ROOT = Path(__file__).resolve().parent.parent

# Property tests are derandomized: the suite (and CI) runs the same examples every time, so a
# failure is reproducible and never a coin toss. HYPOTHESIS_PROFILE=explore searches afresh.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


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
def _no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every name lookup and connection beyond loopback; returns what was refused.

    Lookups are refused too, so a download fails the same way on every machine (with or
    without DNS), and a test can see that an attempt happened (:func:`refused_hosts`).
    """
    refused: list[str] = []
    original_connect = socket.socket.connect
    original_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family == socket.AF_UNIX or _is_loopback(address):
            return original_connect(self, address)
        refused.append(str(address[0] if isinstance(address, tuple) else address))
        raise NetworkAccessError(
            f"tests must not use the network (tried to connect to {address!r})"
        )

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is None or _is_loopback(host):
            return original_getaddrinfo(host, *args, **kwargs)
        name = host.decode() if isinstance(host, bytes) else str(host)
        refused.append(name)
        raise socket.gaierror(socket.EAI_NONAME, f"tests must not use the network ({name})")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return refused


@pytest.fixture
def refused_hosts(_no_network: list[str]) -> list[str]:
    """The hosts the code under test tried to reach so far, in order (each was refused)."""
    return _no_network


@pytest.fixture
def tree(tmp_path: Path) -> LessonTree:
    """A lessons folder and its datasets folder in a fresh temporary directory (files override
    it where they need pictures in it or settings pointed at it)."""
    return LessonTree(tmp_path)


#: Settings a developer may have exported; a test that needs one sets it itself.
_USER_SETTINGS = (
    "CLASSROOM_DATASETS_DIR",
    "CLASSROOM_LESSONS_DIR",
    "CLASSROOM_UNTRAINED",
    "CLASSROOM_WEIGHTS_FILE",
    "CLASSROOM_COMPONENT_DEV_URL",
)


@pytest.fixture(autouse=True)
def _private_caches(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh, empty TORCH_HOME and feature store for every test, no network loaded, and
    none of the developer's own CLASSROOM_* settings."""
    from classroom.preparation import LOADED_NETWORKS

    for name in _USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    base = tmp_path_factory.mktemp("caches")
    monkeypatch.setenv("TORCH_HOME", str(base / "torch"))
    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(base / "store"))
    LOADED_NETWORKS.clear()


# -- pictures -----------------------------------------------------------------------------------


def picture(width: int, height: int, seed: int = 0) -> npt.NDArray[np.uint8]:
    """A deterministic RGB picture with smooth regions, edges and texture (not plain noise)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    red = 255 * x / max(width - 1, 1)
    green = 255 * y / max(height - 1, 1)
    disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (min(width, height) * 0.25) ** 2
    blue = np.where(disc, 220.0, 40.0) + 30 * np.sin(x / 3.0) * (y > height / 2)
    stack = np.stack([red, green, blue], axis=-1) + rng.normal(0, 6, (height, width, 3))
    return np.clip(np.rint(stack), 0, 255).astype(np.uint8)


def encoded_picture(
    width: int, height: int, format: str, mode: str = "RGB", **options: object
) -> bytes:
    """:func:`picture` saved as a file of ``format`` (PNG, JPEG, ...) in colour ``mode``."""
    buffer = io.BytesIO()
    Image.fromarray(picture(width, height)).convert(mode).save(buffer, format=format, **options)
    return buffer.getvalue()


@pytest.fixture
def make_image(tmp_path: Path) -> Callable[..., Path]:
    """Write a test picture: ``make_image(name, width, height, mode="RGB", **save_options)``."""

    def write(name: str, width: int, height: int, mode: str = "RGB", **options: Any) -> Path:
        path = tmp_path / name
        Image.fromarray(picture(width, height)).convert(mode).save(path, **options)
        return path

    return write


@pytest.fixture(scope="session")
def natural_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real photograph (the bundled astronaut portrait, public domain) at 219 x 256 pixels."""
    source = REPO_ROOT / "datasets" / "astronaut.png"
    path = tmp_path_factory.mktemp("natural") / "astronaut.png"
    with Image.open(source) as photo:
        photo.convert("RGB").resize((219, 256), Image.Resampling.LANCZOS).save(path)
    return path


# -- networks and weights files ----------------------------------------------------------------

SEEDED_WEIGHTS_SEED = 1234


@pytest.fixture(scope="session")
def resnet18_seeded() -> nn.Module:
    """A resnet18 with seed-1234 random weights: stands in for pretrained weights."""
    import torch
    import torchvision

    torch.manual_seed(SEEDED_WEIGHTS_SEED)
    model: nn.Module = torchvision.models.resnet18(weights=None)
    return model.eval()


@pytest.fixture(scope="session")
def resnet18_weights_file(
    tmp_path_factory: pytest.TempPathFactory, resnet18_seeded: nn.Module
) -> Path:
    """The state dict of :func:`resnet18_seeded`, saved with ``torch.save`` (read-only use)."""
    import torch

    path = tmp_path_factory.mktemp("weights") / "seeded-resnet18.pth"
    torch.save(resnet18_seeded.state_dict(), path)
    return path


def loaded(model: nn.Module, architecture: str) -> LoadedNetwork:
    """``model`` (an instance of a registry architecture) as extraction takes it, with the
    normalisation of the architecture's pretrained weights."""
    from classroom import networks

    return networks.LoadedNetwork(
        networks.family_of(architecture),
        {layer.name: layer for layer in networks.architecture(architecture).layers},
        model,
        networks.untrained_weights(architecture),
    )


@pytest.fixture(scope="session")
def resnet18_untrained() -> LoadedNetwork:
    from classroom import networks

    return networks.build_network(networks.untrained_weights("resnet18"))


@pytest.fixture(scope="session")
def resnet101_untrained() -> LoadedNetwork:
    from classroom import networks

    return networks.build_network(networks.untrained_weights("resnet101"))
