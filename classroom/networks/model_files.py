"""A lesson's own model file: a whole network in TorchScript or a ``torch.export`` archive.

Both formats are loaded by their own loaders (``torch.jit.load``, ``torch.export.load``), which
read code and tensors, never a pickled Python object: a file that is a plain pickle
(``torch.save(model)``) is refused, not unpickled.

Where the maps come from:

* a model whose forward returns a dict of ``(1, C, h, w)`` maps (what torchvision's
  ``create_feature_extractor`` makes of any network; it scripts and exports) gives each layer
  by its key;
* a ``torch.export`` model that returns anything else (a classifier's scores) gives each layer
  by the path of a submodule (``layer3``), caught on its way through the unflattened graph.

The lesson names the layers and may give their strides; a stride it does not give is measured
(from the grids of two probe sizes), and one it gives is checked the same way. The network runs
exactly as its own forward pass (no change of memory format), so the maps equal what its
author computes.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from classroom.networks.base import NetworkFamily
from classroom.networks.choice import FileLayer, ModelFile
from classroom.networks.layers import Layer
from classroom.networks.loaded import LoadedNetwork
from classroom.networks.twins import modules_sharing_tensors
from classroom.networks.weights import ResolvedWeights, WeightsFileError

if TYPE_CHECKING:
    import torch
    from torch import nn

    from classroom.networks.base import FeatureGraph

__all__ = ["ModelFileFamily", "load_model_file"]

#: The probe sizes the strides are measured at: their difference, 128 pixels, divided by the
#: difference in cells is the stride (any stride that divides 128).
_PROBES: Final = (128, 256)
_HOW_TO_SAVE: Final = (
    "Save a whole model with torch.jit.save(torch.jit.script(model), path) or "
    "torch.export.save(torch.export.export(model, ...), path.pt2)"
)


@contextmanager
def _quiet() -> Iterator[None]:
    """torch warns that TorchScript is deprecated on every load; the user cannot act on it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


class ModelFileFamily(NetworkFamily):
    """The hooks for one model file: load instead of build, dict keys or submodule hooks."""

    title = "model file"
    channels_last = False

    def __init__(self, model_file: ModelFile) -> None:
        self.model_file = model_file
        self.name = model_file.key

    def load(self) -> nn.Module:
        """The file's network in eval mode; ``WeightsFileError`` naming the file otherwise."""
        import torch

        path = self.model_file.path
        try:
            with _quiet():
                if self.model_file.kind == "torch.export":
                    program = torch.export.load(path)
                    model: nn.Module = torch.export.unflatten(program)
                else:
                    model = torch.jit.load(path, map_location="cpu")  # type: ignore[no-untyped-call]
        except OSError as error:
            raise WeightsFileError(f"{path}: cannot be read ({error.strerror or error})") from error
        except Exception as error:  # foreign bytes fail in the loaders' own ways
            kind = (
                "a torch.export archive"
                if self.model_file.kind == "torch.export"
                else ("a TorchScript model")
            )
            raise WeightsFileError(
                f"{path}: is not {kind} ({_first_line(error)}); a pickled model is never "
                f"loaded, for safety. {_HOW_TO_SAVE}."
            ) from error
        return model.float().eval() if hasattr(model, "float") else model

    def feature_graph(self, model: nn.Module, layers: Sequence[Layer]) -> FeatureGraph:
        nodes = {layer.node: layer.name for layer in layers}
        return _Graph(model, nodes, self.model_file)

    def check_grid(self, layer: Layer, image: tuple[int, int], grid: tuple[int, int]) -> None:
        """A model file has no rule: its grid must at least fit the stride (within two cells)."""
        for pixels, cells in zip(image, grid, strict=True):
            if not (cells - 2) * layer.stride < pixels < (cells + 2) * layer.stride:
                raise RuntimeError(
                    f"{self.model_file.path}: layer '{layer.name}' ({layer.node}) gives "
                    f"{grid[0]} x {grid[1]} cells for a {image[0]} x {image[1]} image, which "
                    f"does not fit its stride {layer.stride}"
                )


