"""``activations``: one layer's channels as small pictures, strongest first (lecture:
"Visualize Activations"), and how many are dead on this image (all zero)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["Activations", "ActivationsParameters"]


class ActivationsParameters(TechniqueParameters):
    channels: int = Field(32, ge=1, le=4096, description="Channels per page, strongest first.")
    page: int = Field(
        0, ge=0, description="Which page of channels (0: the strongest), for 1024-channel layers."
    )


class Activations(Technique):
    name = "activations"
    title = "Activation maps"
    family = "activations"
    summary = "A layer's channels as pictures, sorted by mean activation; dead channels counted."
    uses_layer = True
    needs_layer = True
    library = "torch (the family's feature graph, as preparation uses)"
    cost = "1 forward pass up to the layer"
    parameters = ActivationsParameters

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import numpy as np
        import torch

        from classroom.techniques.result import TechniqueMap, TechniqueResult
        from classroom.techniques.tensors import layer_of

        assert isinstance(parameters, ActivationsParameters)
        layer = layer_of(inputs)
        graph = inputs.network.family.feature_graph(inputs.network.model, [layer])
        with torch.inference_mode():
            output = graph(inputs.batch)[layer.name]
        maps = inputs.network.family.to_map(output).transpose(2, 0, 1)  # (D, h, w)
        strength = maps.mean(axis=(1, 2))
        first = parameters.page * parameters.channels
        if first >= len(maps):
            raise ValueError(
                f"{layer.name} has {len(maps)} channels: page {parameters.page} of "
                f"{parameters.channels} is past the last"
            )
        order = np.argsort(-strength, kind="stable")[first : first + parameters.channels]
        dead = int((maps.reshape(len(maps), -1).max(axis=1) <= 0).sum())
        tiles = np.ascontiguousarray(maps[order], dtype=np.float32)
        high = float(tiles.max()) if tiles.size else 0.0
        return TechniqueResult(
            maps=(
                TechniqueMap(
                    self.name,
                    f"{layer.name}: channels ranked {first + 1}-{first + len(order)} of "
                    f"{len(maps)} by strength; {dead} dead on this image",
                    f"Each tile is one channel of {layer.name} over the image ({maps.shape[2]} x "
                    f"{maps.shape[1]} cells); bright is a strong response. {dead} of "
                    f"{len(maps)} channels are zero everywhere on this image (dead here; a "
                    "dead filter is one that stays zero on every image).",
                    tiles,
                    (0.0, high if high > 0 else 1.0),
                    "sequential",
                    tuple(f"channel {index} (mean {strength[index]:.3g})" for index in order),
                ),
            )
        )
