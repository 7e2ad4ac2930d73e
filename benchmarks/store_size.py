"""Store size at 8 and 16 bit against float32, and the similarity error that saves.

The benchmark image is prepared at 8, 16 and 32 bit by ``classroom.preparation.prepare``
(ResNet-101, untrained; conv2_x, conv3_x, conv4_x) and read back from the store. Sizes are
the files on disk, summed over the three layers. Errors compare the angular similarity the
view shows (computed on the stored codes, as the shader does) with the same similarity on the
float32 maps, in float64: conv4_x over all pairs of cells, conv2_x and conv3_x over all cells
for 512 reference cells sampled at random (all pairs would be 2.4 billion for conv2_x).

Run alone: ``.venv/bin/python -m benchmarks --only store``.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from benchmarks.figures import Figure, Spec
from benchmarks.workload import IMAGE_NOTE, bench_request, write_bench_image

if TYPE_CHECKING:
    from classroom.encoding import Precision
    from classroom.preparation import PreparedImage

__all__ = ["SPECS", "angular_similarities", "measure"]

BYTES_8: Final = Spec("bytes_ratio_8bit", "store size 8 bit / float32", "x")
BYTES_16: Final = Spec("bytes_ratio_16bit", "store size 16 bit / float32", "x")
ERROR_8: Final = Spec("similarity_max_err_8bit", "worst similarity error, 8 bit")
ERROR_16: Final = Spec("similarity_max_err_16bit", "worst similarity error, 16 bit")
SPECS: Final[tuple[Spec, ...]] = (BYTES_8, BYTES_16, ERROR_8, ERROR_16)

#: Layers with more cells than this get sampled reference cells instead of all pairs.
ALL_PAIRS_UP_TO: Final = 4096
SAMPLED_REFERENCES: Final = 512
_CHUNK: Final = 256


def angular_similarities(
    vectors: npt.NDArray[np.float64], references: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]:
    """``1 - angle / (pi/2)`` of every vector (rows of ``vectors``) to each reference row.

    The batched form of :func:`classroom.similarity.angular_similarity` (same maths, zero
    vectors give 0); returns ``(len(references), len(vectors))``.
    """
    norms = np.linalg.norm(vectors, axis=1)
    units = np.divide(vectors, norms[:, None], out=np.zeros_like(vectors), where=norms[:, None] > 0)
    cosine = np.clip(units[references] @ units.T, -1.0, 1.0)
    similarity: npt.NDArray[np.float64] = 1.0 - np.arccos(cosine) / (math.pi / 2)
    similarity[:, norms == 0] = 0.0
    similarity[norms[references] == 0, :] = 0.0
    return similarity


def _cell_vectors(prepared: PreparedImage, layer: str) -> npt.NDArray[np.float64]:
    """``(cells, D)`` float64 vectors of the stored codes (what the shader multiplies)."""
    vectors = prepared.layers[layer].encoded().code_vectors()
    return vectors.reshape(-1, vectors.shape[-1])


def _max_error(
    exact: npt.NDArray[np.float64],
    approximate: npt.NDArray[np.float64],
    references: npt.NDArray[np.intp],
) -> float:
    worst = 0.0
    for start in range(0, len(references), _CHUNK):
        chunk = references[start : start + _CHUNK]
        difference = angular_similarities(approximate, chunk) - angular_similarities(exact, chunk)
        worst = max(worst, float(np.abs(difference).max()))
    return worst


def _check_against_oracle(vectors: npt.NDArray[np.float64], reference: int) -> None:
    """The batched maths must agree with the numpy reference of the browser's maths."""
    from classroom.similarity import angular_similarity

    batched = angular_similarities(vectors, np.array([reference]))[0]
    oracle = angular_similarity(vectors, vectors[reference])
    if not np.allclose(batched, oracle, atol=1e-9):
        raise AssertionError("the batched similarity disagrees with classroom.similarity")


def measure(*, sampled_references: int = SAMPLED_REFERENCES, seed: int = 0) -> list[Figure]:
    from classroom.preparation import load_prepared, prepare
    from classroom.store import FeatureStore

    precisions: tuple[Precision, ...] = (8, 16, 32)
    with tempfile.TemporaryDirectory(prefix="classroom-bench-store-") as temporary:
        root = Path(temporary)
        store = FeatureStore(root / "store")
        base = bench_request(write_bench_image(root))
        requests = {bits: dataclasses.replace(base, precision=bits) for bits in precisions}
        report = prepare(list(requests.values()), store, untrained=True)
        if not report.ok:
            raise RuntimeError(f"preparation failed: {report.failures[0].error}")
        prepared: dict[int, PreparedImage] = {}
        for bits, request in requests.items():
            loaded = load_prepared(request, store, untrained=True)
            if loaded is None:
                raise RuntimeError(f"the {bits}-bit entries are not in the store after prepare")
            prepared[bits] = loaded
        sizes = {
            bits: sum(layer.path.stat().st_size for layer in image.layers.values())
            for bits, image in prepared.items()
        }
        generator = np.random.default_rng(seed)
        errors: dict[int, dict[str, float]] = {8: {}, 16: {}}
        counts: dict[str, int] = {}
        for layer in base.layers:
            exact = _cell_vectors(prepared[32], layer)
            cells = len(exact)
            if cells <= ALL_PAIRS_UP_TO:
                references = np.arange(cells)
            else:
                references = np.sort(
                    generator.choice(cells, size=min(sampled_references, cells), replace=False)
                )
            counts[layer] = len(references) * cells
            _check_against_oracle(exact, int(references[0]))
            for precision, per_layer in errors.items():
                approximate = _cell_vectors(prepared[precision], layer)
                per_layer[layer] = _max_error(exact, approximate, references)

    size_note = (
        f"files on disk (header, codes, per-pixel scales), conv2_x+conv3_x+conv4_x of ResNet-101 "
        f"(untrained) on {IMAGE_NOTE}: {sizes[8]:,} / {sizes[16]:,} / {sizes[32]:,} bytes "
        "at 8 / 16 / 32 bit"
    )
    pairs = ", ".join(f"{layer} {count:,}" for layer, count in counts.items())

    def error_note(bits: int) -> str:
        per_layer = ", ".join(f"{layer} {value:.2e}" for layer, value in errors[bits].items())
        return (
            f"max |s({bits} bit codes) - s(float32)| over (reference, cell) pairs: {pairs} "
            f"(conv4_x all pairs; conv2_x, conv3_x {sampled_references} sampled references "
            f"each, all cells); per layer: {per_layer}"
        )

    return [
        BYTES_8.measured(sizes[8] / sizes[32], note=size_note),
        BYTES_16.measured(sizes[16] / sizes[32]),
        ERROR_8.measured(max(errors[8].values()), n=sum(counts.values()), note=error_note(8)),
        ERROR_16.measured(max(errors[16].values()), n=sum(counts.values()), note=error_note(16)),
    ]
