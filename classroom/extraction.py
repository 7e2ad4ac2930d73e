"""Image -> feature maps, with torchvision's feature-extraction utilities.

``create_feature_extractor`` traces the network and keeps only the graph up to the deepest
requested layer, so asking for ``conv2_x`` and ``conv3_x`` never runs ``layer3`` onwards.
Preprocessing is the pretrained weights' own (ImageNet mean and standard deviation) with no
resize and no crop: the analysis image goes in at its full size (IFeaLiD, section 2.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from classroom.models import layer_node, layer_stride
from classroom.similarity import grid_size

if TYPE_CHECKING:
    import torch
    from PIL import Image
    from torch import nn

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "FeatureExtractor", "input_batch"]

#: The normalisation of every torchvision ImageNet weights preset (``weights.transforms()``);
#: untrained networks get it too, so that they see the same input.
IMAGENET_MEAN: Final = (0.485, 0.456, 0.406)
IMAGENET_STD: Final = (0.229, 0.224, 0.225)


def input_batch(image: Image.Image) -> torch.Tensor:
    """An RGB picture as the network takes it: a ``(1, 3, H, W)`` float batch, normalised."""
    import torch
    from torchvision.transforms.v2 import functional as tf

    if image.mode != "RGB":
        raise ValueError(f"the extractor needs an RGB picture, not mode {image.mode}")
    pixels = tf.to_dtype(tf.to_image(image), torch.float32, scale=True)
    batch: torch.Tensor = tf.normalize(pixels, list(IMAGENET_MEAN), list(IMAGENET_STD))
    return batch.unsqueeze(0)


class FeatureExtractor:
    """Computes the requested layers of one network in one forward pass.

    Args:
        model: a torchvision ResNet in eval mode (see :func:`classroom.models.build_model`);
            its parameters are shared, not copied, so extractors for other layer sets of the
            same network cost no extra weights memory.
        layers: layer names (``conv1``, ``conv2_x`` ... ``conv5_x``), at least one.
    """

    def __init__(self, model: nn.Module, layers: Sequence[str]) -> None:
        from torchvision.models.feature_extraction import create_feature_extractor

        if not layers:
            raise ValueError("at least one layer must be requested")
        import torch

        self.layers: tuple[str, ...] = tuple(dict.fromkeys(layers))
        nodes = {layer_node(layer): layer for layer in self.layers}
        # Channels-last ("NHWC") is what the store wants: each location's feature vector is
        # contiguous, so no (H, W, D) copy of the maps is needed, and oneDNN's CPU
        # convolutions are faster in it (ResNet-101 to conv4_x of a 1024x768 image: about
        # 0.66 s against 0.87 s on 2 cores). It changes results only by float rounding
        # (relative 3e-6). The conversion is in place: extractors of one network share it.
        model.eval().to(memory_format=torch.channels_last)
        self._graph = create_feature_extractor(model, return_nodes=nodes)

    def __repr__(self) -> str:
        return f"FeatureExtractor(layers={self.layers})"

    def __call__(self, image: Image.Image) -> dict[str, npt.NDArray[np.float32]]:
        """Feature maps of an RGB picture: ``{layer: (H, W, D) float32}``.

        ``H`` and ``W`` are ``ceil(height / stride)`` and ``ceil(width / stride)``, which is
        checked, because the browser's coordinate mapping relies on it.
        """
        import torch

        batch = input_batch(image).contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            outputs: Mapping[str, torch.Tensor] = self._graph(batch)

        width, height = image.size
        maps: dict[str, npt.NDArray[np.float32]] = {}
        for layer in self.layers:
            stride = layer_stride(layer)
            expected = (grid_size(height, stride), grid_size(width, stride))
            output = outputs[layer][0]
            if tuple(output.shape[1:]) != expected:
                raise RuntimeError(
                    f"{layer} of a {width} x {height} image has a {output.shape[2]} x "
                    f"{output.shape[1]} grid, not the expected {expected[1]} x {expected[0]}"
                )
            # A view, not a copy: the output is channels-last already.
            maps[layer] = np.ascontiguousarray(output.permute(1, 2, 0).numpy(), dtype=np.float32)
        return maps
