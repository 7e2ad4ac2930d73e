"""The ``torch.nn.Module`` of each trained network, built from its plain-data plan.

VGG-like (Simonyan & Zisserman, 2015): 3 x 3 convolutions and 2 x 2 max pools, narrow and
shallow enough to train in minutes on two CPU cores. Unlike VGG there are no fully connected
layers: the last block is averaged over all its cells (global average pooling, Lin et al.,
"Network in Network", 2014) and one linear layer classifies. So the network is fully
convolutional: it takes any image size, every cell of the last block is trained to carry the
class evidence of what it sees (which is what makes its similarity maps meaningful), and
``pooled_features`` is the image's vector for nearest neighbours and embeddings.

Batch norm after each convolution makes training fast and insensitive to the input's scale.
The input is normalised outside the module (``TrainedNetwork.mean`` / ``std``), as for the
torchvision networks, so the registry feeds every family the same way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
from torch import nn

from classroom.trained.specs import TrainedNetwork, network_spec

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["TrainedCNN", "build_network", "untrained_network"]


def _block(in_channels: int, pool: bool, widths: Sequence[int]) -> nn.Sequential:
    """An optional ceil-mode 2 x 2 max pool, then conv 3 x 3 -> batch norm -> ReLU per width.

    ``ceil_mode`` keeps the last, partial window of an odd-sized map, so the grid is
    ``ceil(n / 2)`` and no pixel at the right or bottom edge is dropped.
    """
    parts: OrderedDict[str, nn.Module] = OrderedDict()
    if pool:
        parts["pool"] = nn.MaxPool2d(kernel_size=2, stride=2, ceil_mode=True)
    channels = in_channels
    for index, width in enumerate(widths, start=1):
        parts[f"conv{index}"] = nn.Conv2d(channels, width, kernel_size=3, padding=1, bias=False)
        parts[f"bn{index}"] = nn.BatchNorm2d(width)
        parts[f"relu{index}"] = nn.ReLU(inplace=True)
        channels = width
    return nn.Sequential(parts)


class TrainedCNN(nn.Module):
    """Blocks named as in the spec (``block1`` ...), global average pooling, a linear classifier.

    Args:
        spec: the network's plan (:data:`~classroom.trained.specs.SHAPES` or ``DIGITS``).
    """

    def __init__(self, spec: TrainedNetwork) -> None:
        super().__init__()
        self.spec = spec
        self.block_names = tuple(block.name for block in spec.blocks)
        channels = 3
        for block in spec.blocks:
            self.add_module(block.name, _block(channels, block.pool, block.widths))
            channels = block.widths[-1]
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, len(spec.class_names))
        self._initialise()

    def _initialise(self) -> None:
        """He initialisation for the ReLU convolutions, as torchvision's VGG and ResNet."""
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, 0.0, 0.01)
                nn.init.zeros_(module.bias)

    def feature_maps(self, batch: Tensor) -> dict[str, Tensor]:
        """Every block's output ``(N, D, H, W)`` for a normalised ``(N, 3, H, W)`` batch."""
        maps: dict[str, Tensor] = {}
        for name in self.block_names:
            batch = getattr(self, name)(batch)
            maps[name] = batch
        return maps

    def last_block(self, batch: Tensor) -> Tensor:
        """The last block's output ``(N, D, H, W)``."""
        for name in self.block_names:
            batch = getattr(self, name)(batch)
        return batch

    def pooled_features(self, batch: Tensor) -> Tensor:
        """The last block averaged over its cells: ``(N, D)``, what the classifier reads."""
        return torch.flatten(self.pool(self.last_block(batch)), 1)

    def class_maps(self, batch: Tensor) -> Tensor:
        """The classifier applied to every cell of the last block: ``(N, classes, H, W)``.

        Their average over the cells is exactly the logits (the classifier is linear and the
        pooling an average): the class activation maps of Zhou et al. (CVPR 2016), which say
        where in the image the evidence for each class is.
        """
        cells = self.last_block(batch)
        weight = self.classifier.weight.view(*self.classifier.weight.shape, 1, 1)
        return torch.nn.functional.conv2d(cells, weight, self.classifier.bias)

    def forward(self, batch: Tensor) -> Tensor:
        """Class logits ``(N, classes)`` of a normalised ``(N, 3, H, W)`` batch."""
        logits: Tensor = self.classifier(self.pooled_features(batch))
        return logits


def build_network(network: str | TrainedNetwork) -> TrainedCNN:
    """A freshly initialised network (from torch's global random state), in training mode."""
    spec = network_spec(network) if isinstance(network, str) else network
    return TrainedCNN(spec)


def untrained_network(network: str | TrainedNetwork, seed: int = 0) -> TrainedCNN:
    """Seeded random weights, in eval mode: the "untrained" baseline lessons and tests compare
    with. Torch's global random state is left as it was."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = build_network(network)
    return model.eval()
