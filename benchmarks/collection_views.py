"""Collections (issue 14): vectors per image, maps and neighbours, as ratios in one run.

* vectors: :func:`classroom.collections.vectors.layer_vectors` for every layer of the digits
  network on 300 held-out digits (the bundled lesson's collection; batches, copies, the store's
  atomic writes), against the bare batched forward pass over the same images;
* maps: t-SNE (openTSNE) and UMAP (umap-learn) of the last layer's 300 digit vectors and 250
  shape vectors, each against PCA of the same vectors (UMAP's first call compiles with numba:
  it is warmed up first, as the app's process would be after its first map);
* workers: the forward passes of 256 shapes (96 px, all four layers of the shapes network)
  through :func:`classroom.collections.workers.forward_maps` on one worker with one torch
  thread (one core), one worker with torch's own threads (the app's way) and two workers with
  one torch thread each: images per second, and the speed-ups from the second core;
* neighbours: 10 nearest of 10,000 vectors of 1,024 dimensions (cosine, scikit-learn brute
  force, as the views use) against the same with plain numpy (normalise, matrix product,
  ``argpartition``).

Each ratio is the median of pairs measured back to back. Run alone:
``.venv/bin/python -m benchmarks --only collections``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np

from benchmarks.figures import Figure, Spec
from benchmarks.noise import OthersMeter

__all__ = ["SPECS", "measure"]

VECTORS: Final = Spec("collection_vectors_ratio", "collection vectors / bare forward", "x")
VECTOR_MS: Final = Spec("collection_vectors_ms_per_image", "collection vectors per image", "ms")
TSNE_DIGITS: Final = Spec("tsne_300_digits_vs_pca", "t-SNE / PCA, 300 digits", "x")
UMAP_DIGITS: Final = Spec("umap_300_digits_vs_pca", "UMAP / PCA, 300 digits", "x")
TSNE_SHAPES: Final = Spec("tsne_250_shapes_vs_pca", "t-SNE / PCA, 250 shapes", "x")
UMAP_SHAPES: Final = Spec("umap_250_shapes_vs_pca", "UMAP / PCA, 250 shapes", "x")
TSNE_SECONDS: Final = Spec("tsne_300_digits_s", "t-SNE of 300 digits", "s")
IMAGES_PER_S: Final = Spec(
    "collection_images_per_s", "collection vectors, images per second (digits)", "/s"
)
ONE_CORE_PER_S: Final = Spec(
    "collection_shapes_per_s_one_core", "shapes prepared per second, 1 worker, 1 thread", "/s"
)
TWO_WORKERS: Final = Spec(
    "collection_two_workers_speedup", "2 workers / 1 worker on one core (speed-up)", "x"
)
TWO_WORKERS_VS_TORCH: Final = Spec(
    "collection_two_workers_vs_torch_threads",
    "2 workers over 1 with torch's threads (speed-up)",
    "x",
)
KNN: Final = Spec("knn_10k_1024_vs_numpy", "kNN 10,000 x 1,024 / numpy", "x")
SPECS: Final[tuple[Spec, ...]] = (
    VECTORS,
    VECTOR_MS,
    TSNE_DIGITS,
    UMAP_DIGITS,
    TSNE_SHAPES,
    UMAP_SHAPES,
    TSNE_SECONDS,
    IMAGES_PER_S,
    ONE_CORE_PER_S,
    TWO_WORKERS,
    TWO_WORKERS_VS_TORCH,
    KNN,
)


def _seconds(work: Callable[..., object], *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - started


def _vectors(repeats: int) -> list[Figure]:
    import torch

    from classroom.collections.cache import ArrayCache
    from classroom.collections.sources import digits_collection
    from classroom.collections.vectors import layer_vectors, load_network
    from classroom.store import FeatureStore
    from classroom.trained.data import to_input

    collection = digits_collection(300)
    layers = ["block1", "block2", "block3"]
    network = load_network("digits", "trained")

    def bare() -> None:
        with torch.inference_mode():
            for start in range(0, len(collection), 64):
                network.feature_maps(
                    to_input(np.array(collection.images[start : start + 64]), network.spec)
                )

    ours, theirs = [], []
    bare()  # warm-up: first convolutions allocate
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as root:
            cache = ArrayCache(FeatureStore(Path(root)))
            ours.append(
                _seconds(layer_vectors, collection, "digits", "trained", layers, cache=cache)
            )
        theirs.append(_seconds(bare))
    per_image = [1000 * seconds / len(collection) for seconds in ours]
    note = "300 held-out digits, all three layers, written to an empty store each time"
    return [
        VECTORS.ratio_of(ours, theirs, note=note),
        VECTOR_MS.from_samples(per_image),
        IMAGES_PER_S.from_samples([len(collection) / seconds for seconds in ours]),
    ]


def _workers(repeats: int) -> list[Figure]:
    import torch

    from classroom.collections.sources import shapes_collection
    from classroom.collections.vectors import load_network
    from classroom.collections.workers import forward_maps

    collection = shapes_collection(256)
    layers = ["block1", "block2", "block3", "block4"]
    network = load_network("shapes", "trained")
    threads = torch.get_num_threads()

    def run(workers: int, torch_threads: int) -> float:
        torch.set_num_threads(torch_threads)
        try:
            return _seconds(
                forward_maps, network, collection.images, layers, lambda *_: None, workers=workers
            )
        finally:
            torch.set_num_threads(threads)

    run(2, 1)  # warm-up: first convolutions allocate
    # A second core only helps if nobody else is using it: rounds during which other
    # processes kept more than a quarter of a core busy are repeated (at most 5x repeats).
    rounds: list[tuple[float, float, float]] = []
    quiet: list[tuple[float, float, float]] = []
    while len(quiet) < repeats and len(rounds) < 5 * repeats:
        with OthersMeter() as others:
            measured = (run(1, 1), run(1, threads), run(2, 1))
        rounds.append(measured)
        if others.quiet:
            quiet.append(measured)
    kept = quiet if len(quiet) >= min(3, repeats) else rounds
    one_core, own_threads, two = ([r[i] for r in kept] for i in range(3))
    note = (
        f"256 shapes, 96 px, four layers; torch's own threads: {threads}; "
        f"{len(quiet)} of {len(rounds)} rounds undisturbed"
        + ("" if kept is quiet else " (too few: all rounds count)")
    )
    return [
        ONE_CORE_PER_S.from_samples([len(collection) / s for s in one_core], note=note),
        TWO_WORKERS.ratio_of(one_core, two),
        TWO_WORKERS_VS_TORCH.ratio_of(own_threads, two),
    ]


def _maps(repeats: int) -> list[Figure]:
    from classroom.collections.cache import ArrayCache
    from classroom.collections.embedding import embed
    from classroom.collections.sources import digits_collection, shapes_collection
    from classroom.collections.vectors import layer_vectors
    from classroom.store import FeatureStore

    figures = []
    with tempfile.TemporaryDirectory() as root:
        cache = ArrayCache(FeatureStore(Path(root)))
        sets = {
            "digits": layer_vectors(
                digits_collection(300), "digits", "trained", ["block3"], cache=cache
            )["block3"].pooled,
            "shapes": layer_vectors(
                shapes_collection(250), "shapes", "trained", ["block4"], cache=cache
            )["block4"].pooled,
        }
    embed(sets["digits"][:50], "umap")  # numba compiles UMAP once per process
    specs = {"digits": (TSNE_DIGITS, UMAP_DIGITS), "shapes": (TSNE_SHAPES, UMAP_SHAPES)}
    for name, vectors in sets.items():
        pca, tsne, umap = [], [], []
        for _ in range(repeats):
            pca.append(_seconds(embed, vectors, "pca"))
            tsne.append(_seconds(embed, vectors, "tsne"))
            umap.append(_seconds(embed, vectors, "umap"))
        tsne_spec, umap_spec = specs[name]
        figures += [tsne_spec.ratio_of(tsne, pca), umap_spec.ratio_of(umap, pca)]
        if name == "digits":
            figures.append(TSNE_SECONDS.from_samples(tsne, note="for orientation only"))
    return figures


def _knn(repeats: int) -> list[Figure]:
    from classroom.collections.neighbours import nearest_neighbours

    rng = np.random.default_rng(0)
    vectors = rng.random((10_000, 1024), dtype=np.float32)
    queries = rng.integers(0, len(vectors), repeats * 4)

    def numpy_knn(query: int) -> np.ndarray:
        units = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        scores = units @ units[query]
        best = np.argpartition(-scores, 10)[:10]
        return best[np.argsort(-scores[best])]

    nearest_neighbours(vectors, vectors[0], 10)  # warm-up: scikit-learn's first call imports
    numpy_knn(0)
    ours = [_seconds(nearest_neighbours, vectors, vectors[q], 10) for q in queries]
    theirs = [_seconds(numpy_knn, int(q)) for q in queries]
    return [KNN.ratio_of(ours, theirs, note="one query at a time, cosine")]


def measure(repeats: int = 3) -> list[Figure]:
    """Every figure of :data:`SPECS`."""
    return [*_vectors(repeats), *_workers(repeats), *_maps(repeats), *_knn(repeats)]
