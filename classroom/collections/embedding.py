"""2-D maps of a layer's vectors: PCA, t-SNE (openTSNE) and UMAP (umap-learn), cached.

PCA shows the directions of most variance (linear, exact, instant). t-SNE (van der Maaten and
Hinton, 2008) keeps each point's neighbours near it, so classes a layer separates appear as
islands; openTSNE's FFT-accelerated implementation (Linderman et al., 2019) is seeded and
deterministic for one thread. UMAP (McInnes et al., 2018) does the same faster on large sets
and keeps more of the global layout. Every map is computed on the vectors standardised per
dimension (so no one channel's scale dominates) and cached in the store.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from classroom.collections.cache import ArrayCache, cache_key

__all__ = ["METHODS", "Method", "class_separation", "embed", "embedding"]

Method = Literal["pca", "tsne", "umap"]
METHODS: Final[tuple[Method, ...]] = ("pca", "tsne", "umap")
EMBEDDING_SEED: Final = 0
Float32Array = npt.NDArray[np.float32]


def _standardised(vectors: npt.ArrayLike) -> npt.NDArray[np.float64]:
    data = np.asarray(vectors, dtype=np.float64).reshape(np.shape(vectors)[0], -1)
    spread = data.std(axis=0)
    spread[spread == 0] = 1.0  # a dead channel (all ReLU zeros) stays zero, not NaN
    standardised: npt.NDArray[np.float64] = (data - data.mean(axis=0)) / spread
    return standardised


def embed(vectors: npt.ArrayLike, method: Method, seed: int = EMBEDDING_SEED) -> Float32Array:
    """``(N, 2)`` coordinates of the ``(N, ...)`` vectors by ``method`` (not cached)."""
    data = _standardised(vectors)
    if len(data) < 5:
        raise ValueError(f"an embedding needs at least 5 points, not {len(data)}")
    if method == "pca":
        from sklearn.decomposition import PCA

        result = PCA(n_components=2, random_state=seed).fit_transform(data)
    elif method == "tsne":
        from openTSNE import TSNE

        perplexity = min(30.0, (len(data) - 1) / 3)
        result = np.asarray(
            TSNE(perplexity=perplexity, random_state=seed, n_jobs=1, verbose=False).fit(data)
        )
    elif method == "umap":
        import umap

        neighbours = min(15, len(data) - 1)
        result = umap.UMAP(n_neighbors=neighbours, random_state=seed, n_jobs=1).fit_transform(data)
    else:
        raise ValueError(f"unknown embedding {method!r}; the methods are {', '.join(METHODS)}")
    coordinates: Float32Array = np.asarray(result, dtype=np.float32)
    return coordinates


def embedding(
    vectors: npt.ArrayLike,
    method: Method,
    about: tuple[str, ...],
    *,
    cache: ArrayCache | None = None,
    seed: int = EMBEDDING_SEED,
) -> Float32Array:
    """:func:`embed`, cached under ``about`` (the collection, network, weights and layer the
    vectors are of: what makes them these vectors)."""
    cache = cache if cache is not None else ArrayCache()
    key = cache_key("embedding", method, seed, *about)
    cached = cache.get_or_compute(key, lambda: embed(vectors, method, seed), " ".join(about))
    return cached.astype(np.float32, copy=False)


def class_separation(coordinates: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """The silhouette of the classes in ``coordinates`` (-1..1: higher, better separated)."""
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(np.asarray(coordinates), np.asarray(labels)))
