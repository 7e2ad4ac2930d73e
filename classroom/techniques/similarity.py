"""``similarity``: the similarity map of the multi-layer view, for one layer (IFeaLiD,
Zurowietz and Nattkemper 2020): each cell's angular similarity to the reference cell's
feature vector, computed by the numpy oracle :mod:`classroom.similarity`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["Similarity"]


class Similarity(Technique):
    name = "similarity"
    title = "Similarity to the reference"
    family = "feature similarity"
    summary = "How alike each cell's feature vector is to the reference cell's (angular)."
    uses_layer = True
    needs_layer = True
    uses_reference = True
    library = "torch (feature graph) + numpy (classroom.similarity, the browser's oracle)"
    cost = "1 forward pass up to the layer"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import numpy as np
        import torch

        from classroom.similarity import angular_similarity
        from classroom.techniques.result import TechniqueMap, TechniqueResult
        from classroom.techniques.tensors import layer_of, reference_cell

        layer = layer_of(inputs)
        width, height = inputs.size
        reference = inputs.reference or (width // 2, height // 2)
        graph = inputs.network.family.feature_graph(inputs.network.model, [layer])
        with torch.inference_mode():
            output = graph(inputs.batch)[layer.name]
        cells = inputs.network.family.to_map(output)  # (h, w, D)
        rows, columns = cells.shape[:2]
        column, row = reference_cell(layer, reference, (columns, rows))
        grid = angular_similarity(cells, cells[row, column]).astype(np.float32)
        # Each pixel takes its cell's value, as the browser paints it (nearest, no blur).
        ys = np.minimum((np.arange(height) - layer.trim // 2).clip(0) // layer.stride, rows - 1)
        xs = np.minimum((np.arange(width) - layer.trim // 2).clip(0) // layer.stride, columns - 1)
        values = np.ascontiguousarray(grid[np.ix_(ys, xs)], dtype=np.float32)
        return TechniqueResult(
            maps=(
                TechniqueMap(
                    self.name,
                    f"Similarity to {layer.name} cell ({column}, {row})",
                    f"Bright cells have a {layer.name} feature vector pointing the same way as "
                    "the reference cell's (1 = same direction, 0 = orthogonal): what this layer "
                    "finds alike.",
                    values,
                    (float(min(0.0, values.min())), 1.0),
                    "sequential",
                ),
            )
        )
