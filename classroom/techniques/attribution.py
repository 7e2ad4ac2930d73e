"""The deconvolutional family's shared steps (Captum computes; this only shapes the result).

Saliency, guided backpropagation, deconvnet and Guided Grad-CAM all give one value per input
pixel and colour channel: how (and which way) the class score depends on it. Each is shown
twice: its magnitude (the largest absolute value over the colour channels, Simonyan et al.
2014's saliency map) and, for the signed ones, the three channels as a colour picture (mid-grey
is 0), which is how Springenberg et al. 2015 and Zeiler and Fergus 2014 show them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch

from classroom.techniques.result import TechniqueMap, TechniqueResult
from classroom.techniques.tensors import class_model, image_values, target_class

if TYPE_CHECKING:
    from torch import nn

    from classroom.techniques.base import Technique, TechniqueInputs

__all__ = ["gradient_maps"]

#: Captum's attribution call for a model: ``(batch, target) -> (1, 3, H, W)``.
Attribute = Callable[["nn.Module", torch.Tensor, int], torch.Tensor]


def gradient_maps(
    technique: Technique,
    inputs: TechniqueInputs,
    attribute: Attribute,
    meaning: str,
    *,
    signed: bool = True,
) -> TechniqueResult:
    """Run ``attribute`` for the target class; the magnitude map, and the signed picture."""
    model = class_model(inputs)
    with torch.no_grad():
        logits = model(inputs.batch)
    target = target_class(inputs, logits)
    batch = inputs.batch.clone().requires_grad_(True)
    with warnings.catch_warnings():
        # Captum announces that it hooks the ReLUs (and removes the hooks again) on every call.
        warnings.filterwarnings("ignore", message="Setting backward hooks on ReLU")
        values = attribute(model, batch, target)[0].detach()  # (3, H, W)
    magnitude = image_values(values.abs().amax(dim=0))
    name = inputs.class_name(target)
    high = float(magnitude.max())
    maps = [
        TechniqueMap(
            technique.name,
            f"{technique.title} for '{name}'",
            meaning.format(name=name),
            magnitude,
            (0.0, high if high > 0 else 1.0),
            "sequential",
        )
    ]
    if signed:
        signed_values = image_values(values.permute(1, 2, 0))
        reach = float(np.abs(signed_values).max()) or 1.0
        picture = np.ascontiguousarray(signed_values / (2 * reach) + 0.5, dtype=np.float32)
        maps.append(
            TechniqueMap(
                technique.name,
                f"{technique.title} for '{name}', in colour",
                "The same values per colour channel: mid-grey is 0; a colour shows which "
                "channels, and which way, change the score.",
                picture[None],
                (0.0, 1.0),
                "picture",
            )
        )
    return TechniqueResult(maps=tuple(maps))
