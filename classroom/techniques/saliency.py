"""``saliency``: vanilla gradient saliency (Simonyan, Vedaldi and Zisserman, ICLR 2014).

``M[i, j] = max_c |dS/dI[i, j, c]|`` for the unnormalised class score ``S``: the pixels whose
change changes the score most. Computed by Captum's ``Saliency``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    import torch
    from torch import nn

    from classroom.techniques.result import TechniqueResult

__all__ = ["Saliency"]


def _saliency(model: nn.Module, batch: torch.Tensor, target: int) -> torch.Tensor:
    from captum.attr import Saliency as CaptumSaliency

    values: torch.Tensor = CaptumSaliency(model).attribute(batch, target=target, abs=True)
    return values


class Saliency(Technique):
    name = "saliency"
    title = "Saliency"
    family = "deconvolutional"
    summary = "Where a small change of the pixels changes the class score most (the gradient)."
    uses_target = True
    needs_classifier = True
    library = "Captum (captum.attr.Saliency)"
    cost = "1 forward + 1 backward pass"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        from classroom.techniques.attribution import gradient_maps

        return gradient_maps(
            self,
            inputs,
            _saliency,
            "Bright pixels are those whose change changes the score of '{name}' most "
            "(largest |gradient| over the colour channels). It says where the score is "
            "sensitive, not that the network 'looks' there.",
            signed=False,
        )
