"""k nearest neighbours of images (or cells) in a layer's feature space, and in pixel space.

The lecture's "kNN in feature space": the images closest to a query in the last layer look
alike to the network (same digit, same shape), while the closest in raw pixels merely share
where the ink or the colour is. The default metric is the similarity view's: cosine (its
angular similarity orders neighbours the same way). scikit-learn's ``NearestNeighbors`` does
the search (brute force, exact).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["METRICS", "Metric", "label_agreement", "nearest_neighbours", "neighbour_table"]

Metric = Literal["cosine", "euclidean"]
METRICS: Final[tuple[Metric, ...]] = ("cosine", "euclidean")
IndexArray = npt.NDArray[np.int64]


def neighbour_table(
    vectors: npt.ArrayLike, k: int, metric: Metric = "cosine"
) -> tuple[IndexArray, npt.NDArray[np.float64]]:
    """Each row's ``k`` nearest other rows: ``(N, k)`` indices and distances, nearest first.

    A row is never its own neighbour (duplicates of it may be).
    """
    from sklearn.neighbors import NearestNeighbors

    data = np.asarray(vectors, dtype=np.float32).reshape(np.shape(vectors)[0], -1)
    if not 1 <= k < len(data):
        raise ValueError(f"k must be between 1 and {len(data) - 1} for {len(data)} vectors")
    search = NearestNeighbors(n_neighbors=k + 1, metric=metric, algorithm="brute").fit(data)
    distances, indices = search.kneighbors(data)
    rows = np.arange(len(data))
    # Drop each row itself (usually first, but ties may put an identical twin first).
    keep = indices != rows[:, None]
    keep[keep.sum(axis=1) > k, -1] = False
    table = indices[keep].reshape(len(data), k).astype(np.int64)
    return table, distances[keep].reshape(len(data), k)


def nearest_neighbours(
    vectors: npt.ArrayLike, query: npt.ArrayLike, k: int, metric: Metric = "cosine"
) -> tuple[IndexArray, npt.NDArray[np.float64]]:
    """The ``k`` rows of ``vectors`` nearest to the vector ``query``: indices and distances."""
    from sklearn.neighbors import NearestNeighbors

    data = np.asarray(vectors, dtype=np.float32).reshape(np.shape(vectors)[0], -1)
    point = np.asarray(query, dtype=np.float32).reshape(1, -1)
    k = min(k, len(data))
    search = NearestNeighbors(n_neighbors=k, metric=metric, algorithm="brute").fit(data)
    distances, indices = search.kneighbors(point)
    return indices[0].astype(np.int64), distances[0]


def label_agreement(table: IndexArray, labels: npt.ArrayLike) -> float:
    """The share of all neighbours in ``table`` whose label is their query's (0..1)."""
    classes = np.asarray(labels)
    return float(np.mean(classes[table] == classes[:, None]))
