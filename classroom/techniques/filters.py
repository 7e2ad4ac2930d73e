"""``filters``: the parameters as pictures (lecture: "Visualize Parameters").

The first convolution's filters read RGB pixels, so each is shown as a small colour picture
(AlexNet's 64 x 3 x 11 x 11, ResNet's 64 x 3 x 7 x 7): weights scaled by the largest
magnitude of the whole bank, zero at mid-grey, so filters compare with each other. Deeper
filters read the previous layer's channels, not colours: one filter is shown channel by
channel on a diverging scale about zero (blue negative, pale at 0, red positive).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["Filters", "FiltersParameters"]


class FiltersParameters(TechniqueParameters):
    filter: int = Field(
        0, ge=0, description="Deeper layers: which filter of the layer's first convolution."
    )


class Filters(Technique):
    name = "filters"
    title = "Filters"
    family = "parameters"
    summary = (
        "The learned weights as pictures: the first layer's filters in colour, a deeper "
        "filter channel by channel, blue below zero and red above."
    )
    uses_layer = True
    library = "torch (the weights themselves)"
    cost = "no forward pass"
    parameters = FiltersParameters

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import numpy as np
        from torch import nn

        from classroom.techniques.result import TechniqueMap, TechniqueResult
        from classroom.techniques.tensors import layer_module, layer_of, symmetric

        assert isinstance(parameters, FiltersParameters)
        model = inputs.network.model
        first = inputs.layer is None
        if first:
            convolution = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
            where = "the first layer"
        else:
            layer = layer_of(inputs)
            convolution = next(
                (m for m in layer_module(model, layer).modules() if isinstance(m, nn.Conv2d)),
                None,
            )
            where = f"{layer.name}'s first convolution"
        if convolution is None:
            raise ValueError(f"{where} has no convolution to show")
        weights = convolution.weight.detach().float().numpy()
        count, channels, height, width = weights.shape
        if first and channels == 3:
            reach = float(np.abs(weights).max()) or 1.0
            pictures = np.ascontiguousarray(
                (weights / (2 * reach) + 0.5).transpose(0, 2, 3, 1), dtype=np.float32
            )
            return TechniqueResult(
                maps=(
                    TechniqueMap(
                        self.name,
                        f"{count} first-layer filters, {channels} x {height} x {width}",
                        "Each tile is one filter's weights as colours: mid-grey is 0, bright "
                        "colours are the colours that filter responds to, dark ones those it "
                        "responds against.",
                        pictures,
                        (0.0, 1.0),
                        "picture",
                        tuple(f"filter {index}" for index in range(count)),
                    ),
                )
            )
        chosen = parameters.filter
        if chosen >= count:
            raise ValueError(f"{where} has {count} filters (0 to {count - 1}), not filter {chosen}")
        tiles = np.ascontiguousarray(weights[chosen], dtype=np.float32)
        return TechniqueResult(
            maps=(
                TechniqueMap(
                    self.name,
                    f"filter {chosen} of {where}: {channels} input channels, {height} x {width}",
                    "Each tile is the weights this filter gives one input channel (blue below 0, "
                    "pale at 0, red above): "
                    "they combine the previous layer's channels, not colours, so they are far "
                    "less readable than the first layer's.",
                    tiles,
                    symmetric(tiles),
                    "diverging",
                    tuple(f"channel {index}" for index in range(channels)),
                ),
            )
        )
