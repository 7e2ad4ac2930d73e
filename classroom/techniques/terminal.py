"""``classroom compute``: one technique on one image, printed, or written as .npy or .png.

For researchers and scripts. Each output map goes to ``OUT`` (the first) and ``OUT-2``, … (the
others, e.g. occlusion's channel maps); ``.npy`` holds the raw float32 values (``H x W`` for
image maps; ``N x h x w`` or ``N x h x w x 3`` for tiles), ``.png`` the coloured figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from classroom.techniques.request import TechniqueRequest

__all__ = ["compute_from_cli", "parse_options"]

SUFFIXES = (".npy", ".png")


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """``["patch=16", "fill=grey"]`` as ``{"patch": 16, "fill": "grey"}`` (numbers as JSON).

    Raises:
        ValueError: for an entry without ``=``.
    """
    options: dict[str, Any] = {}
    for pair in pairs:
        key, equals, text = pair.partition("=")
        if not equals or not key:
            raise ValueError(f"expected NAME=VALUE (e.g. patch=16), found {pair!r}")
        try:
            options[key] = json.loads(text)
        except ValueError:
            options[key] = text
    return options


def _outputs(output: Path, count: int) -> list[Path]:
    return [
        output if index == 0 else output.with_name(f"{output.stem}-{index + 1}{output.suffix}")
        for index in range(count)
    ]


def compute_from_cli(
    request: TechniqueRequest,
    image: Path,
    *,
    model: str,
    weights: str | None,
    max_side: int,
    output: Path | None,
    echo: Callable[[str], None],
) -> None:
    """Compute ``request`` and print or write what it found.

    Raises:
        ValueError: for input people must change (the message says what).
    """
    import numpy as np

    from classroom import images, networks
    from classroom.techniques.figure import figure_png, legend
    from classroom.techniques.running import compute

    if output is not None and output.suffix not in SUFFIXES:
        raise ValueError(f"-o writes .npy (raw values) or .png (the figure), not {output.name}")
    analysis = images.load_analysis_image(image, max_side)
    resolved = networks.resolve_weights(model, weights)
    network = networks.build_network(resolved)

    def progress(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) < 64:
            echo(f"  {done} / {total}")

    result = compute(request, network, analysis, progress=progress)
    if request.technique == "predict" or not result.maps:
        for prediction in result.predictions:
            echo(f"{prediction.label} {prediction.probability:.4f}")
    else:
        shown = ", ".join(f"{p.label} {p.probability:.2f}" for p in result.predictions[:3])
        echo(f"{network.weights.identity.label}; predicted: {shown or 'n/a'}")
    if output is None:
        for item in result.maps:
            echo(f"{item.title}: {tuple(item.values.shape)}, {legend(item)}")
        return
    if not result.maps:
        raise ValueError(f"{request.technique} computes no map to write to {output.name}")
    rgb = np.asarray(analysis.image)
    for item, path in zip(result.maps, _outputs(output, len(result.maps)), strict=True):
        if path.suffix == ".npy":
            np.save(path, item.values)
        else:
            path.write_bytes(figure_png(item, rgb, blend=0.3 if item.values.ndim == 2 else 0.0))
        echo(f"wrote {path}: {item.title}")
