"""``guided_grad_cam``: Guided Grad-CAM (Selvaraju et al., ICCV 2017).

Guided backpropagation multiplied by the upsampled Grad-CAM map: guided backpropagation's
sharp detail, kept only where Grad-CAM finds the class. Captum's ``GuidedGradCam``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["GuidedGradCam"]


class GuidedGradCam(Technique):
    name = "guided_grad_cam"
    title = "Guided Grad-CAM"
    family = "deconvolutional"
    summary = "Guided backpropagation kept only where Grad-CAM finds the class."
    uses_layer = True
    needs_layer = True
    uses_target = True
    needs_classifier = True
    library = "Captum (captum.attr.GuidedGradCam)"
    cost = "2 forward + 2 backward passes"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import torch
        from captum.attr import GuidedGradCam as CaptumGuidedGradCam
        from torch import nn

        from classroom.techniques.attribution import gradient_maps
        from classroom.techniques.tensors import layer_module, layer_of

        layer = layer_of(inputs)

        def attribute(model: nn.Module, batch: torch.Tensor, target: int) -> torch.Tensor:
            values: torch.Tensor = CaptumGuidedGradCam(model, layer_module(model, layer)).attribute(
                batch, target=target
            )
            return values

        return gradient_maps(
            self,
            inputs,
            attribute,
            "Bright pixels are details that raise the score of '{name}' (guided "
            f"backpropagation) inside the region Grad-CAM of {layer.name} finds for it.",
        )
