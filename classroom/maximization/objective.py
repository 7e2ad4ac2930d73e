"""The number gradient ascent raises: a class score, a channel's mean, or one neuron.

Built once per network and target from the registry's own hooks (the family's feature graph,
the weights' normalisation), so every family of the registry works, with no hook of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from classroom.maximization.targets import Target
from classroom.networks import LoadedNetwork

__all__ = ["Objective", "objective", "target_of"]

#: ``(N, 3, H, W)`` images in 0..1 -> ``(N,)`` values of the target, one per image.
Objective = Callable[[Tensor], Tensor]


def target_of(network: LoadedNetwork, spec: str) -> Target:
    """The target ``spec`` names on ``network`` (its classes and layers), checked."""
    from classroom.maximization.targets import parse_target
    from classroom.techniques.running import class_names_of

    classes = class_names_of(network.weights)
    layers = {name: layer.channels for name, layer in network.layers.items()}
    return parse_target(spec, classes, layers)


def objective(network: LoadedNetwork, target: Target, size: int) -> Objective:
    """The target's value for a batch of ``size`` x ``size`` images in 0..1.

    Raises:
        ValueError: if a neuron's cell is outside the layer's grid at this size.
    """
    mean = torch.tensor(network.weights.mean).view(1, 3, 1, 1)
    std = torch.tensor(network.weights.std).view(1, 3, 1, 1)
    model = network.model
    if target.kind == "class":

        def class_score(images: Tensor) -> Tensor:
            logits: Tensor = model((images - mean) / std)
            return logits[:, target.index]

        return class_score
    layer = network.layers[target.name]
    graph = network.family.feature_graph(model, [layer])
    cell = target.cell
    if cell is not None:
        grid = (layer.cells(size), layer.cells(size))
        if not (cell[0] < grid[0] and cell[1] < grid[1]):
            raise ValueError(
                f"{target.spec}: the cell is outside {layer.name}'s {grid[0]} x {grid[1]} grid "
                f"of a {size}-pixel image"
            )

    def channel_value(images: Tensor) -> Tensor:
        maps = graph((images - mean) / std)[layer.name][:, target.index]
        if cell is None:
            return maps.mean(dim=(1, 2))
        return maps[:, cell[0], cell[1]]

    return channel_value
