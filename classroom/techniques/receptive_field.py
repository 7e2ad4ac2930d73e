"""``receptive_field``: the reference cell's own explanation: which pixels it can see.

Theoretical: the square of input pixels any path of the network connects to the cell, from
the registry's receptive-field data (``Layer.receptive_field`` and ``Layer.centre``; Araujo,
Norris and Sim, Distill 2019). Effective (Luo et al., NeurIPS 2016): the gradient of the
length of the cell's feature vector with respect to the input: which of those pixels actually
move it, usually a much smaller, roughly Gaussian blob. Captum's ``Saliency`` of that length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["ReceptiveField"]


class ReceptiveField(Technique):
    name = "receptive_field"
    title = "Receptive field"
    family = "receptive field"
    summary = "What the reference cell can see (theoretical) and what moves it (effective)."
    uses_layer = True
    needs_layer = True
    uses_reference = True
    library = "Captum (captum.attr.Saliency of the cell's feature-vector length); the registry"
    cost = "1 forward + 1 backward pass up to the layer"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import numpy as np
        import torch
        from captum.attr import Saliency

        from classroom.techniques.result import TechniqueMap, TechniqueResult
        from classroom.techniques.tensors import image_values, layer_of, reference_cell

        layer = layer_of(inputs)
        width, height = inputs.size
        reference = inputs.reference or (width // 2, height // 2)
        graph = inputs.network.family.feature_graph(inputs.network.model, [layer])
        with torch.no_grad():
            _, _, rows, columns = graph(inputs.batch)[layer.name].shape
        column, row = reference_cell(layer, reference, (columns, rows))

        def length(batch: torch.Tensor) -> torch.Tensor:
            vectors: torch.Tensor = graph(batch)[layer.name][:, :, row, column]
            lengths: torch.Tensor = vectors.norm(dim=1)
            return lengths

        batch = inputs.batch.clone().requires_grad_(True)
        gradient = Saliency(length).attribute(batch, abs=True)[0].amax(dim=0)
        effective = image_values(gradient)
        high = float(effective.max())
        maps = [
            TechniqueMap(
                self.name,
                f"Effective receptive field of {layer.name} cell ({column}, {row})",
                f"Bright pixels are those whose change moves the feature vector of the "
                f"{layer.name} cell under the reference pixel most (the gradient of its "
                "length): what the cell actually sees.",
                effective,
                (0.0, high if high > 0 else 1.0),
                "sequential",
            )
        ]
        if layer.receptive_field is not None and layer.centre is not None:
            theoretical = np.zeros((height, width), dtype=np.float32)
            half = layer.receptive_field / 2
            centre_x = layer.centre + column * layer.stride
            centre_y = layer.centre + row * layer.stride
            left, right = max(0, int(np.ceil(centre_x - half))), int(np.ceil(centre_x + half))
            top, bottom = max(0, int(np.ceil(centre_y - half))), int(np.ceil(centre_y + half))
            theoretical[top:bottom, left:right] = 1.0
            maps.append(
                TechniqueMap(
                    self.name,
                    f"Theoretical receptive field of {layer.name} ({layer.receptive_field} px)",
                    f"The {layer.receptive_field} x {layer.receptive_field}-pixel square any "
                    f"path of the network connects to this {layer.name} cell (from the "
                    "layers' kernels and strides): nothing outside it can change the cell.",
                    theoretical,
                    (0.0, 1.0),
                    "sequential",
                )
            )
        return TechniqueResult(maps=tuple(maps))
