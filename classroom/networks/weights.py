"""Weights: which ones a name means, where their file is, and what store entries record.

Weights names (the lesson format's ``weights`` field):

* ``"imagenet"``: the architecture's default pretrained weights (torchvision's ``DEFAULT``);
* a member name of the architecture's weights, e.g. ``"IMAGENET1K_V1"`` (``classroom models``
  lists them);
* ``"untrained"``: seeded random weights, recorded as such everywhere downstream;
* a file: the lesson's own state dict (a fine-tuned checkpoint) or model file.

Pretrained weights are looked for in this order: an explicit weights file, the torch hub cache
(``$TORCH_HOME/hub/checkpoints``), torchvision's download. A download is tried at most once per
process and destination: a machine without internet fails at once, and a failure is remembered
rather than repeated for every image or page. When none works the caller gets a
:class:`WeightsUnavailableError` that says which file is expected, where and from where, and
why the download failed; nothing here ever falls back to untrained weights on its own.

Locating and identifying weights needs no torch (the registry's plain data and a file hash),
so a page can label its panels without loading a network.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from classroom.hashing import file_sha256
from classroom.networks import registry
from classroom.networks.base import IMAGENET, IMAGENET_MEAN, IMAGENET_STD, UNTRAINED, Pretrained
from classroom.networks.choice import ModelFile, NetworkChoice, is_weights_file
from classroom.networks.downloads import download_once, unavailable_message
from classroom.networks.pinned import pinned_identity

__all__ = [
    "DEFAULT_SEED",
    "ResolvedWeights",
    "WeightsFileError",
    "WeightsIdentity",
    "WeightsUnavailableError",
    "download_note",
    "hub_checkpoint_path",
    "hub_dir",
    "resolve_weights",
    "ships_weights",
    "untrained_weights",
    "validate_weights_name",
]

DEFAULT_SEED: Final = 0


@dataclass(frozen=True)
class WeightsIdentity:
    """Which weights produced a feature map, as recorded in every store entry.

    Attributes:
        weights_id: ``sha256:<hex>`` of the weights (or model) file, or
            ``untrained:seed=<n>:torch=<version>:torchvision=<version>`` (see
            :func:`untrained_weights`).
        label: for people: ``ImageNet (IMAGENET1K_V2)``, the file name, ``untrained (seed 0)``.
        untrained: True for seeded random weights; the app labels those features visibly.
    """

    weights_id: str
    label: str
    untrained: bool


@dataclass(frozen=True)
class ResolvedWeights:
    """Weights located and identified, not yet loaded (identity alone is cheap to get).

    Attributes:
        network: the architecture (with its class count) or model file.
        identity: what store entries record.
        file: the state dict (or model) file, or None for untrained weights.
        seed: the seed of untrained weights, else None.
        mean, std: the input normalisation the weights expect.
        declared_classes: for the lesson's own weights file, the classes the lesson declares
            (None: the architecture's, as for pretrained and untrained weights).
    """

    network: NetworkChoice
    identity: WeightsIdentity
    file: Path | None = None
    seed: int | None = None
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    declared_classes: int | None = None

    @property
    def architecture(self) -> str:
        """The store's model name (the architecture, or a model file's key)."""
        return self.network.key


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights are neither given, nor in the hub cache, nor downloadable.

    Attributes:
        download_failed: True once this process tried to download them and failed (it will not
            try again); False when downloading was switched off for this call, so a caller
            that may download (a background worker, ``classroom prepare``) can still try.
    """

    def __init__(self, message: str, *, download_failed: bool) -> None:
        super().__init__(message)
        self.download_failed = download_failed


class WeightsFileError(ValueError):
    """A weights or model file cannot be used; the message names the file and the problem."""


def _default_pretrained(architecture: str) -> Pretrained:
    """The default pretrained weights, whose normalisation untrained and own weights share."""
    return registry.architecture(architecture).default_pretrained or Pretrained("none")


