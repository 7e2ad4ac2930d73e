"""``classroom compute maximize``: generate and write the image(s) a target wants to see.

``--target class:NAME | channel:LAYER:INDEX | neuron:LAYER:INDEX:ROW:COLUMN``; the facets are
written side by side in one PNG (or their float32 values to ``.npy``), the collection's images
that activate the target most beside it (``OUT-top.png``). Results are cached in
the store, so asking again is instant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["maximize_from_cli"]


def maximize_from_cli(
    *,
    model: str,
    weights: str | None,
    target: str | None,
    facets: int,
    seed: int,
    options: Mapping[str, object],
    output: Path | None,
    echo: Callable[[str], None],
) -> None:
    """Generate the facets for ``target`` and print or write them.

    Raises:
        ValueError: for input people must change (the message says what).
    """
    import numpy as np

    from classroom import networks
    from classroom.maximization import PRESETS, Settings
    from classroom.maximization.objective import target_of
    from classroom.maximization.technique import maximize, to_result
    from classroom.store import FeatureStore
    from classroom.techniques.figure import figure_png
    from classroom.techniques.maximize import MaximizeParameters, default_size

    if target is None:
        raise ValueError("maximize needs --target class:NAME or channel:LAYER:INDEX")
    if output is not None and output.suffix not in (".png", ".npy"):
        raise ValueError(f"-o writes .png (the facets side by side) or .npy, not {output.name}")
    parameters = MaximizeParameters.model_validate({**options, "facets": facets, "seed": seed})
    network = networks.build_network(networks.resolve_weights(model, weights))
    goal = target_of(network, target)
    settings = Settings(
        steps=parameters.steps,
        size=parameters.size or default_size(network.weights.architecture),
        seed=parameters.seed,
        facets=parameters.facets,
        regularizers=PRESETS[parameters.regularizers],
    )
    every = max(1, settings.steps // 10)

    def progress(step: int, steps: int, _preview: object) -> None:
        if step % every == 0 or step == steps:
            echo(f"  step {step} / {steps}")

    maximized = maximize(network, goal, settings, store=FeatureStore(), on_progress=progress)
    result = to_result(maximized)
    shown = ", ".join(f"{p.label} {p.probability:.2f}" for p in result.predictions[:3])
    echo(
        f"{goal.shown} on {network.weights.identity.label}; facet 1 is taken for: {shown or 'n/a'}"
    )
    for start, value in zip(maximized.starts, maximized.values, strict=True):
        echo(f"  {start}: {value:.3f}")
    if output is None:
        return
    for picture, path in zip(result.maps, (output, _beside(output, "top")), strict=False):
        if path.suffix == ".npy":
            np.save(path, picture.values)
        else:
            path.write_bytes(figure_png(picture))
        echo(f"wrote {path}: {picture.title}")


def _beside(output: Path, what: str) -> Path:
    """``OUT-top.png`` beside ``OUT.png``: the collection's top images."""
    return output.with_name(f"{output.stem}-{what}{output.suffix}")
