"""``guided_backprop``: guided backpropagation (Springenberg et al., ICLR 2015 workshop).

The gradient of the class score, but each ReLU passes back only positive gradients where its
input was positive: sharper pictures of what in the image raises the score. Captum's
``GuidedBackprop``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    import torch
    from torch import nn

    from classroom.techniques.result import TechniqueResult

__all__ = ["GuidedBackprop"]


def _guided(model: nn.Module, batch: torch.Tensor, target: int) -> torch.Tensor:
    from captum.attr import GuidedBackprop as CaptumGuidedBackprop

    values: torch.Tensor = CaptumGuidedBackprop(model).attribute(batch, target=target)
    return values


class GuidedBackprop(Technique):
    name = "guided_backprop"
    title = "Guided backpropagation"
    family = "deconvolutional"
    summary = "The gradient with only positive signals passed back through each ReLU."
    uses_target = True
    needs_classifier = True
    library = "Captum (captum.attr.GuidedBackprop)"
    cost = "1 forward + 1 backward pass"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        from classroom.techniques.attribution import gradient_maps

        return gradient_maps(
            self,
            inputs,
            _guided,
            "Bright pixels are image details that raise the score of '{name}' through paths "
            "of active units (only positive gradients pass each ReLU). Sharper than saliency; "
            "known to look alike for many classes.",
        )
