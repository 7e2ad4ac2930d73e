"""Activation maximization: the image a class, a channel or a neuron wants to see (issue 15).

* :mod:`~classroom.maximization.targets`: what is maximized (plain data);
* :mod:`~classroom.maximization.settings`: steps, seed, facets and regularizers (plain data),
  and the store key of a result;
* :mod:`~classroom.maximization.image_space`: pixels or the Fourier parameterisation (torch);
* :mod:`~classroom.maximization.regularizers`: clipping and transformation robustness (torch);
* :mod:`~classroom.maximization.objective`: the target's value on a registry network (torch);
* :mod:`~classroom.maximization.collection`: a network's collection and its top images;
* :mod:`~classroom.maximization.ascent`: gradient ascent for a batch of facets (torch);
* :mod:`~classroom.maximization.measures`: roundness and high-frequency energy (numpy);
* :mod:`~classroom.maximization.technique`: the result as a ``TechniqueResult``, cached.

Importing this package imports no torch; the modules that run networks do.
"""

from __future__ import annotations

from classroom.maximization.settings import PRESETS, Regularizers, Settings, cache_key
from classroom.maximization.targets import KINDS, Target, TargetKind, parse_target

__all__ = [
    "KINDS",
    "PRESETS",
    "Regularizers",
    "Settings",
    "Target",
    "TargetKind",
    "cache_key",
    "parse_target",
]
