"""The images a network's collection offers as starting points, and the ones a target likes.

The trained networks come with their data (``classroom/trained``): the shapes network with
its held-out shapes (seed 1,000,000, never trained on), the digits network with its held-out
digits. Those are the collection a channel's top images are taken from, and the starting
points of facets (Nguyen et al., "Multifaceted Feature Visualization", 2016, start from the
images that activate a neuron most, so each facet finds another thing the neuron likes).
Networks without a collection start every facet from noise (another seed each).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import torch

from classroom.maximization.objective import Objective

__all__ = ["COLLECTION_SIZE", "TopImages", "collection", "top_images"]

#: How many held-out images the collection holds: enough for every shape at many sizes,
#: angles and colours, few enough to score in a second or two.
COLLECTION_SIZE: Final = 200

UInt8Images = npt.NDArray[np.uint8]


def collection(architecture: str, size: int) -> tuple[UInt8Images, tuple[str, ...]]:
    """The collection of a network as ``(N, size, size, 3)`` uint8 images and their names;
    empty for networks without one."""
    if architecture == "shapes":
        from classroom.trained.data import HELD_OUT_SEED
        from classroom.trained.scenes import shapes_batch
        from classroom.trained.shapes import SHAPE_CLASSES

        batch = shapes_batch(HELD_OUT_SEED, 0, COLLECTION_SIZE, size, size)
        names = tuple(
            f"held-out {index} ({SHAPE_CLASSES[label]})" for index, label in enumerate(batch.labels)
        )
        return batch.images, names
    if architecture == "digits":
        from PIL import Image

        from classroom.trained.digits import digits_split

        split = digits_split()
        images = np.stack(
            [
                np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BILINEAR))
                for image in split.held_out_images[:COLLECTION_SIZE]
            ]
        )
        labels = split.held_out_labels[:COLLECTION_SIZE]
        return images, tuple(f"held-out {i} (digit {label})" for i, label in enumerate(labels))
    return np.zeros((0, size, size, 3), dtype=np.uint8), ()


class TopImages:
    """A collection's images ordered by how much they activate a target, most first."""

    def __init__(
        self, images: UInt8Images, names: tuple[str, ...], values: npt.NDArray[np.float32]
    ) -> None:
        order = np.argsort(-values, kind="stable")
        self.images = images[order]
        self.names = tuple(names[i] for i in order)
        self.values = values[order]

    def __len__(self) -> int:
        return len(self.names)


def top_images(architecture: str, size: int, target: Objective, batch: int = 50) -> TopImages:
    """Every image of the collection, scored by ``target`` (no gradient) and ordered."""
    images, names = collection(architecture, size)
    values = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            pixels = torch.from_numpy(images[start : start + batch]).permute(0, 3, 1, 2)
            values.append(target(pixels.float() / 255.0).float().numpy())
    scores = np.concatenate(values) if values else np.zeros(0, dtype=np.float32)
    return TopImages(images, names, scores.astype(np.float32))
