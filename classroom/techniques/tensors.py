"""The torch side every technique shares: class scores, layers as modules, maps at image size.

Imported by the techniques' :meth:`~classroom.techniques.base.Technique.compute` only, so the
registry stays torch-free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from classroom.techniques.result import Prediction

if TYPE_CHECKING:
    from classroom.networks.layers import Layer
    from classroom.techniques.base import TechniqueInputs

__all__ = [
    "class_model",
    "image_values",
    "layer_module",
    "layer_of",
    "predictions",
    "reference_cell",
    "symmetric",
    "target_class",
    "upsampled",
]

TOP: int = 5


def class_model(inputs: TechniqueInputs) -> nn.Module:
    """The network as a classifier ``(N, 3, H, W) -> (N, classes)``, ready for Captum.

    In-place ReLUs are switched off once (same values): Captum's backward hooks (guided
    backpropagation, deconvnet) cannot wrap a module that overwrites its input.

    Raises:
        ValueError: if the network's forward pass does not return class scores.
    """
    model = inputs.network.model
    for module in model.modules():
        if isinstance(module, nn.ReLU) and module.inplace:
            module.inplace = False
    if inputs.network.weights.network.model_file is not None:
        raise ValueError(
            "a lesson's own model file returns feature maps, not class scores: this "
            "technique explains a class and needs a network of the registry"
        )
    return model


def target_class(inputs: TechniqueInputs, logits: torch.Tensor) -> int:
    """The class to explain: the one asked for, else the predicted one."""
    if inputs.target is not None:
        classes = int(logits.shape[-1])
        if not 0 <= inputs.target < classes:
            raise ValueError(f"class {inputs.target} is not one of the network's {classes}")
        return inputs.target
    return int(logits[0].argmax())


def predictions(logits: torch.Tensor, class_names: tuple[str, ...]) -> tuple[Prediction, ...]:
    """The five most probable classes with their softmax probabilities."""
    probabilities = torch.softmax(logits[0].detach().double(), dim=0)
    values, indices = probabilities.topk(min(TOP, int(probabilities.numel())))
    return tuple(
        Prediction(
            class_names[index] if index < len(class_names) else f"class {index}", float(value)
        )
        for value, index in zip(values.tolist(), indices.tolist(), strict=True)
    )


def layer_of(inputs: TechniqueInputs, default_last: bool = True) -> Layer:
    """The layer to explain: the one asked for, else the network's last (or first) layer."""
    layers = inputs.network.layers
    if inputs.layer is not None:
        if inputs.layer not in layers:
            raise ValueError(f"the network has no layer '{inputs.layer}' ({', '.join(layers)})")
        return layers[inputs.layer]
    ordered = list(layers.values())
    return ordered[-1] if default_last else ordered[0]


def layer_module(model: nn.Module, layer: Layer) -> nn.Module:
    """The module whose output is ``layer`` (its graph node is a module path)."""
    try:
        return model.get_submodule(layer.node)
    except AttributeError:
        raise ValueError(
            f"layer {layer.name} is the graph node {layer.node}, not a module: this technique "
            "needs a layer that is a module's output"
        ) from None


def reference_cell(
    layer: Layer, reference: tuple[int, int], grid: tuple[int, int]
) -> tuple[int, int]:
    """The ``(column, row)`` of the cell a reference pixel falls in, clamped to the grid."""
    x, y = reference
    columns, rows = grid
    column = min(max((x - layer.trim // 2) // layer.stride, 0), columns - 1)
    row = min(max((y - layer.trim // 2) // layer.stride, 0), rows - 1)
    return column, row


def upsampled(values: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """An ``(h, w)`` map bilinearly resized to the image's ``(width, height)``."""
    width, height = size
    resized = nn.functional.interpolate(
        values[None, None].float(), size=(height, width), mode="bilinear", align_corners=False
    )
    return resized[0, 0]


def image_values(values: torch.Tensor) -> npt.NDArray[np.float32]:
    """A tensor as a contiguous float32 array, NaN (a pixel no window covered) as 0."""
    array = np.ascontiguousarray(values.detach().cpu().numpy(), dtype=np.float32)
    return np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0)


def symmetric(values: npt.NDArray[np.float32]) -> tuple[float, float]:
    """A diverging scale's range: symmetric about zero, so white means "no change"."""
    reach = float(np.abs(values).max()) if values.size else 0.0
    reach = reach if reach > 0 else 1.0
    return -reach, reach