def _choice(network: str | NetworkChoice) -> NetworkChoice:
    return network if isinstance(network, NetworkChoice) else NetworkChoice(network)


def _pretrained(network: NetworkChoice, name: str) -> Pretrained:
    """The pretrained weights ``name`` stands for (``ValueError`` naming the choices)."""
    if network.model_file is not None:
        raise ValueError(
            f"{network.model_file.path.name} is a whole model: its weights are in the file, "
            f"so it has no weights '{name}'"
        )
    return registry.architecture(network.architecture).weights(name)


def validate_weights_name(network: str | NetworkChoice, name: str) -> None:
    """Raise ``ValueError`` with a readable message unless ``name`` is weights of the network.

    A file name is accepted here (whether the file exists and fits is checked where it is
    resolved and loaded).
    """
    choice = _choice(network)
    if choice.model_file is None:
        registry.validate_architecture(choice.architecture)
    if is_weights_file(name):
        return
    if name == UNTRAINED:
        if choice.model_file is not None:
            raise ValueError(
                f"{choice.model_file.path.name} is a whole model in a file: it has no untrained "
                "version (only architectures of the registry do)"
            )
        return
    _pretrained(choice, name)


def download_note(architecture: str, name: str = IMAGENET) -> str:
    """What a download of pretrained weights ``name`` fetches, for a progress display.

    For example ``Downloading the pretrained ResNet-101 weights (IMAGENET1K_V2, about 171 MB)
    from download.pytorch.org…``.
    """
    pretrained = _pretrained(NetworkChoice(architecture), name)
    about = f", about {pretrained.size_mb:.0f} MB" if pretrained.size_mb else ""
    title = registry.architecture(architecture).title
    return (
        f"Downloading the pretrained {title} weights ({pretrained.name}{about}) "
        f"from {pretrained.host}…"
    )


def hub_dir() -> Path:
    """torch hub's directory, as ``torch.hub.get_dir()`` computes it (without importing torch).

    ``$TORCH_HOME/hub``, else ``$XDG_CACHE_HOME/torch/hub``, else ``~/.cache/torch/hub``; a
    test compares it with torch's own answer.
    """
    cache_home = os.environ.get("XDG_CACHE_HOME", "~/.cache")
    torch_home = os.environ.get("TORCH_HOME", str(Path(cache_home) / "torch"))
    return Path(torch_home).expanduser() / "hub"


def hub_checkpoint_path(architecture: str, name: str = IMAGENET) -> Path:
    """Where torchvision keeps the downloaded file of pretrained weights ``name``."""
    pretrained = _pretrained(NetworkChoice(architecture), name)
    if pretrained.shipped_file is not None:
        return pretrained.shipped_file
    return hub_dir() / "checkpoints" / pretrained.file_name


def ships_weights(network: str | NetworkChoice, name: str) -> bool:
    """Whether weights ``name`` of the network ship with classroom (``shapes``' ``trained``):
    usable offline, with nothing to download or find. Untrained weights do not count."""
    try:
        return _pretrained(_choice(network), name).shipped_file is not None
    except ValueError:  # untrained, a weights file, or a whole model file
        return False


def untrained_weights(network: str | NetworkChoice, seed: int = DEFAULT_SEED) -> ResolvedWeights:
    """Seeded random weights: deterministic, and labelled as untrained wherever they are shown."""
    choice = _choice(network)
    validate_weights_name(choice, UNTRAINED)
    pretrained = _default_pretrained(choice.architecture)
    pinned = _pinned(choice, UNTRAINED) if seed == DEFAULT_SEED else None
    return ResolvedWeights(
        network=choice,
        identity=pinned
        or WeightsIdentity(
            f"untrained:seed={seed}:{_initialisation_versions()}", f"untrained (seed {seed})", True
        ),
        seed=seed,
        mean=pretrained.mean,
        std=pretrained.std,
    )


