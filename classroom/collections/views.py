"""What a collection view shows, computed and kept per collection: the app's one entry point.

:class:`CollectionData` holds one collection of a network's images and answers what each view
asks (vectors, 2-D maps, neighbours, a selection's averages, top patches, a measured property),
computing each once per process (and each costly array once per store). The app composes its
answers into widgets and does no maths itself.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from classroom.collections.cache import ArrayCache
from classroom.collections.embedding import Method, embedding
from classroom.collections.neighbours import nearest_neighbours
from classroom.collections.patches import Patch, top_patches
from classroom.collections.properties import PROPERTIES, tracking_channel
from classroom.collections.selection import AverageGrid, average_grid, average_input
from classroom.collections.sources import Collection
from classroom.collections.vectors import LayerVectors, Progress, layer_vectors, pixel_vectors

__all__ = ["CollectionData", "Neighbours"]


@dataclass(frozen=True)
class Neighbours:
    """A query's nearest images in one space: their indices, and how many share its label."""

    space: str
    images: npt.NDArray[np.int64]
    same_label: int


@dataclass
class CollectionData:
    """One collection seen by one network (``digits`` or ``shapes``)."""

    collection: Collection
    model: str
    cache: ArrayCache
    _vectors: dict[tuple[str, str], LayerVectors] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> tuple[int, int]:
        """The images' ``(width, height)``."""
        return (int(self.collection.images.shape[2]), int(self.collection.images.shape[1]))

    def prepare(
        self, weights: str, layers: Sequence[str], progress: Progress | None = None
    ) -> None:
        """Compute (or read from the store) the vectors of ``layers`` with ``weights``."""
        with self._lock:
            missing = [name for name in layers if (weights, name) not in self._vectors]
            if missing:
                found = layer_vectors(
                    self.collection,
                    self.model,
                    weights,
                    missing,
                    cache=self.cache,
                    progress=progress,
                )
                for name, vectors in found.items():
                    self._vectors[(weights, name)] = vectors

    def vectors(self, weights: str, layer: str) -> LayerVectors:
        self.prepare(weights, [layer])
        return self._vectors[(weights, layer)]

    def about(self, weights: str, layer: str) -> tuple[str, ...]:
        return (self.collection.identity, self.model, weights, layer)

    def map(self, weights: str, layer: str, method: Method) -> npt.NDArray[np.float32]:
        """The layer's pooled vectors in 2-D."""
        pooled = self.vectors(weights, layer).pooled
        return embedding(pooled, method, self.about(weights, layer), cache=self.cache)

    def _counted(self, space: str, found: npt.NDArray[np.int64], query: int) -> Neighbours:
        labels = self.collection.labels
        same = int(np.sum(labels[found] == labels[query]))
        return Neighbours(space, found, same)

    def neighbours(self, weights: str, layer: str, query: int, k: int) -> Neighbours:
        """The ``k`` images nearest to image ``query`` in the layer (cosine), itself excluded."""
        pooled = self.vectors(weights, layer).pooled
        found, _ = nearest_neighbours(pooled, pooled[query], k + 1)
        return self._counted(f"{layer} · {weights}", found[found != query][:k], query)

    def pixel_neighbours(self, query: int, k: int) -> Neighbours:
        """The same in raw pixel space."""
        pixels = pixel_vectors(self.collection)
        found, _ = nearest_neighbours(pixels, pixels[query], k + 1)
        return self._counted("pixels", found[found != query][:k], query)

    def average_input(self, images: Sequence[int]) -> npt.NDArray[np.uint8]:
        return average_input(self.collection.images, images)

    def average(self, weights: str, layer: str, images: Sequence[int]) -> AverageGrid:
        """The selection's average activation grid of ``layer``: its mosaic and its strongest
        channels (:class:`~classroom.collections.selection.AverageGrid`), from one mean."""
        return AverageGrid(average_grid(self.vectors(weights, layer).cells, images))

    def members(self, classes: Sequence[str] | None) -> npt.NDArray[np.int64]:
        """The images of ``classes`` (all images when None)."""
        if not classes:
            return np.arange(len(self.collection), dtype=np.int64)
        wanted = [self.collection.class_names.index(name) for name in classes]
        return np.flatnonzero(np.isin(self.collection.labels, wanted)).astype(np.int64)

    def patches(
        self, weights: str, layer: str, channel: int, among: Sequence[int], count: int = 12
    ) -> list[Patch]:
        """The top patches of ``channel`` among images ``among`` (indices of the collection)."""
        from classroom.networks import registry

        chosen = np.asarray(among, dtype=np.int64)
        cells = self.vectors(weights, layer).cells[chosen]
        spec = registry.architecture(self.model).layer(layer)
        found = top_patches(cells, spec, channel, self.size, count)
        return [Patch(int(chosen[p.image]), p.row, p.column, p.value, p.box) for p in found]

    def cell_similarity(
        self, weights: str, layer: str, image: int, row: int, column: int
    ) -> npt.NDArray[np.float64]:
        """Every cell of every image against one reference cell: ``(N, h, w)`` angular
        similarity (:func:`classroom.similarity.angular_similarity`, the view's maths), so one
        cell of one image lights up the cells like it in all images."""
        from classroom.similarity import angular_similarity

        cells = self.vectors(weights, layer).cells
        flat = cells.reshape(-1, cells.shape[-1])
        similarity = angular_similarity(flat, cells[image, row, column])
        return np.asarray(similarity, dtype=np.float64).reshape(cells.shape[:3])

    def similar_cells(
        self, weights: str, layer: str, image: int, cell: tuple[int, int], count: int = 8
    ) -> list[Patch]:
        """The ``count`` other images with the cell most like ``cell`` (row, column) of
        ``image``, one per image, with its receptive field."""
        from classroom.networks import registry

        maps = self.cell_similarity(weights, layer, image, *cell)
        maps[image] = -np.inf  # the query's own cells are not its neighbours
        spec = registry.architecture(self.model).layer(layer)
        return top_patches(maps[..., None], spec, 0, self.size, count)

    def measured(self, name: str) -> npt.NDArray[np.float64]:
        """A property of every image measured from its pixels (``slant``, ``ink``)."""
        return PROPERTIES[name](self.collection.images)

    def tracking(
        self, weights: str, layer: str, name: str, among: Sequence[int]
    ) -> tuple[int, float]:
        """The layer's channel whose pooled value follows property ``name`` most closely among
        images ``among``, and Pearson's r."""
        return tracking_channel(self.vectors(weights, layer).pooled, self.measured(name), among)
