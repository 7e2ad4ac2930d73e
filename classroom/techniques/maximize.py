"""``maximize``: the image a class or a channel wants to see (lecture: "Activation Maximization").

Gradient ascent on the input (:mod:`classroom.maximization`): it needs no image of its own, so
the analysis image is ignored; the target is the request's class, or, with ``channel``, that
channel of the request's layer. Facets start from the network's collection (the trained
networks' held-out data) when it has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
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

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        from classroom.maximization import PRESETS, Settings, Target
        from classroom.maximization.technique import maximize, to_result

        assert isinstance(parameters, MaximizeParameters)
        network = inputs.network
        if parameters.channel is not None:
            if inputs.layer is None:
                raise ValueError("maximize: a channel needs a layer (--layer)")
            layer = network.layers[inputs.layer]
            if parameters.channel >= layer.channels:
                raise ValueError(f"maximize: {layer.name} has {layer.channels} channels")
            target = Target("channel", layer.name, parameters.channel)
        elif inputs.target is not None:
            target = Target("class", inputs.class_name(inputs.target), inputs.target)
        else:
            raise ValueError("maximize: name a class (--target) or a channel (-p channel=N)")
        settings = Settings(
            steps=parameters.steps,
            size=parameters.size or default_size(network.weights.architecture),
            seed=parameters.seed,
            facets=parameters.facets,
            regularizers=PRESETS[parameters.regularizers],
        )
        progress = inputs.progress

        def report(step: int, steps: int, _preview: object) -> None:
            if progress is not None:
                progress(step, steps)

        return to_result(maximize(network, target, settings, on_progress=report))
