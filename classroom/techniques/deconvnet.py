"""``deconvnet``: the deconvolutional network of Zeiler and Fergus (ECCV 2014).

The class score passed back with each ReLU applied to the *backward* signal (not gated by the
forward pass): which image patterns the units that raise the score respond to. Captum's
``Deconvolution``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    import torch
    from torch import nn

    from classroom.techniques.result import TechniqueResult

__all__ = ["Deconvnet"]


def _deconvolution(model: nn.Module, batch: torch.Tensor, target: int) -> torch.Tensor:
    from captum.attr import Deconvolution

    values: torch.Tensor = Deconvolution(model).attribute(batch, target=target)
    return values


class Deconvnet(Technique):
    name = "deconvnet"
    title = "Deconvnet"
    family = "deconvolutional"
    summary = "The score passed back with ReLUs on the backward signal (Zeiler and Fergus)."
    uses_target = True
    needs_classifier = True
    library = "Captum (captum.attr.Deconvolution)"
    cost = "1 forward + 1 backward pass"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        from classroom.techniques.attribution import gradient_maps

        return gradient_maps(
            self,
            inputs,
            _deconvolution,
            "Bright pixels show patterns that units raising the score of '{name}' respond "
            "to (ReLUs applied to the backward signal). It depends little on the class: "
            "compare it with guided backpropagation.",
        )