class _Graph:
    """Runs a model file and returns the lesson's layers by name.

    A ``torch.export`` model's layers are caught by forward hooks. They sit on a twin of its
    module tree (same tensors), never on the loaded network the page and the worker share: a
    hook there fires for every thread's pass, and a technique's copy would carry it along. The
    hooks stay registered and write into the calling thread's own dict, so two threads may
    run one graph at once and each gets its own maps.
    """

    def __init__(self, model: nn.Module, nodes: Mapping[str, str], model_file: ModelFile) -> None:
        self.model = model
        self.nodes = nodes
        self.model_file = model_file
        self._submodules = dict(model.named_modules())
        self._calls = threading.local()
        # TorchScript modules take no hooks: their maps come only from the dict they return.
        can_hook = model_file.kind == "torch.export"
        hooked = [node for node in nodes if can_hook and node in self._submodules]
        self._runs: nn.Module = model
        if hooked:
            self._runs = modules_sharing_tensors(model)
            for node in hooked:
                self._runs.get_submodule(node).register_forward_hook(self._keeper(node))

    def _keeper(self, node: str) -> Callable[[object, object, object], None]:
        def keep(_module: object, _inputs: object, output: object) -> None:
            caught: dict[str, Any] | None = getattr(self._calls, "caught", None)
            if caught is not None:  # only during this thread's call of this graph
                caught[node] = output

        return keep

    def __call__(self, batch: torch.Tensor) -> dict[str, torch.Tensor]:
        path = self.model_file.path
        caught: dict[str, Any] = {}
        self._calls.caught = caught
        try:
            with _quiet():
                output = self._runs(batch)
        except Exception as error:
            raise WeightsFileError(
                f"{path}: its forward pass failed on a {batch.shape[3]} x {batch.shape[2]} "
                f"image ({_first_line(error)}). A torch.export model must be exported with a "
                "dynamic height and width (dynamic_shapes), and a model must take a "
                "(1, 3, H, W) image batch."
            ) from error
        finally:
            self._calls.caught = None
        found = dict(output) if isinstance(output, Mapping) else {}
        found.update(caught)
        maps: dict[str, torch.Tensor] = {}
        for node, name in self.nodes.items():
            if node not in found:
                raise WeightsFileError(_missing_node(path, name, node, found, self._submodules))
            maps[name] = _feature_map(path, name, node, found[node])
        return maps


def _missing_node(
    path: object, name: str, node: str, found: Mapping[str, object], modules: Mapping[str, object]
) -> str:
    if found:
        return (
            f"{path}: layer '{name}' names '{node}', but the model returns "
            f"{', '.join(sorted(found)[:8])}"
        )
    return (
        f"{path}: layer '{name}' names '{node}', which is neither a key of a dict the model "
        f"returns (it returns a single value) nor one of its submodules (e.g. "
        f"{', '.join(list(modules)[1:6])}). A TorchScript model must return a dict of maps; "
        "torchvision's create_feature_extractor makes one."
    )


def _feature_map(path: object, name: str, node: str, value: object) -> torch.Tensor:
    import torch

    if not isinstance(value, torch.Tensor) or value.dim() != 4 or value.shape[0] != 1:
        shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
        raise WeightsFileError(
            f"{path}: layer '{name}' ({node}) is {shape}, not a (1, C, H, W) feature map"
        )
    return value.float()


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _measure(
    graph: Callable[[torch.Tensor], Mapping[str, torch.Tensor]], model_file: ModelFile
) -> dict[str, tuple[int, int]]:
    """Each layer's (stride, channels), from its grids at the two probe sizes."""
    import torch

    small, large = _PROBES
    with torch.inference_mode():
        first = graph(torch.zeros(1, 3, small, small))
        second = graph(torch.zeros(1, 3, large, large))
    measured = {}
    for layer in model_file.layers:
        grown = second[layer.name].shape[3] - first[layer.name].shape[3]
        if grown <= 0 or (large - small) % grown:
            raise WeightsFileError(
                f"{model_file.path}: the stride of layer '{layer.name}' ({layer.node}) cannot "
                f"be measured ({first[layer.name].shape[3]} cells at {small} pixels, "
                f"{second[layer.name].shape[3]} at {large}); give it in the lesson (stride:)"
            )
        measured[layer.name] = ((large - small) // grown, int(second[layer.name].shape[1]))
    return measured


def _layers(model_file: ModelFile, measured: Mapping[str, tuple[int, int]]) -> dict[str, Layer]:
    layers = {}
    for declared in model_file.layers:
        stride, channels = measured[declared.name]
        _check_stride(model_file, declared, stride)
        layers[declared.name] = Layer(
            declared.name, declared.node, stride, channels, receptive_field=None, centre=None
        )
    return layers


def _check_stride(model_file: ModelFile, declared: FileLayer, measured: int) -> None:
    if declared.stride is not None and declared.stride != measured:
        raise WeightsFileError(
            f"{model_file.path}: the lesson gives layer '{declared.name}' ({declared.node}) "
            f"stride {declared.stride}, but its map has {measured} image pixels per cell"
        )


def load_model_file(model_file: ModelFile, weights: ResolvedWeights) -> LoadedNetwork:
    """Load a model file, measure (or check) its layers' strides and channels.

    Raises:
        WeightsFileError: naming the file and the mismatch with the lesson.
    """
    family = ModelFileFamily(model_file)
    model = family.load()
    probe = family.feature_graph(
        model,
        [Layer(layer.name, layer.node, 1, 1, None, None) for layer in model_file.layers],
    )
    layers = _layers(model_file, _measure(probe, model_file))
    return LoadedNetwork(family, layers, model, weights)
