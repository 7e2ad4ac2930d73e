"""What people read about a stored map's network and layer, from its store key alone.

A feature file's header names the model (a registry architecture, or a model file's
``file:...`` key) and the layer; the view's labels come from here, so neither the app nor the
browser writes down a layer name or a stride of its own.
"""

from __future__ import annotations

from classroom.networks import registry

__all__ = ["layer_about", "model_title"]

#: The title of a network that is a lesson's own model file.
OWN_MODEL = "your own model"


def model_title(model: str) -> str:
    """``ResNet-101`` for ``resnet101``; a model file's key gives :data:`OWN_MODEL`."""
    if model in registry.ARCHITECTURES:
        return registry.architecture(model).title
    return OWN_MODEL if model.startswith("file:") else model


def layer_about(model: str, layer: str, stride: int) -> str:
    """One line about a layer: ``stride 4 px · sees 35 px · edges, corners and colour blobs``.

    ``stride`` is the map's own (from its header), for layers the registry does not know.
    """
    if model not in registry.ARCHITECTURES:
        return f"stride {stride} px"
    spec = registry.layer(model, layer)
    parts = [f"stride {spec.stride} px"]
    if spec.receptive_field is not None:
        parts.append(f"sees {spec.receptive_field} px")
    if spec.shows:
        parts.append(spec.shows)
    return " · ".join(parts)
