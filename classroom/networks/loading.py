"""Loading a network: the architecture built, its weights loaded safely and checked.

State dicts are read with ``torch.load(weights_only=True)``: tensors and plain containers only,
never a pickled Python object that could run code. A file is checked key by key and shape by
shape against the architecture (with the class count the lesson declares), so a file for
another network, a fine-tuned checkpoint whose classes were not declared, a training checkpoint
or broken values are each refused with a message that names the file and the mismatch.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom.networks import registry
from classroom.networks.loaded import LoadedNetwork
from classroom.networks.weights import DEFAULT_SEED, ResolvedWeights, WeightsFileError

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["LoadedNetwork", "build_model", "build_network", "load_state_dict"]

# LoadedNetwork lives in loaded.py, which model_files.py imports too: loading a model file
# is one branch of build_network, and the type they both return must sit below both.


def build_network(weights: ResolvedWeights) -> LoadedNetwork:
    """Build the network ``weights`` belong to and load them.

    Raises:
        WeightsFileError: naming the file, if it is not a usable state dict (or model file)
            for the network.
    """
    model_file = weights.network.model_file
    if model_file is not None:
        from classroom.networks.model_files import load_model_file

        return load_model_file(model_file, weights)
    architecture = registry.architecture(weights.network.architecture)
    family = registry.family_of(architecture.name)
    model = build_model(weights)
    return LoadedNetwork(
        family, {layer.name: layer for layer in architecture.layers}, model, weights
    )


def build_model(weights: ResolvedWeights) -> nn.Module:
    """The registry network in eval mode on the CPU, with ``weights`` loaded (float32).

    Raises:
        WeightsFileError: if the weights file is not a state dict of the architecture.
    """
    import torch

    name = weights.network.architecture
    architecture = registry.architecture(name)
    family = registry.family_of(name)
    classes = weights.declared_classes or architecture.num_classes
    if weights.file is None:
        # Seeded without disturbing the caller's random state.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(weights.seed if weights.seed is not None else DEFAULT_SEED)
            model = family.build(architecture, classes)
    else:
        state = load_state_dict(weights.file, name, weights.declared_classes)
        # Built on the meta device and then given the file's tensors: no random init to undo.
        with torch.device("meta"):
            model = family.build(architecture, classes)
        try:
            model.load_state_dict(state, strict=True, assign=True)
        except RuntimeError as error:
            raise WeightsFileError(
                f"{weights.file}: cannot be loaded into {name}: {error}"
            ) from error
        # The file's tensors keep the memory order they were saved in (channels-last, for a
        # network trained so); a network built the usual way has contiguous ones, and only
        # then computes bit for bit what its own forward pass does.
        model = model.to(memory_format=torch.contiguous_format)
    return model.float().eval()


@cache
def _expected_shapes(architecture: str, num_classes: int) -> dict[str, tuple[int, ...]]:
    """Parameter and buffer shapes of ``architecture`` (built on the meta device: no memory)."""
    import torch

    with torch.device("meta"):
        model = registry.family_of(architecture).build(
            registry.architecture(architecture), num_classes
        )
    return {key: tuple(value.shape) for key, value in model.state_dict().items()}


def _examples(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown}, ... ({len(items)} in all)" if len(items) > limit else shown


#: torch's wordings for a pickled global that weights_only loading refuses.
_UNSUPPORTED_GLOBAL = re.compile(r"[Uu]nsupported (?:global: )?GLOBAL ([\w.]+)")
#: torch.save writes zip archives; a zip without its central directory (at the end) is cut off.
_ZIP_MAGIC: Final = b"PK\x03\x04"
_HOW_TO_SAVE: Final = "Save weights with torch.save(model.state_dict(), path)."


def read_tensors(path: Path) -> dict[str, torch.Tensor]:
    """A file's state dict, loaded safely: only tensors in a mapping by name.

    Raises:
        WeightsFileError: naming the file, if it cannot be read, holds Python objects (which
            are never unpickled), or is not a mapping of names to tensors.
    """
    import torch

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
            f"{path}: cannot be loaded as weights: {_load_failure(path, error)}. {_HOW_TO_SAVE}"
        ) from error

    if not isinstance(loaded, Mapping):
        raise WeightsFileError(
            f"{path}: holds a {type(loaded).__name__}, not a state dict (a mapping from "
            f"parameter names to tensors). {_HOW_TO_SAVE}"
        )
    not_tensors = [str(key) for key, value in loaded.items() if not isinstance(value, torch.Tensor)]
    if not_tensors or not all(isinstance(key, str) for key in loaded):
        raise WeightsFileError(
            f"{path}: is not a state dict of tensors (entries {_examples(not_tensors)} are not "
            f"tensors; a training checkpoint keeps the state dict under one of its keys). "
            f"{_HOW_TO_SAVE}"
        )
    return dict(loaded)


def load_state_dict(
    path: Path, architecture: str, num_classes: int | None = None
) -> dict[str, torch.Tensor]:
    """Load a state dict safely (``weights_only``) and check it against ``architecture``.

    Args:
        num_classes: the classifier's classes the lesson declares (None: the architecture's
            pretrained count, 1,000 for ImageNet).

    Raises:
        WeightsFileError: naming the file, if it cannot be read, is not a mapping of parameter
            names to tensors, its keys or shapes do not match the architecture (or the declared
            classes), or the parts that compute features hold NaN or infinite values.
    """
    import torch

    spec = registry.architecture(architecture)
    state = read_tensors(path)
    _check_matches(path, architecture, state, num_classes)
    classifier = spec.head.split(".")[0] + "."
    # Only the layers that compute features must be finite: torchvision's VGG-16
    # IMAGENET1K_FEATURES weights come without a classifier (NaN) on purpose.
    broken = [
        key
        for key, value in state.items()
        if value.is_floating_point()
        and not key.startswith(classifier)
        and not bool(torch.isfinite(value).all())
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


def _check_matches(
    path: Path, architecture: str, state: Mapping[str, torch.Tensor], num_classes: int | None
) -> None:
    spec = registry.architecture(architecture)
    declared = num_classes if num_classes is not None else spec.num_classes
    expected = _expected_shapes(architecture, declared)
    # Old checkpoints lack BatchNorm's counters; torch fills them in when loading.
    missing = [
        key for key in expected if key not in state and not key.endswith(".num_batches_tracked")
    ]
    unexpected = [key for key in state if key not in expected]
    misshaped = [
        key for key, value in state.items() if key in expected and value.shape != expected[key]
    ]
    if not (missing or unexpected or misshaped):
        return
    head = f"{spec.head}.weight"
    if not (missing or unexpected) and set(misshaped) <= {head, f"{spec.head}.bias"}:
        found = int(state[head].shape[0])
        raise WeightsFileError(_class_count_message(path, spec.name, spec.head, found, num_classes))
    problems = []
    if missing:
        problems.append(f"missing keys: {_examples(missing)}")
    if unexpected:
        problems.append(f"unexpected keys: {_examples(unexpected)}")
    if misshaped:
        shapes = [
            f"{key} {tuple(state[key].shape)} instead of {expected[key]}" for key in misshaped
        ]
        problems.append(f"other shapes: {_examples(shapes)}")
    hint = ""
    if unexpected and all(key.startswith("module.") for key in unexpected):
        hint = (
            " The keys start with 'module.' (saved from DataParallel):"
            " save model.module.state_dict() instead."
        )
    else:
        hint = _likely_architecture(state, architecture)
    raise WeightsFileError(
        f"{path}: is not a {architecture} state dict ({'; '.join(problems)}).{hint}"
    )


def _class_count_message(
    path: Path, architecture: str, head: str, found: int, declared: int | None
) -> str:
    expected = registry.architecture(architecture).num_classes if declared is None else declared
    if declared is None:
        return (
            f"{path}: its classifier ({head}) has {found} classes, not the {expected} of "
            f"{architecture}'s pretrained weights. If it is a fine-tuned checkpoint, declare "
            f"them in the lesson: `num_classes: {found}`."
        )
    return (
        f"{path}: its classifier ({head}) has {found} classes, but the lesson declares "
        f"num_classes: {declared}."
    )


def _likely_architecture(state: Mapping[str, torch.Tensor], tried: str) -> str:
    """`` It looks like a resnet50 state dict.`` when another architecture has its keys."""
    keys = set(state)
    for name in registry.ARCHITECTURES:
        if name == tried:
            continue
        expected = _expected_shapes(name, registry.architecture(name).num_classes)
        counters = {key for key in expected if key.endswith(".num_batches_tracked")}
        if keys - counters == set(expected) - counters:
            return f" It looks like a {name} state dict: is the lesson's model right?"
    return ""
