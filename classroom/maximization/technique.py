"""Activation maximization as a technique: run (or reuse from the store), and hand on a
:class:`~classroom.techniques.TechniqueResult`.

A result is kept in the store under :func:`~classroom.maximization.settings.cache_key`
(network, weights, target, regularizers, seed, steps) as an ``.npz`` written atomically by the
store; reading validates it (arrays, dtypes, shapes, the key inside), and a damaged file is
reported, removed and computed again, as for feature files.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from classroom.maximization.settings import Settings, cache_key
from classroom.maximization.targets import Target
from classroom.networks import LoadedNetwork
from classroom.store import FeatureStore
from classroom.techniques import Prediction, TechniqueMap, TechniqueResult

if TYPE_CHECKING:
    from classroom.maximization.ascent import Progress

__all__ = ["Maximized", "maximize", "read_cached", "to_result"]


@dataclass(frozen=True)
class Maximized:
    """What is cached of a run: the facets' images and values, and where each started."""

    key: str
    target: Target
    images: npt.NDArray[np.float32]
    values: npt.NDArray[np.float32]
    starts: tuple[str, ...]
    predictions: tuple[Prediction, ...] = ()


def _encode(result: Maximized) -> bytes:
    about = {
        "key": result.key,
        "target": result.target.spec,
        "starts": list(result.starts),
        "predictions": [[p.label, p.probability] for p in result.predictions],
    }
    buffer = io.BytesIO()
    np.savez(
        buffer,
        images=(result.images * 255).round().astype(np.uint8),
        values=result.values.astype(np.float32),
        about=np.frombuffer(json.dumps(about).encode("utf-8"), dtype=np.uint8),
    )
    return buffer.getvalue()


def _decode(data: bytes, key: str, target: Target) -> Maximized:
    """The cached result, or ``ValueError`` saying what is wrong with the file."""
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        images, values, about_bytes = arrays["images"], arrays["values"], arrays["about"]
    about = json.loads(about_bytes.tobytes().decode("utf-8"))
    if about.get("key") != key or about.get("target") != target.spec:
        raise ValueError("it belongs to another key or target")
    starts = tuple(str(name) for name in about["starts"])
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"its images are {images.shape} {images.dtype}, not (N, H, W, 3) uint8")
    if values.shape != (len(images),) or len(starts) != len(images):
        raise ValueError("it has not one value and one start per image")
    predictions = tuple(Prediction(str(label), float(p)) for label, p in about["predictions"])
    pixels = images.astype(np.float32) / 255
    return Maximized(key, target, pixels, values.astype(np.float32), starts, predictions)


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
    from classroom.maximization.objective import class_names

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
        _top5(network, generated.images[:1], class_names(network)),
    )
    if store is not None:
        store.write_generated(key, _encode(result))
    return result


def _top5(
    network: LoadedNetwork, images: npt.NDArray[np.float32], classes: tuple[str, ...]
) -> tuple[Prediction, ...]:
    """The network's top-5 for the first facet (what it takes the image for)."""
    import torch

    if not classes:
        return ()
    mean = torch.tensor(network.weights.mean).view(1, 3, 1, 1)
    std = torch.tensor(network.weights.std).view(1, 3, 1, 1)
    with torch.no_grad():
        batch = (torch.from_numpy(images).permute(0, 3, 1, 2) - mean) / std
        probabilities = network.model(batch).softmax(dim=1)[0]
    best = probabilities.topk(min(5, len(classes)))
    return tuple(
        Prediction(classes[int(i)], float(p))
        for p, i in zip(best.values, best.indices, strict=True)
    )


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
    return TechniqueResult((picture,), result.predictions)
