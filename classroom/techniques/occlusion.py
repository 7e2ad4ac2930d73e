"""``occlusion``: occlusion experiments (Zeiler and Fergus, ECCV 2014; the lecture's "Discover
Relevant Features").

A patch slides over the image (size and stride chosen; filled with grey or the data set's
mean, which is 0 after normalisation); each position is one forward pass, run in batches.
Map 1: how much the probability of the class drops when the patch covers a pixel (averaged
over the positions that cover it; negative where covering *helped* the class). Maps 2…: the
same for the strongest channels of a layer at the reference pixel: which parts of the image
that cell's strongest features need. Computed by Captum's ``Occlusion``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch

    from classroom.techniques.result import TechniqueMap, TechniqueResult

__all__ = ["Occlusion", "OcclusionParameters"]


class OcclusionParameters(TechniqueParameters):
    patch: int = Field(32, ge=2, le=512, description="Side of the square patch, in pixels.")
    stride: int = Field(16, ge=1, le=512, description="Pixels the patch moves per step.")
    fill: Literal["mean", "grey"] = Field(
        "mean", description="What covers the image: the data set's mean colour, or mid-grey."
    )
    channels: int = Field(
        2,
        ge=0,
        le=8,
        description="With a reference pixel: also map this many of the layer's strongest "
        "channels there (one more occlusion run each).",
    )
    batch: int = Field(64, ge=1, le=1024, description="Patch positions per forward pass.")


def _windows(size: tuple[int, int], parameters: OcclusionParameters) -> int:
    width, height = size
    per_axis = [
        max(0, (side - parameters.patch) // parameters.stride) + 1 for side in (width, height)
    ]
    return per_axis[0] * per_axis[1]


class Occlusion(Technique):
    name = "occlusion"
    title = "Occlusion"
    family = "input modification"
    summary = "How much the class's probability drops when a patch covers each part of the image."
    uses_layer = True
    uses_target = True
    uses_reference = True
    needs_classifier = True
    library = "Captum (captum.attr.Occlusion), batched"
    cost = (
        "one forward pass per patch position (ceil((W - patch) / stride + 1) x the same for H), "
        "in batches; once more per channel map (up to the layer only)"
    )
    parameters = OcclusionParameters

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import torch

        from classroom.techniques.result import TechniqueResult
        from classroom.techniques.tensors import class_model, symmetric, target_class

        assert isinstance(parameters, OcclusionParameters)
        width, height = inputs.size
        if parameters.patch > min(width, height):
            raise ValueError(
                f"a {parameters.patch}-pixel patch does not fit the {width} x {height} image"
            )
        model = class_model(inputs)
        with torch.no_grad():
            logits = model(inputs.batch)
        target = target_class(inputs, logits)
        runs = 1
        if inputs.reference is not None and parameters.channels:
            runs += parameters.channels
        windows = _windows(inputs.size, parameters)
        total = runs * windows
        done = [0]

        def counted(forward: torch.nn.Module | object) -> object:
            def run(batch: torch.Tensor) -> torch.Tensor:
                output: torch.Tensor = forward(batch)  # type: ignore[operator]
                done[0] += int(batch.shape[0])
                if inputs.progress is not None:
                    inputs.progress(min(done[0], total), total)
                return output

            return run

        def probability(batch: torch.Tensor) -> torch.Tensor:
            return torch.softmax(model(batch), dim=1)

        name = inputs.class_name(target)
        drop = self._occlude(inputs, parameters, counted(probability), target)
        maps: list[TechniqueMap] = [
            self._map(
                f"Occlusion for '{name}' ({parameters.patch}-px patch, stride "
                f"{parameters.stride}, {parameters.fill})",
                f"Red where covering the image with a {parameters.patch}-pixel patch lowers "
                f"the probability of '{name}' (by up to the value shown), blue where it "
                "raises it, white where it changes nothing.",
                drop,
                symmetric(drop),
            )
        ]
        if runs > 1:
            maps.extend(self._channel_maps(inputs, parameters, counted))
        return TechniqueResult(maps=tuple(maps))

    def _occlude(
        self,
        inputs: TechniqueInputs,
        parameters: OcclusionParameters,
        forward: object,
        target: int,
    ) -> npt.NDArray[np.float32]:
        import torch
        from captum.attr import Occlusion as CaptumOcclusion

        from classroom.techniques.tensors import image_values

        mean = torch.tensor(inputs.mean).view(1, 3, 1, 1)
        std = torch.tensor(inputs.std).view(1, 3, 1, 1)
        baseline = (
            torch.zeros_like(inputs.batch)
            if parameters.fill == "mean"
            else ((0.5 - mean) / std).expand_as(inputs.batch).contiguous()
        )
        with torch.no_grad():
            values = CaptumOcclusion(forward).attribute(
                inputs.batch,
                sliding_window_shapes=(3, parameters.patch, parameters.patch),
                strides=(3, parameters.stride, parameters.stride),
                baselines=baseline,
                target=target,
                perturbations_per_eval=parameters.batch,
            )
        return image_values(values[0, 0])

    def _channel_maps(
        self, inputs: TechniqueInputs, parameters: OcclusionParameters, counted: object
    ) -> list[TechniqueMap]:
        import torch

        from classroom.techniques.tensors import layer_of, reference_cell, symmetric

        assert inputs.reference is not None
        layer = layer_of(inputs)
        graph = inputs.network.family.feature_graph(inputs.network.model, [layer])
        with torch.no_grad():
            features = graph(inputs.batch)[layer.name]
        _, _, rows, columns = features.shape
        column, row = reference_cell(layer, inputs.reference, (columns, rows))
        strongest = features[0, :, row, column].argsort(descending=True)[: parameters.channels]

        def cell(batch: torch.Tensor) -> torch.Tensor:
            return graph(batch)[layer.name][:, strongest, row, column]

        maps = []
        for rank, channel in enumerate(strongest.tolist()):
            drop = self._occlude(inputs, parameters, counted(cell), rank)  # type: ignore[operator]
            maps.append(
                self._map(
                    f"Occlusion of {layer.name} channel {channel} at cell ({column}, {row})",
                    f"Red where covering the image lowers channel {channel} of {layer.name} "
                    f"at the reference cell (its #{rank + 1} strongest there): the parts of "
                    "the image that feature needs.",
                    drop,
                    symmetric(drop),
                )
            )
        return maps

    def _map(
        self,
        title: str,
        meaning: str,
        values: npt.NDArray[np.float32],
        value_range: tuple[float, float],
    ) -> TechniqueMap:
        from classroom.techniques.result import TechniqueMap

        return TechniqueMap(self.name, title, meaning, values, value_range, "diverging")
