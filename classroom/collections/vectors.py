"""A collection's vectors in a layer: one pooled vector per image and one vector per cell.

Seein' In plots each image as one point per layer (its feature vector) and, for structured
maps, each cell as a point whose receptive field is a patch of the image. Here both come from
one batched forward pass of the network classroom trains itself (``digits`` or ``shapes``,
with its shipped ``trained`` weights, the seeded ``untrained`` ones, or a checkpoint of your
own: a state dict file of the same network, e.g. fine-tuned): the per-cell vectors
are the layer's ``(h, w, D)`` map of each image, the pooled vector their average over the cells
(global average pooling, what the classifier reads after the last block). Each layer's arrays
are cached in the store (:class:`~classroom.collections.cache.ArrayCache`) under the
collection's identity, the network, the weights' identity and the layer.

Torch is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from classroom.collections.cache import ArrayCache, cache_key
from classroom.collections.sources import Collection

if TYPE_CHECKING:
    from classroom.trained.architectures import TrainedCNN

__all__ = [
    "TRAINED_WEIGHTS",
    "UNTRAINED_WEIGHTS",
    "WEIGHTS_CHOICES",
    "ForwardPass",
    "LayerVectors",
    "Progress",
    "layer_vectors",
    "load_network",
    "pixel_vectors",
    "weights_identity",
]

TRAINED_WEIGHTS: Final = "trained"
UNTRAINED_WEIGHTS: Final = "untrained"
WEIGHTS_CHOICES: Final = (TRAINED_WEIGHTS, UNTRAINED_WEIGHTS)
#: ``progress(done, total)``, called after each batch (the app shows a bar and an ETA).
Progress = Callable[[int, int], None]
Float32Array = npt.NDArray[np.float32]
#: ``forward(images, model, weights, layers, progress)`` → each layer's ``(N, h, w, D)`` maps:
#: how the layers not yet cached are computed. In this process by default; ``classroom prepare
#: --ray`` runs the same per-chunk function on a Ray cluster (classroom/preparation/on_ray.py).
ForwardPass = Callable[
    [npt.NDArray[np.uint8], str, str, Sequence[str], Progress], dict[str, Float32Array]
]


@dataclass(frozen=True)
class LayerVectors:
    """A collection's vectors in one layer.

    Attributes:
        layer: the layer's name.
        cells: ``(N, h, w, D)``: each image's map, one ``D``-vector per cell.
        pooled: ``(N, D)``: each image's cells averaged.
    """

    layer: str
    cells: Float32Array

    @property
    def pooled(self) -> Float32Array:
        pooled: Float32Array = self.cells.mean(axis=(1, 2), dtype=np.float32)
        return pooled

    @property
    def channels(self) -> int:
        return int(self.cells.shape[-1])


def _checkpoint(weights: str) -> Path:
    """A checkpoint's path, or ValueError naming the choices when ``weights`` is no name."""
    from classroom.networks.choice import is_weights_file

    if not is_weights_file(weights):
        raise ValueError(
            f"weights must be one of {', '.join(WEIGHTS_CHOICES)} or a checkpoint file, "
            f"not {weights!r}"
        )
    return Path(weights)


def weights_identity(model: str, weights: str) -> str:
    """What the cache keys name the weights by: the shipped file's SHA-256, the seed, or a
    checkpoint's own SHA-256 (a checkpoint changed on disk is a new set of vectors).

    Raises:
        TrainedWeightsError: a checkpoint file cannot be read (naming it).
    """
    from classroom.hashing import file_sha256
    from classroom.trained.weights import TrainedWeightsError, load_recipe, shipped_weights_path

    if weights == UNTRAINED_WEIGHTS:
        return "untrained:seed0"
    if weights == TRAINED_WEIGHTS:
        return str(load_recipe(shipped_weights_path(model))["weights"]["sha256"])
    path = _checkpoint(weights)
    try:
        return f"checkpoint:{file_sha256(path)}"
    except OSError as error:
        raise TrainedWeightsError(f"{path}: cannot be read ({error.strerror or error})") from None


def load_network(model: str, weights: str) -> TrainedCNN:
    """The ``digits`` or ``shapes`` network with its ``trained`` or ``untrained`` weights, or
    a checkpoint of its weights of your own (a fine-tuned state dict).

    Raises:
        TrainedWeightsError: a checkpoint does not load or does not fit the network (naming
            the file and what does not fit).
    """
    from classroom.trained.architectures import untrained_network
    from classroom.trained.weights import load_trained

    if weights == UNTRAINED_WEIGHTS:
        return untrained_network(model, seed=0)
    if weights == TRAINED_WEIGHTS:
        return load_trained(model)
    return load_trained(model, _checkpoint(weights), verify=False)


def _forward(
    collection: Collection,
    model: str,
    weights: str,
    layers: Sequence[str],
    progress: Progress,
    *,
    workers: int = 1,
) -> dict[str, Float32Array]:
    """Every requested layer's ``(N, h, w, D)`` maps, chunk by chunk (see ``workers.py``)."""
    from classroom.collections.workers import forward_maps

    network = load_network(model, weights)
    return forward_maps(network, collection.images, layers, progress, workers=workers)


def layer_vectors(
    collection: Collection,
    model: str,
    weights: str,
    layers: Sequence[str],
    *,
    cache: ArrayCache | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    forward: ForwardPass | None = None,
) -> dict[str, LayerVectors]:
    """Each of ``layers``' vectors for every image of ``collection`` (cached in the store).

    One forward pass computes every layer not yet cached, on ``workers`` threads
    (:func:`classroom.collections.workers.forward_maps`), or through ``forward`` when given.

    Raises:
        ValueError: for an unknown network, weights or layer (naming the choices).
    """
    from classroom.trained.specs import network_spec

    spec = network_spec(model)
    for name in layers:
        spec.layer(name)  # raises naming the layers
    cache = cache if cache is not None else ArrayCache()
    identity = weights_identity(model, weights)
    keys = {name: cache_key("cells", collection.identity, model, identity, name) for name in layers}
    found: dict[str, Float32Array] = {}
    for name, key in keys.items():
        cached = cache.read(key)
        if cached is not None:
            found[name] = cached.astype(np.float32, copy=False)
    missing = [name for name in layers if name not in found]
    if missing:
        report = progress or (lambda _d, _t: None)
        if forward is not None:
            computed = forward(collection.images, model, weights, missing, report)
        else:
            computed = _forward(collection, model, weights, missing, report, workers=workers)
        for name, maps in computed.items():
            cache.write(keys[name], maps, f"{collection.identity} {model} {weights} {name}")
            found[name] = maps
    elif progress is not None:
        progress(len(collection), len(collection))
    return {name: LayerVectors(name, found[name]) for name in layers}


def pixel_vectors(collection: Collection) -> Float32Array:
    """Each image's pixels as one vector (0..1): the "raw pixel space" of the lecture's kNN."""
    flat: Float32Array = collection.images.reshape(len(collection), -1).astype(np.float32)
    flat /= 255.0
    return flat
