"""What a technique hands on: maps with their meaning, the one type both sides of the view agree on.

Every technique of the toolbox (filters, activations, occlusion, the gradient family,
receptive fields, predictions) ends in the same place: a few arrays of numbers that the view
paints with a colour scale and a legend that says what a high value *means*. Keeping that
shape in one small, torch-free module lets the techniques (which compute), the store (which
keeps) and the component (which paints) grow apart without a second copy of the idea.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:  # numpy only for types: `classroom check` reads the registry without it
    import numpy as np
    import numpy.typing as npt

__all__ = ["SCALES", "Prediction", "Scale", "TechniqueMap", "TechniqueResult"]

#: How a map's numbers become colour: ``sequential`` from low to high (saliency, Grad-CAM),
#: ``diverging`` around zero (occlusion's drop can be negative: the patch *helped* the class),
#: ``picture`` for maps that are themselves pictures (first-layer filters, reconstructions).
Scale = Literal["sequential", "diverging", "picture"]
SCALES: Final[tuple[Scale, ...]] = ("sequential", "diverging", "picture")


@dataclass(frozen=True)
class TechniqueMap:
    """One painted map.

    ``values`` is float32, either ``(H, W)`` at the analysed image's resolution (saliency,
    occlusion, Grad-CAM, effective receptive field), ``(N, h, w)`` tiles (a layer's channels
    or filters, shown as a grid), or ``(N, h, w, 3)`` for colour tiles (first-layer filters).
    ``value_range`` is what the colour scale spans (not necessarily min/max: a diverging
    scale is symmetric about zero so that white means "no change").
    """

    technique: str
    title: str
    meaning: str
    values: npt.NDArray[np.float32]
    value_range: tuple[float, float]
    scale: Scale = "sequential"
    #: Names of the tiles (channel numbers, class names), one per leading entry, when tiled.
    tile_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.values.dtype.name != "float32":
            raise TypeError(f"{self.technique}: values must be float32, not {self.values.dtype}")
        if self.values.ndim not in (2, 3, 4):
            raise ValueError(f"{self.technique}: values must be 2-, 3- or 4-dimensional")
        if self.scale not in SCALES:
            raise ValueError(f"{self.technique}: unknown colour scale {self.scale!r}")
        low, high = self.value_range
        if not low <= high:
            raise ValueError(f"{self.technique}: value range {self.value_range} is reversed")
        if self.tile_names and (self.values.ndim == 2 or len(self.tile_names) != len(self.values)):
            raise ValueError(f"{self.technique}: one tile name per tile")


@dataclass(frozen=True)
class Prediction:
    """A class the network predicts, with its probability (the top-5 beside the image)."""

    label: str
    probability: float


@dataclass(frozen=True)
class TechniqueResult:
    """All a technique computed for one image: its maps and, for classifiers, the top-5."""

    maps: tuple[TechniqueMap, ...]
    predictions: tuple[Prediction, ...] = field(default=())
