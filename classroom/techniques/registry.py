"""The one list of techniques, by name; lookups that name the choices.

Adding a technique is one module with a :class:`~classroom.techniques.base.Technique`
subclass and one line in :data:`_BUILT_IN` (docs/architecture.md, "Adding a technique").
A technique that lives in another package registers itself with :func:`register`; the
lesson schema, ``classroom check``, the store key and ``classroom compute`` all read
:func:`techniques`, so it is known everywhere at once. No torch is imported here.
"""

from __future__ import annotations

from typing import Final

from classroom.techniques.activations import Activations
from classroom.techniques.base import Technique
from classroom.techniques.deconvnet import Deconvnet
from classroom.techniques.filters import Filters
from classroom.techniques.grad_cam import GradCam
from classroom.techniques.guided_backprop import GuidedBackprop
from classroom.techniques.guided_grad_cam import GuidedGradCam
from classroom.techniques.maximize import Maximize
from classroom.techniques.occlusion import Occlusion
from classroom.techniques.predict import Predict
from classroom.techniques.receptive_field import ReceptiveField
from classroom.techniques.saliency import Saliency
from classroom.techniques.similarity import Similarity
from classroom.wording import suggest

__all__ = ["register", "technique", "technique_names", "techniques"]

_BUILT_IN: Final[tuple[Technique, ...]] = (
    Predict(),
    Filters(),
    Activations(),
    Occlusion(),
    Saliency(),
    GuidedBackprop(),
    Deconvnet(),
    GradCam(),
    GuidedGradCam(),
    ReceptiveField(),
    Similarity(),
    Maximize(),
)

_REGISTERED: dict[str, Technique] = {entry.name: entry for entry in _BUILT_IN}


def register(entry: Technique) -> Technique:
    """Add a technique (from another module, e.g. activation maximization) under its name.

    Raises:
        ValueError: if the name is empty or taken by another technique.
    """
    if not entry.name or not entry.name.isidentifier():
        raise ValueError(f"a technique's name is a lowercase identifier, not {entry.name!r}")
    known = _REGISTERED.get(entry.name)
    if known is not None and type(known) is not type(entry):
        raise ValueError(f"the technique name {entry.name!r} is taken by {type(known).__name__}")
    _REGISTERED[entry.name] = entry
    return entry


def techniques() -> tuple[Technique, ...]:
    """Every registered technique, built-in ones first, in the order of the lecture."""
    return tuple(_REGISTERED.values())


def technique_names() -> tuple[str, ...]:
    return tuple(_REGISTERED)


def technique(name: str) -> Technique:
    """The technique called ``name``.

    Raises:
        ValueError: naming the techniques (and the closest name).
    """
    try:
        return _REGISTERED[name]
    except KeyError:
        names = technique_names()
        raise ValueError(
            f"no technique '{name}'{suggest(name, names)} (techniques: {', '.join(names)})"
        ) from None
