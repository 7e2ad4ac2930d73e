"""The lecture's toolbox as registered techniques (docs/techniques.md).

* :mod:`~classroom.techniques.result`: what every technique hands on (maps with meaning);
* :mod:`~classroom.techniques.base`: a technique's declaration and inputs;
* :mod:`~classroom.techniques.registry`: the one list, by name (``register`` extends it);
* :mod:`~classroom.techniques.request`: what to compute, and its store key;
* one module per technique; :mod:`~classroom.techniques.running` computes a request,
  :mod:`~classroom.techniques.figure` paints a map as a PNG.

Importing this package imports no torch: lessons and ``classroom check`` read the registry.
"""

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters
from classroom.techniques.registry import register, technique, technique_names, techniques
from classroom.techniques.request import TechniqueRequest
from classroom.techniques.result import SCALES, Prediction, Scale, TechniqueMap, TechniqueResult

__all__ = [
    "SCALES",
    "Prediction",
    "Scale",
    "Technique",
    "TechniqueInputs",
    "TechniqueMap",
    "TechniqueParameters",
    "TechniqueRequest",
    "TechniqueResult",
    "register",
    "technique",
    "technique_names",
    "techniques",
]
