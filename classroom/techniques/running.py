"""Computing a request: the analysis image and a loaded network in, a result with top-5 out.

The one place techniques meet torch's setup: the network's input batch (the weights' own
normalisation), the class to explain (by name or index), the reference pixel mapped from the
original picture to the analysis image, and the top-5 every classifier's result carries.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from classroom import images, networks
from classroom.techniques.base import Progress, TechniqueInputs

if TYPE_CHECKING:
    from torch import nn

    from classroom.store import FeatureStore
    from classroom.techniques.request import TechniqueRequest
    from classroom.techniques.result import TechniqueResult

__all__ = ["class_index", "class_names_of", "compute"]


def class_names_of(weights: networks.ResolvedWeights) -> tuple[str, ...]:
    """The classifier's class names for these weights (empty when unknown or not a classifier)."""
    if weights.network.model_file is not None:
        return ()
    architecture = networks.architecture(weights.network.architecture)
    pretrained = architecture.default_pretrained
    if pretrained is None:
        return ()
    if weights.declared_classes not in (None, architecture.num_classes):
        return ()
    return pretrained.classes


def class_index(target: str, class_names: tuple[str, ...]) -> int:
    """A class by name (``circle``) or index (``3``).

    Raises:
        ValueError: naming the classes, for an unknown name.
    """
    if target in class_names:
        return class_names.index(target)
    if target.isdigit():
        return int(target)
    from classroom.wording import suggest

    shown = ", ".join(class_names[:12]) + (", ..." if len(class_names) > 12 else "")
    raise ValueError(
        f"no class '{target}'{suggest(target, class_names)} (classes: {shown or 'numbers only'})"
    )


def compute(
    request: TechniqueRequest,
    network: networks.LoadedNetwork,
    analysis: images.AnalysisImage,
    *,
    class_names: tuple[str, ...] | None = None,
    progress: Progress | None = None,
    store: FeatureStore | None = None,
) -> TechniqueResult:
    """Run ``request`` on ``analysis`` with ``network``; add the top-5 for a classifier (of
    the analysis image; a technique that does not use it keeps the top-5 of what it made).

    Raises:
        ValueError: for a request the network or image cannot answer (a layer it lacks, a
            class it does not know, a technique that needs class scores on a model file).
    """
    import torch

    from classroom.techniques.result import TechniqueResult
    from classroom.techniques.tensors import predictions

    names = class_names if class_names is not None else class_names_of(network.weights)
    entry = request.entry
    network = replace(network, model=_private_modules(network))
    reference = None
    if request.reference is not None:
        reference = images.map_pixel(*request.reference, analysis.original_size, analysis.size)
    weights = network.weights
    batch = network.family.input_batch(analysis.image, weights.mean, weights.std)
    layer = request.layer
    if layer is None and entry.needs_layer:
        layer = list(network.layers)[-1]
    inputs = TechniqueInputs(
        network=network,
        image=analysis.image,
        batch=batch,
        mean=weights.mean,
        std=weights.std,
        layer=layer,
        target=class_index(request.target, names) if request.target is not None else None,
        reference=reference,
        class_names=names,
        progress=progress,
        store=store,
    )
    result = entry.compute(inputs, request.parameters)
    classifies = network.weights.network.model_file is None
    if not classifies:
        if entry.needs_classifier:
            raise ValueError(f"{entry.name} needs class scores, and a model file has none")
        return result
    if not entry.uses_image:
        return result
    with torch.no_grad():
        logits = network.model(batch)
    return TechniqueResult(maps=result.maps, predictions=predictions(logits, names))


def _private_modules(network: networks.LoadedNetwork) -> nn.Module:
    """The technique's own modules over the shared network's weights (no copy of them).

    Captum hooks the modules it explains (ReLUs, a layer) and the techniques switch in-place
    ReLUs off, while the same loaded network may be extracting features for another session
    in the worker thread: those changes stay on the twin's modules, and its backward pass
    writes no gradient into the shared weights (see :mod:`classroom.networks.twins`). The twin
    runs in the memory order extraction runs the network in: the first feature extractor
    converts the shared network in place, and a technique computed before it must give what
    one computed after gives (the orders round differently, by about 3e-6).
    """
    import torch

    from classroom.networks.twins import modules_sharing_storage

    model = modules_sharing_storage(network.model).eval()
    if network.family.channels_last:
        # A view of weights already in that order; a copy only where they are not yet.
        model.to(memory_format=torch.channels_last)
    return model
