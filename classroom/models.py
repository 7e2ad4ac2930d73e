"""ResNet architectures, layer names and weights resolution.

Layer names follow He et al. (2016), Table 1, which IFeaLiD uses too: ``conv1`` and the stages
``conv2_x`` ... ``conv5_x``. Each maps onto the torchvision node whose output is that stage's
output (after its final ReLU).

Weights names (the lesson format's ``weights`` field):

* ``"imagenet"``: torchvision's ``DEFAULT`` weights of the architecture;
* a member name of the architecture's weights enum, e.g. ``"IMAGENET1K_V1"``;
* ``"untrained"``: seeded random weights, recorded as such everywhere downstream.

Pretrained weights are looked for in this order: an explicit weights file, the torch hub cache
(``$TORCH_HOME/hub/checkpoints``), torchvision's download. A download is tried at most once per
process and destination: a machine without internet fails at once, and a failure is remembered
rather than repeated for every image or page. When none works the caller gets a
:class:`WeightsUnavailableError` that says which file is expected, where and from where, and
why the download failed; this module never falls back to untrained weights on its own.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import re
import threading
import urllib.error
import urllib.parse
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.hashing import file_sha256

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_ARCHITECTURE",
    "DEFAULT_SEED",
    "IMAGENET",
    "LAYERS",
    "UNTRAINED",
    "LayerSpec",
    "ResolvedWeights",
    "WeightsFileError",
    "WeightsIdentity",
    "WeightsUnavailableError",
    "build_model",
    "download_note",
    "hub_checkpoint_path",
    "layer_node",
    "layer_stride",
    "load_state_dict",
    "resolve_weights",
    "untrained_weights",
    "validate_architecture",
    "validate_weights_name",
]

ARCHITECTURES: Final = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")
#: ResNet-101 is the network of the IFeaLiD paper.
DEFAULT_ARCHITECTURE: Final = "resnet101"
IMAGENET: Final = "imagenet"
UNTRAINED: Final = "untrained"
DEFAULT_SEED: Final = 0


@dataclass(frozen=True)
class LayerSpec:
    """A layer the classroom can show: its torchvision node and its stride in image pixels."""

    name: str
    node: str
    stride: int


LAYERS: Final[Mapping[str, LayerSpec]] = {
    spec.name: spec
    for spec in (
        LayerSpec("conv1", "relu", 2),
        LayerSpec("conv2_x", "layer1", 4),
        LayerSpec("conv3_x", "layer2", 8),
        LayerSpec("conv4_x", "layer3", 16),
        LayerSpec("conv5_x", "layer4", 32),
    )
}


def _layer(name: str) -> LayerSpec:
    try:
        return LAYERS[name]
    except KeyError:
        raise ValueError(f"unknown layer {name!r}; the layers are {', '.join(LAYERS)}") from None


def layer_stride(name: str) -> int:
    """Image pixels per cell of ``name`` along each axis (``conv2_x`` -> 4)."""
    return _layer(name).stride


def layer_node(name: str) -> str:
    """The torchvision graph node whose output is layer ``name`` (``conv2_x`` -> ``layer1``)."""
    return _layer(name).node


def validate_architecture(architecture: str) -> None:
    """Raise ``ValueError`` unless ``architecture`` is one of :data:`ARCHITECTURES`."""
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"unknown model {architecture!r}; the models are {', '.join(ARCHITECTURES)}"
        )


def _weights_enum(architecture: str) -> type:
    from torchvision.models import get_model_weights

    validate_architecture(architecture)
    enum: type = get_model_weights(architecture)
    return enum


def _pretrained_member(architecture: str, name: str) -> object:
    """The torchvision weights enum member that ``name`` stands for."""
    enum = _weights_enum(architecture)
    members: Mapping[str, object] = enum.__members__  # type: ignore[attr-defined]
    if name == IMAGENET:
        return members["DEFAULT"]
    try:
        return members[name]
    except KeyError:
        choices = ", ".join([IMAGENET, UNTRAINED, *members])
        raise ValueError(
            f"unknown weights {name!r} for {architecture}; choose one of {choices}"
        ) from None


def validate_weights_name(architecture: str, name: str) -> None:
    """Raise ``ValueError`` with a readable message unless ``name`` is weights of the model.

    The lesson format uses this to check its ``weights`` fields.
    """
    if name == UNTRAINED:
        validate_architecture(architecture)
        return
    _pretrained_member(architecture, name)


@dataclass(frozen=True)
class WeightsIdentity:
    """Which weights produced a feature map, as recorded in every store entry.

    Attributes:
        weights_id: ``sha256:<hex>`` of the state-dict file, or
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
        architecture: one of :data:`ARCHITECTURES`.
        identity: what store entries record.
        file: the state-dict file, or None for untrained weights.
        seed: the seed of untrained weights, else None.
    """

    architecture: str
    identity: WeightsIdentity
    file: Path | None = None
    seed: int | None = None


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
    """A weights file is not a safe state dict of the architecture; the message names the file."""


def _checkpoint_url(member: object) -> str:
    url: str = member.url  # type: ignore[attr-defined]
    return url


def _display_name(architecture: str) -> str:
    """``resnet101`` -> ``ResNet-101``, as the paper and torchvision's documentation write it."""
    return re.sub(r"^resnet(\d+)$", r"ResNet-\1", architecture)


