"""Activation maximization as a technique: run (or reuse from the store), and hand on a
:class:`~classroom.techniques.TechniqueResult`.

A result is kept in the store under :func:`~classroom.maximization.settings.cache_key`
(network, weights, target, regularizers, seed, steps) as an ``.npz`` written atomically by the
store; reading validates it (arrays, dtypes, shapes, the key inside), and a damaged file is
reported, removed and computed again, as for feature files.

The result types come from their own module, not from ``classroom.techniques``: that package's
registry calls this module (through the maximize technique), and data flows one way
(``tools/import_cycles.py``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from classroom.maximization.settings import Settings, cache_key
from classroom.maximization.targets import Target
from classroom.networks import LoadedNetwork
from classroom.store import FeatureStore
from classroom.techniques.result import Prediction, TechniqueMap, TechniqueResult

if TYPE_CHECKING:
    from classroom.maximization.ascent import Progress

__all__ = ["TOP_SHOWN", "Maximized", "maximize", "read_cached", "to_result"]

#: How many of the collection's best images a result keeps to show beside the generated ones.
TOP_SHOWN = 6


@dataclass(frozen=True)
class Maximized:
    """What is cached of a run: the facets' images and values, and where each started."""

    key: str
    target: Target
    images: npt.NDArray[np.float32]
    values: npt.NDArray[np.float32]
    starts: tuple[str, ...]
    predictions: tuple[Prediction, ...] = ()
    #: The collection's images that activate the target most (``(K, H, W, 3)`` 0..1), with
    #: their names and values: the real images the result sits next to.
    top_images: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros((0, 1, 1, 3), np.float32)
    )
    top_names: tuple[str, ...] = ()
    top_values: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))


def _encode(result: Maximized) -> bytes:
    about = {
        "key": result.key,
        "target": result.target.spec,
        "starts": list(result.starts),
        "predictions": [[p.label, p.probability] for p in result.predictions],
        "top_names": list(result.top_names),
    }
    buffer = io.BytesIO()
    np.savez(
        buffer,
        images=(result.images * 255).round().astype(np.uint8),
        values=result.values.astype(np.float32),
        top_images=(result.top_images * 255).round().astype(np.uint8),
        top_values=result.top_values.astype(np.float32),
        about=np.frombuffer(json.dumps(about).encode("utf-8"), dtype=np.uint8),
    )
    return buffer.getvalue()


def _decode(data: bytes, key: str, target: Target) -> Maximized:
    """The cached result, or ``ValueError`` saying what is wrong with the file."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        images, values, about_bytes = arrays["images"], arrays["values"], arrays["about"]
        top_images, top_values = arrays["top_images"], arrays["top_values"]
    about = json.loads(about_bytes.tobytes().decode("utf-8"))
    if about.get("key") != key or about.get("target") != target.spec:
        raise ValueError("it belongs to another key or target")
    starts = tuple(str(name) for name in about["starts"])
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"its images are {images.shape} {images.dtype}, not (N, H, W, 3) uint8")
    if values.shape != (len(images),) or len(starts) != len(images):
        raise ValueError("it has not one value and one start per image")
    top_names = tuple(str(name) for name in about["top_names"])
    if top_images.dtype != np.uint8 or not len(top_images) == len(top_names) == len(top_values):
        raise ValueError("its top images do not match their names and values")
    predictions = tuple(Prediction(str(label), float(p)) for label, p in about["predictions"])
    return Maximized(
        key,
        target,
        images.astype(np.float32) / 255,
        values.astype(np.float32),
        starts,
        predictions,
        top_images.astype(np.float32) / 255,
        top_names,
        top_values.astype(np.float32),
    )


def read_cached(store: FeatureStore, key: str, target: Target) -> Maximized | None:
    """The stored result of ``key``, or None when missing or damaged (then removed)."""
    path = store.generated_dir / f"{key}.npz"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        store.discard(path, f"cannot be read ({error.strerror or error})")
        return None
    try:
        return _decode(data, key, target)
    except Exception as error:  # zip, JSON and numpy report damage through many types
        store.discard(path, f"not a valid generated result ({error})")
        return None


def maximize(
    network: LoadedNetwork,
    target: Target,
    settings: Settings,
    *,
    store: FeatureStore | None = None,
    on_progress: Progress | None = None,
) -> Maximized:
    """The cached result for these settings, else gradient ascent (then cached in ``store``).

    This module imports no torch until it computes.
    """
    from classroom.maximization.ascent import generate
    from classroom.techniques.running import class_names_of

    weights = network.weights
    key = cache_key(weights.architecture, weights.identity.weights_id, target, settings)
    if store is not None:
        cached = read_cached(store, key, target)
        if cached is not None:
            return cached
    generated = generate(network, target, settings, on_progress)
    result = Maximized(
        key,
        target,
        generated.images,
        generated.values,
        generated.starts,
        _top5(network, generated.images[:1], class_names_of(weights)),
        (generated.top.images[:TOP_SHOWN] / np.float32(255)).astype(np.float32),
        generated.top.names[:TOP_SHOWN],
        generated.top.values[:TOP_SHOWN],
    )
    if store is not None:
        store.write_generated(key, _encode(result))
    return result


def _top5(
    network: LoadedNetwork, images: npt.NDArray[np.float32], classes: tuple[str, ...]
) -> tuple[Prediction, ...]:
    """The network's top-5 for the first facet (what it takes the image for)."""
    import torch

    from classroom.techniques.tensors import predictions

    if not classes:
        return ()
    mean = torch.tensor(network.weights.mean).view(1, 3, 1, 1)
    std = torch.tensor(network.weights.std).view(1, 3, 1, 1)
    with torch.no_grad():
        logits = network.model((torch.from_numpy(images).permute(0, 3, 1, 2) - mean) / std)
    return predictions(logits, classes)


def to_result(result: Maximized) -> TechniqueResult:
    """The facets as one tiled colour map (``scale="picture"``), with the top-5 of facet 0."""
    tiles = tuple(
        f"{start}: {value:.2f}" for start, value in zip(result.starts, result.values, strict=True)
    )
    picture = TechniqueMap(
        technique="maximize",
        title=f"What {result.target.shown} wants to see",
        meaning=(
            "Images made by gradient ascent so that the target's value is as high as it gets; "
            "each tile is one facet (its starting point and the value reached)."
        ),
        values=np.ascontiguousarray(result.images, dtype=np.float32),
        value_range=(0.0, 1.0),
        scale="picture",
        tile_names=tiles,
    )
    if not result.top_names:
        return TechniqueResult((picture,), result.predictions)
    top = TechniqueMap(
        technique="maximize",
        title=f"The collection's images that activate {result.target.shown} most",
        meaning="Real images, for comparison: the generated image beside what really excites it.",
        values=np.ascontiguousarray(result.top_images, dtype=np.float32),
        value_range=(0.0, 1.0),
        scale="picture",
        tile_names=tuple(
            f"{name}: {value:.2f}"
            for name, value in zip(result.top_names, result.top_values, strict=True)
        ),
    )
    return TechniqueResult((picture, top), result.predictions)
