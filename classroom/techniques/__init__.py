"""The lecture's toolbox as registered techniques; ``result`` is the type all of them hand on."""

from classroom.techniques.result import SCALES, Prediction, Scale, TechniqueMap, TechniqueResult

__all__ = ["SCALES", "Prediction", "Scale", "TechniqueMap", "TechniqueResult"]
