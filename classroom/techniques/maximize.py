"""``maximize``: the image a class or a channel wants to see (lecture: "Activation Maximization").

Gradient ascent on the input (:mod:`classroom.maximization`): it needs no image of its own, so
the analysis image is ignored; the target is the request's class, or, with ``channel``, that
channel of the request's layer. Facets start from the network's collection (the trained
networks' held-out data) when it has one. Its result depends on the network, target and
settings alone, so it is kept under that key in the store's ``generated/`` area, the one cache
that ``classroom compute maximize`` and the app's background worker read and write too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.maximization import Settings, Target
    from classroom.networks import ResolvedWeights
    from classroom.store import FeatureStore
    from classroom.techniques.request import TechniqueRequest
    from classroom.techniques.result import TechniqueResult

__all__ = ["Maximize", "MaximizeParameters", "default_size"]

Preset = Literal["none", "blur", "lecture", "robust", "fourier"]


def default_size(architecture: str) -> int:
    """The side a network sees its training images at: 32 (digits), 96 (shapes), else 224."""
    return {"digits": 32, "shapes": 96}.get(architecture, 224)


class MaximizeParameters(TechniqueParameters):
    channel: int | None = Field(
        None, ge=0, description="Maximize this channel of the layer (None: the class score)."
    )
    steps: int = Field(128, ge=0, le=4096, description="Gradient steps.")
    size: int | None = Field(
        None, ge=16, le=1024, description="Image side (None: the network's training size)."
    )
    facets: int = Field(1, ge=1, le=16, description="Images from different starting points.")
    seed: int = Field(0, ge=0, description="Seeds noise, jitter and transforms.")
    regularizers: Preset = Field(
        "robust",
        description="none, blur (only), lecture (L2, blur, clipping), robust (+ jitter), fourier.",
    )


class Maximize(Technique):
    name = "maximize"
    title = "Activation maximization"
    family = "input reconstruction"
    summary = (
        "The image gradient ascent makes for a class score or a channel: what it wants to see."
    )
    uses_layer = True
    uses_target = True
    library = "torch (classroom/maximization, written on torch: docs/maximization.md)"
    cost = "steps x (forward + backward) for all facets in one batch"
    parameters = MaximizeParameters
    uses_image = False

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        from classroom.maximization.technique import maximize, to_result

        assert isinstance(parameters, MaximizeParameters)
        network = inputs.network
        channels = {name: layer.channels for name, layer in network.layers.items()}
        target, settings = _goal(
            network.weights.architecture,
            channels,
            layer=inputs.layer,
            target=inputs.target,
            class_name=inputs.class_name,
            parameters=parameters,
        )
        progress = inputs.progress

        def report(step: int, steps: int, _preview: object) -> None:
            if progress is not None:
                progress(step, steps)

        maximized = maximize(network, target, settings, store=inputs.store, on_progress=report)
        return to_result(maximized)

    def read_cached(
        self,
        weights: ResolvedWeights,
        request: TechniqueRequest,
        class_names: tuple[str, ...],
        store: FeatureStore,
    ) -> TechniqueResult | None:
        from classroom import networks
        from classroom.maximization.settings import cache_key
        from classroom.maximization.technique import read_cached, to_result
        from classroom.techniques.running import class_index

        parameters = request.parameters
        assert isinstance(parameters, MaximizeParameters)
        if weights.network.model_file is not None:
            return None  # its layers are known once it is loaded
        architecture = weights.network.architecture
        channels = {item.name: item.channels for item in networks.architecture(architecture).layers}

        def class_name(index: int) -> str:
            return class_names[index] if index < len(class_names) else f"class {index}"

        target = None if request.target is None else class_index(request.target, class_names)
        goal, settings = _goal(
            architecture,
            channels,
            layer=request.layer,
            target=target,
            class_name=class_name,
            parameters=parameters,
        )
        key = cache_key(weights.architecture, weights.identity.weights_id, goal, settings)
        cached = read_cached(store, key, goal)
        return None if cached is None else to_result(cached)


def _goal(
    architecture: str,
    channels: Mapping[str, int],
    *,
    layer: str | None,
    target: int | None,
    class_name: Callable[[int], str],
    parameters: MaximizeParameters,
) -> tuple[Target, Settings]:
    """What a request maximizes and how: the same for computing and for reading the cache."""
    from classroom.maximization import PRESETS, Settings, Target

    if parameters.channel is not None:
        if layer is None:
            raise ValueError("maximize: a channel needs a layer (--layer)")
        if layer not in channels:
            raise ValueError(f"maximize: no layer {layer!r} (its layers: {', '.join(channels)})")
        if parameters.channel >= channels[layer]:
            raise ValueError(f"maximize: {layer} has {channels[layer]} channels")
        goal = Target("channel", layer, parameters.channel)
    elif target is not None:
        goal = Target("class", class_name(target), target)
    else:
        raise ValueError("maximize: name a class (--target) or a channel (-p channel=N)")
    settings = Settings(
        steps=parameters.steps,
        size=parameters.size or default_size(architecture),
        seed=parameters.seed,
        facets=parameters.facets,
        regularizers=PRESETS[parameters.regularizers],
    )
    return goal, settings
