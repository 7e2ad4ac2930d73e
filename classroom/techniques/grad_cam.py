"""``grad_cam``: Grad-CAM (Selvaraju et al., ICCV 2017).

A layer's channels weighted by the spatial mean of the class score's gradient, summed, ReLU:
``L = ReLU(sum_k a_k A^k)`` with ``a_k = mean_ij dS/dA^k_ij``; at a late layer, a coarse map
of where the evidence for the class is. Captum's ``LayerGradCam``, upsampled bilinearly to
the image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["GradCam"]


class GradCam(Technique):
    name = "grad_cam"
    title = "Grad-CAM"
    family = "deconvolutional"
    summary = "Where a late layer holds evidence for the class (gradient-weighted channels)."
    uses_layer = True
    needs_layer = True
    uses_target = True
    needs_classifier = True
    library = "Captum (captum.attr.LayerGradCam)"
    cost = "1 forward + 1 backward pass"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        import torch
        from captum.attr import LayerGradCam

        from classroom.techniques.result import TechniqueMap, TechniqueResult
        from classroom.techniques.tensors import (
            class_model,
            image_values,
            layer_module,
            layer_of,
            target_class,
            upsampled,
        )

        model = class_model(inputs)
        layer = layer_of(inputs)
        with torch.no_grad():
            logits = model(inputs.batch)
        target = target_class(inputs, logits)
        cam = LayerGradCam(model, layer_module(model, layer)).attribute(
            inputs.batch, target=target, relu_attributions=True
        )
        values = image_values(upsampled(cam[0, 0].detach(), inputs.size))
        high = float(values.max())
        name = inputs.class_name(target)
        return TechniqueResult(
            maps=(
                TechniqueMap(
                    self.name,
                    f"Grad-CAM of {layer.name} for '{name}'",
                    f"Bright where {layer.name}'s channels that raise the score of '{name}' "
                    f"respond (one value per {layer.stride}-pixel cell, smoothed to the "
                    "image): where the evidence for the class is, at that layer's coarseness.",
                    values,
                    (0.0, high if high > 0 else 1.0),
                    "sequential",
                ),
            )
        )
