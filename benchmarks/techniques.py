"""Techniques: each one's cost on the 1024x768 benchmark image, against one forward pass.

The shapes network (trained by classroom, shipped weights: no download) explains the
benchmark picture with every registered technique; each technique's time is paired with a
forward pass (class scores) of the same network on the same batch, timed right before or
after it in the same process (A-B, B-A), and reported as the median ratio. Occlusion is
measured with a 128-pixel patch at stride 64 (165 positions) so that a run stays short on
two shared cores; its figure is also given against N single forward passes, which says what
batching buys. The predictions every result carries (one more forward pass) are included.

Run alone: ``.venv/bin/python -m benchmarks --only techniques``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Spec
from benchmarks.workload import IMAGE_NOTE, write_bench_image
from classroom.techniques import techniques

if TYPE_CHECKING:
    import torch

    from classroom import networks

__all__ = ["SPECS", "measure"]

NETWORK: Final = "shapes"
#: Parameters other than the defaults a technique is measured with.
OPTIONS: Final[dict[str, dict[str, object]]] = {
    "occlusion": {"patch": 128, "stride": 64, "channels": 0},
}
#: Every registered technique (a new one is measured without touching this file).
MEASURED: Final = {entry.name: OPTIONS.get(entry.name, {}) for entry in techniques()}
FORWARD: Final = Spec("technique_forward_s", "  one forward pass, shapes network", "s")
OCCLUSION_POSITIONS: Final = ((1024 - 128) // 64 + 1) * ((768 - 128) // 64 + 1)
OCCLUSION_VS_N: Final = Spec(
    "technique_occlusion_vs_n_forward", f"occlusion / {OCCLUSION_POSITIONS} forward passes", "x"
)
RATIOS: Final = {
    name: Spec(f"technique_{name}_ratio", f"{name} / one forward pass", "x") for name in MEASURED
}
SPECS: Final[tuple[Spec, ...]] = (*RATIOS.values(), OCCLUSION_VS_N, FORWARD)


def _forward(network: networks.LoadedNetwork, batch: torch.Tensor) -> float:
    import torch

    start = time.perf_counter()
    with torch.no_grad():
        network.model(batch)
    return time.perf_counter() - start


def measure(*, repeats: int = 3) -> list[Figure]:
    import tempfile
    from pathlib import Path

    from classroom import images, networks
    from classroom.techniques import TechniqueRequest
    from classroom.techniques.running import compute

    network = networks.build_network(networks.resolve_weights(NETWORK, "trained"))
    with tempfile.TemporaryDirectory() as directory:
        analysis = images.load_analysis_image(write_bench_image(Path(directory)))
    batch = network.family.input_batch(analysis.image, network.weights.mean, network.weights.std)
    reference = (analysis.size[0] // 2, analysis.size[1] // 2)
    _forward(network, batch)  # warm-up
    figures: list[Figure] = []
    forwards: list[float] = []
    for name, options in MEASURED.items():
        request = TechniqueRequest(name, reference=reference, options=options)
        runs = 1 if name == "occlusion" else repeats
        spent, paired = [], []
        for index in range(runs):
            if index % 2:
                paired.append(_forward(network, batch))
            start = time.perf_counter()
            compute(request, network, analysis)
            spent.append(time.perf_counter() - start)
            if not index % 2:
                paired.append(_forward(network, batch))
        forwards += paired
        note = f"{IMAGE_NOTE}; {options or 'defaults'}"
        figures.append(RATIOS[name].ratio_of(spent, paired, note=note))
        if name == "occlusion":
            single = [OCCLUSION_POSITIONS * forward for forward in paired]
            figures.append(OCCLUSION_VS_N.ratio_of(spent, single, note="batched, 64 per pass"))
    figures.append(FORWARD.from_samples(forwards, note=IMAGE_NOTE))
    return figures