def download_note(architecture: str, name: str = IMAGENET) -> str:
    """What a download of pretrained weights ``name`` fetches, for a progress display.

    For example ``Downloading the pretrained ResNet-101 weights (IMAGENET1K_V2, about 171 MB)
    from download.pytorch.org…`` (the size from torchvision's metadata, when it has one).
    """
    member = _pretrained_member(architecture, name)
    canonical: str = member.name  # type: ignore[attr-defined]
    meta: Mapping[str, object] = member.meta  # type: ignore[attr-defined]
    size = meta.get("_file_size")
    about = f", about {size:.0f} MB" if isinstance(size, int | float) else ""
    host = urllib.parse.urlparse(_checkpoint_url(member)).netloc
    return (
        f"Downloading the pretrained {_display_name(architecture)} weights "
        f"({canonical}{about}) from {host}…"
    )


def hub_checkpoint_path(architecture: str, name: str = IMAGENET) -> Path:
    """Where torchvision keeps the downloaded file of pretrained weights ``name``."""
    import torch.hub

    url = _checkpoint_url(_pretrained_member(architecture, name))
    file_name = Path(urllib.parse.urlparse(url).path).name
    return Path(torch.hub.get_dir()) / "checkpoints" / file_name


def untrained_weights(architecture: str, seed: int = DEFAULT_SEED) -> ResolvedWeights:
    """Seeded random weights: deterministic, and labelled as untrained wherever they are shown."""
    validate_architecture(architecture)
    return ResolvedWeights(
        architecture=architecture,
        identity=WeightsIdentity(
            f"untrained:seed={seed}:{_initialisation_versions()}", f"untrained (seed {seed})", True
        ),
        seed=seed,
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


def _file_identity(path: Path, label: str) -> WeightsIdentity:
    try:
        digest = file_sha256(path)
    except OSError as error:
        raise WeightsFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    return WeightsIdentity(f"sha256:{digest}", label, False)


def resolve_weights(
    architecture: str,
    name: str = IMAGENET,
    *,
    weights_file: Path | None = None,
    download: bool = True,
    on_download: Callable[[str], None] | None = None,
) -> ResolvedWeights:
    """Locate and identify the weights ``name`` of ``architecture``.

    ``"untrained"`` always means seeded random weights. Any other name is pretrained and is
    looked for in this order: ``weights_file`` (it replaces every pretrained source), the torch
    hub cache, torchvision's download (unless ``download`` is False, or this process already
    tried to download that file and failed).

    Args:
        on_download: called with :func:`download_note` just before a download starts (a
            download of a few hundred MB should not look like a frozen program).

    Raises:
        ValueError: for an unknown architecture or weights name.
        WeightsFileError: if ``weights_file`` cannot be read.
        WeightsUnavailableError: if no pretrained source works; the message names the file
            expected, where to put it, the URL it comes from and why the download failed.
    """
    if name == UNTRAINED:
        return untrained_weights(architecture)
    member = _pretrained_member(architecture, name)
    if weights_file is not None:
        return ResolvedWeights(
            architecture, _file_identity(weights_file, weights_file.name), weights_file
        )

    canonical: str = member.name  # type: ignore[attr-defined]
    label = f"ImageNet ({canonical})"
    cached = hub_checkpoint_path(architecture, name)
    if not cached.is_file():
        url = _checkpoint_url(member)
        failure = _download_once(
            architecture, name, cached, download=download, on_download=on_download
        )
        if failure is not None or not cached.is_file():
            raise WeightsUnavailableError(
                _unavailable_message(
                    architecture, canonical, cached, url, failure or "downloading is switched off"
                ),
                download_failed=failure is not None,
            )
    return ResolvedWeights(architecture, _file_identity(cached, label), cached)


#: Why a download failed, by destination: each file is tried once per process.
_FAILED_DOWNLOADS: dict[Path, str] = {}
#: One download at a time, so two callers never fetch the same file twice over.
_DOWNLOADING = threading.Lock()


def _download_once(
    architecture: str,
    name: str,
    destination: Path,
    *,
    download: bool,
    on_download: Callable[[str], None] | None,
) -> str | None:
    """Why the weights are not at ``destination`` after a download (tried if allowed and new).

    Returns None when they are there (or downloading is off and nothing failed before).
    """
    failed = _FAILED_DOWNLOADS.get(destination)
    if failed is not None or not download:
        return failed  # without the lock: a page render must not wait for someone's download
    url = _checkpoint_url(_pretrained_member(architecture, name))
    with _DOWNLOADING:
        failed = _FAILED_DOWNLOADS.get(destination)
        if failed is not None or destination.is_file():
            return failed
        if on_download is not None:
            on_download(download_note(architecture, name))
        try:
            _download(url, destination)
        except (OSError, RuntimeError, ValueError) as error:
            host = urllib.parse.urlparse(url).netloc
            failed = f"the download from {host} failed ({_failure_detail(error)})"
            _FAILED_DOWNLOADS[destination] = failed
        return failed


def _failure_detail(error: Exception) -> str:
    """The cause of a failed download in a few words (``[Errno -3] Temporary failure ...``)."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__


def _download(url: str, destination: Path) -> None:
    """torch hub's own download: a temporary file, the hash prefix in the name checked, renamed."""
    import torch.hub

    destination.parent.mkdir(parents=True, exist_ok=True)
    match = torch.hub.HASH_REGEX.search(destination.name)
    torch.hub.download_url_to_file(
        url, str(destination), hash_prefix=match.group(1) if match else None, progress=False
    )


def _unavailable_message(
    architecture: str, canonical: str, expected: Path, url: str, reason: str
) -> str:
    # Worded for every place it appears: `classroom run`, `classroom prepare` and the app.
    return (
        f"The pretrained {architecture} weights ({canonical}) are not available: {reason}.\n"
        f"Expected file: {expected}\n"
        f"  It comes from {url}\n"
        f"  Download it (on any machine with internet) and put it at that path, the torch hub\n"
        f"  cache ($TORCH_HOME/hub/checkpoints); or start classroom with --weights-file PATH to\n"
        f"  use a state dict saved elsewhere (both `classroom run` and `classroom prepare`\n"
        f"  take it, or set CLASSROOM_WEIGHTS_FILE).\n"
        f"To work without pretrained weights, start classroom with --untrained: features then\n"
        f"come from seeded random weights and are labelled 'untrained'."
    )


@cache
def _expected_shapes(architecture: str) -> dict[str, tuple[int, ...]]:
    """Parameter and buffer shapes of ``architecture`` (built on the meta device: no memory)."""
    import torch
    from torchvision.models import get_model_builder

    with torch.device("meta"):
        model = get_model_builder(architecture)(weights=None)
    return {key: tuple(value.shape) for key, value in model.state_dict().items()}


def _examples(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown}, ... ({len(items)} in all)" if len(items) > limit else shown


#: torch's wordings for a pickled global that weights_only loading refuses.
_UNSUPPORTED_GLOBAL = re.compile(r"[Uu]nsupported (?:global: )?GLOBAL ([\w.]+)")
#: torch.save writes zip archives; a zip without its central directory (at the end) is cut off.
_ZIP_MAGIC: Final = b"PK\x03\x04"


def load_state_dict(path: Path, architecture: str) -> dict[str, torch.Tensor]:
    """Load a state dict safely (``weights_only``) and check it against ``architecture``.

    Raises:
        WeightsFileError: naming the file, if it cannot be read, is not a mapping of parameter
            names to tensors, its keys or shapes do not match the architecture, or it holds
            NaN or infinite values.
    """
    import torch

    validate_architecture(architecture)
    how_to_save = "Save weights with torch.save(model.state_dict(), path)."
    try:
        with warnings.catch_warnings():
            # A hostile or foreign pickle makes torch ask the user to "file an issue"; the
            # refusal below says what matters.
            warnings.filterwarnings("ignore", message="Detected pickle protocol")
            loaded: object = torch.load(path, map_location="cpu", weights_only=True)
    except OSError as error:
        raise WeightsFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    except Exception as error:  # arbitrary bytes make the unpickler fail in arbitrary ways
        raise WeightsFileError(
            f"{path}: cannot be loaded as weights: {_load_failure(path, error)}. {how_to_save}"
        ) from error

    if not isinstance(loaded, Mapping):
        raise WeightsFileError(
            f"{path}: holds a {type(loaded).__name__}, not a state dict (a mapping from "
            f"parameter names to tensors). {how_to_save}"
        )
    not_tensors = [str(key) for key, value in loaded.items() if not isinstance(value, torch.Tensor)]
    if not_tensors or not all(isinstance(key, str) for key in loaded):
        raise WeightsFileError(
            f"{path}: is not a state dict of tensors (entries {_examples(not_tensors)} are not "
            f"tensors; a training checkpoint keeps the state dict under one of its keys). "
            f"{how_to_save}"
        )
    state: dict[str, torch.Tensor] = dict(loaded)
    _check_matches(path, architecture, state)
    broken = [
        key
        for key, value in state.items()
        if value.is_floating_point() and not bool(torch.isfinite(value).all())
    ]
    if broken:
        raise WeightsFileError(
            f"{path}: holds NaN or infinite values (in {_examples(broken)}), so every feature "
            "map would be too. The weights are broken (saved from a training run that "
            "diverged?); use other weights."
        )
    return state


def _load_failure(path: Path, error: Exception) -> str:
    """Why ``torch.load`` failed, in the user's terms."""
    found = _UNSUPPORTED_GLOBAL.search(str(error))
    if found:
        return (
            f"it holds the Python object {found.group(1)}, and only tensors are loaded, for safety"
        )
    if "central directory" in str(error):
        with contextlib.suppress(OSError), path.open("rb") as handle:
            if handle.read(4) == _ZIP_MAGIC:
                return "the file is incomplete (was a download or copy interrupted?)"
    return "it is not a PyTorch state dict file, or it holds objects other than tensors"


def _check_matches(path: Path, architecture: str, state: Mapping[str, torch.Tensor]) -> None:
    expected = _expected_shapes(architecture)
    # Old checkpoints lack BatchNorm's counters; torch fills them in when loading.
    missing = [
        key for key in expected if key not in state and not key.endswith(".num_batches_tracked")
    ]
    unexpected = [key for key in state if key not in expected]
    misshaped = [
        f"{key} {tuple(value.shape)} instead of {expected[key]}"
        for key, value in state.items()
        if key in expected and tuple(value.shape) != expected[key]
    ]
    if not (missing or unexpected or misshaped):
        return
    problems = []
    if missing:
        problems.append(f"missing keys: {_examples(missing)}")
    if unexpected:
        problems.append(f"unexpected keys: {_examples(unexpected)}")
    if misshaped:
        problems.append(f"other shapes: {_examples(misshaped)}")
    hint = ""
    if unexpected and all(key.startswith("module.") for key in unexpected):
        hint = (
            " The keys start with 'module.' (saved from DataParallel):"
            " save model.module.state_dict() instead."
        )
    raise WeightsFileError(
        f"{path}: is not a {architecture} state dict ({'; '.join(problems)}).{hint}"
    )


def build_model(weights: ResolvedWeights) -> nn.Module:
    """The network in eval mode on the CPU, with ``weights`` loaded (float32).

    Raises:
        WeightsFileError: if the weights file is not a state dict of the architecture.
    """
    import torch
    from torchvision.models import get_model_builder

    builder = get_model_builder(weights.architecture)
    if weights.file is None:
        # Seeded without disturbing the caller's random state.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(weights.seed if weights.seed is not None else DEFAULT_SEED)
            model: nn.Module = builder(weights=None)
    else:
        state = load_state_dict(weights.file, weights.architecture)
        # Built on the meta device and then given the file's tensors: no random init to undo.
        with torch.device("meta"):
            model = builder(weights=None)
        try:
            model.load_state_dict(state, strict=True, assign=True)
        except RuntimeError as error:
            raise WeightsFileError(
                f"{weights.file}: cannot be loaded into {weights.architecture}: {error}"
            ) from error
    return model.float().eval()