@cache
def _initialisation_versions() -> str:
    """The versions that decide what seeded random weights are.

    The same seed need not give the same weights under another torch (its random generators)
    or torchvision (its initialisation code), so features prepared under one must not be
    served under another: the versions are part of the weights' identity, hence of every
    store key.
    """
    versions = (f"{name}={importlib.metadata.version(name)}" for name in ("torch", "torchvision"))
    return ":".join(versions)


def _pinned(choice: NetworkChoice, name: str) -> WeightsIdentity | None:
    """The identity an opened bundle pinned (:mod:`classroom.networks.pinned`), else None."""
    found = pinned_identity(choice.key, name)
    return None if found is None else WeightsIdentity(*found)


def _file_identity(path: Path, label: str) -> WeightsIdentity:
    try:
        digest = file_sha256(path)
    except OSError as error:
        raise WeightsFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    return WeightsIdentity(f"sha256:{digest}", label, False)


def resolve_weights(
    network: str | NetworkChoice,
    name: str | None = None,
    *,
    weights_file: Path | None = None,
    download: bool = True,
    on_download: Callable[[str], None] | None = None,
) -> ResolvedWeights:
    """Locate and identify the weights ``name`` of ``network`` (default: its family's default,
    ``imagenet`` for torchvision's networks).

    ``"untrained"`` always means seeded random weights, and a file name the lesson's own file.
    Any other name is pretrained and is looked for in this order: ``weights_file`` (it replaces
    every pretrained source), the torch hub cache, torchvision's download (unless ``download``
    is False, or this process already tried to download that file and failed).

    Args:
        on_download: called with :func:`download_note` just before a download starts (a
            download of a few hundred MB should not look like a frozen program).

    Raises:
        ValueError: for an unknown architecture or weights name.
        WeightsFileError: if a weights file cannot be read.
        WeightsUnavailableError: if no pretrained source works; the message names the file
            expected, where to put it, the URL it comes from and why the download failed.
    """
    choice = _choice(network)
    if name is None:
        model_file = choice.model_file
        name = (
            registry.default_weights(choice.architecture)
            if model_file is None
            else (str(model_file.path))
        )
    pinned = _pinned(choice, name)
    if pinned is not None:  # an opened bundle says which weights made its maps
        validate_weights_name(choice, name)
        return ResolvedWeights(network=choice, identity=pinned)
    if choice.model_file is not None:
        validate_weights_name(choice, name)
        model_file = choice.model_file
        return _from_file(choice, model_file.path, model_file.path.name, model_file)
    if name == UNTRAINED:
        return untrained_weights(choice)
    if is_weights_file(name):
        path = Path(name)
        default = _default_pretrained(choice.architecture)
        return _from_file(choice, path, path.name, default, declared=choice.num_classes)
    pretrained = _pretrained(choice, name)
    if weights_file is not None:
        return _from_file(choice, weights_file, weights_file.name, pretrained)
    cached = hub_checkpoint_path(choice.architecture, name)
    if not cached.is_file():
        failure = download_once(
            pretrained,
            cached,
            download=download,
            on_download=(
                None
                if on_download is None
                else lambda: on_download(download_note(choice.architecture, name))
            ),
        )
        if failure is not None or not cached.is_file():
            raise WeightsUnavailableError(
                unavailable_message(
                    choice.architecture,
                    pretrained,
                    cached,
                    failure or "downloading is switched off",
                ),
                download_failed=failure is not None,
            )
    return _from_file(choice, cached, pretrained.shown, pretrained)


def _from_file(
    choice: NetworkChoice,
    path: Path,
    label: str,
    normalisation: Pretrained | ModelFile,
    declared: int | None = None,
) -> ResolvedWeights:
    """Weights in ``path``, identified by its hash, normalised as ``normalisation`` says."""
    return ResolvedWeights(
        choice,
        _file_identity(path, label),
        path,
        mean=normalisation.mean,
        std=normalisation.std,
        declared_classes=declared,
    )
