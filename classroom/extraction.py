"""Image -> feature maps: one forward pass of a loaded network, each layer as an (H, W, D) map.

The network's family decides the three steps that differ between networks (see
:mod:`classroom.networks.base`): the input batch (the weights' own normalisation, no resize and
no crop: the analysis image goes in at its full size, IFeaLiD section 2.1), the graph cut after
the deepest requested layer, and the conversion of each output to ``(H, W, D)``. Every map's
grid is checked against the layer's geometry in the registry before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch
    from PIL import Image

    from classroom.networks import Layer, LoadedNetwork

__all__ = ["FeatureExtractor"]


class FeatureExtractor:
    """Computes the requested layers of one network in one forward pass.

    Args:
        network: a loaded network (see :func:`classroom.networks.build_network`); its
            parameters are shared, not copied, so extractors for other layer sets of the same
            network cost no extra weights memory.
        layers: layer names of the network, at least one.

    Raises:
        ValueError: for no layers, or a name the network does not have.
    """

    def __init__(self, network: LoadedNetwork, layers: Sequence[str]) -> None:
        import torch

        if not layers:
            raise ValueError("at least one layer must be requested")
        self.network = network
        self.layers: tuple[str, ...] = tuple(dict.fromkeys(layers))
        missing = [name for name in self.layers if name not in network.layers]
        if missing:
            raise ValueError(
                f"the network has no layer {missing[0]!r}; its layers are "
                f"{', '.join(network.layers)}"
            )
        self._specs: tuple[Layer, ...] = tuple(network.layers[name] for name in self.layers)
        family = network.family
        if family.channels_last:
            # Channels-last ("NHWC") is what the store wants: each location's feature vector
            # is contiguous, so no (H, W, D) copy of the maps is needed, and oneDNN's CPU
            # convolutions are faster in it (ResNet-101 to conv4_x of a 1024x768 image: about
            # 0.66 s against 0.87 s on 2 cores). It changes results only by float rounding
            # (relative 3e-6). The conversion is in place: extractors of one network share it.
            # The app's shared networks are converted by their first extractor, made under
            # LoadedNetworks' lock before any other thread is handed the network; later
            # extractors find every tensor in this order already and replace none.
            network.model.eval().to(memory_format=torch.channels_last)
        self._graph = family.feature_graph(network.model, self._specs)

    def __repr__(self) -> str:
        return f"FeatureExtractor(layers={self.layers})"

    def input_batch(self, image: Image.Image) -> torch.Tensor:
        """The picture as this network takes it (``(1, 3, H, W)``, normalised)."""
        import torch

        weights = self.network.weights
        batch = self.network.family.input_batch(image, weights.mean, weights.std)
        if self.network.family.channels_last:
            batch = batch.contiguous(memory_format=torch.channels_last)
        return batch

    def __call__(self, image: Image.Image) -> dict[str, npt.NDArray[np.float32]]:
        """Feature maps of an RGB picture: ``{layer: (H, W, D) float32}``.

        Each map's grid is checked against the layer's geometry (``RuntimeError`` if it
        differs), because the registry's strides and grids are what people are shown.
        """
        import torch

        batch = self.input_batch(image)
        with torch.inference_mode():
            outputs: Mapping[str, torch.Tensor] = self._graph(batch)
        family = self.network.family
        maps: dict[str, npt.NDArray[np.float32]] = {}
        for layer in self._specs:
            output = outputs[layer.name]
            family.check_grid(layer, image.size, (int(output.shape[3]), int(output.shape[2])))
            maps[layer.name] = family.to_map(output)
        return maps
