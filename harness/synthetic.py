"""Feature maps shaped like real ResNet stage outputs, written into a real store.

ResNet stages end in a ReLU: their maps are non-negative, spatially smooth and sparse. A
smoothed random field, shifted down and clipped at zero, has all three properties, so the
similarity view sees data with the statistics of the real thing (without torch, in
milliseconds). A block of cells is zeroed outright to exercise the zero-vector rule.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from classroom.encoding import Precision, encode
from classroom.store import EntryKey, FeatureStore, LayerInfo, PreparedLayer

__all__ = ["LayerSpec", "prepare_view", "synthetic_features", "synthetic_image"]


@dataclass(frozen=True)
class LayerSpec:
    """One layer to synthesise: its name, stride (image pixels per cell) and depth."""

    name: str
    stride: int
    channels: int


#: The three stages the view shows by default, at ResNet-101's depths.
RESNET101_STAGES = (
    LayerSpec("conv2_x", 4, 256),
    LayerSpec("conv3_x", 8, 512),
    LayerSpec("conv4_x", 16, 1024),
)


def _box_blur(values: npt.NDArray[np.float32], radius: int, axis: int) -> npt.NDArray[np.float32]:
    """A moving average along ``axis`` (edges clamped), via cumulative sums."""
    padded = np.concatenate(
        [
            np.repeat(np.take(values, [0], axis=axis), radius + 1, axis=axis),
            values,
            np.repeat(np.take(values, [-1], axis=axis), radius, axis=axis),
        ],
        axis=axis,
    )
    sums = np.cumsum(padded, axis=axis, dtype=np.float32)
    size = values.shape[axis]
    window = 2 * radius + 1
    upper = np.take(sums, np.arange(window, window + size), axis=axis)
    lower = np.take(sums, np.arange(0, size), axis=axis)
    return ((upper - lower) / np.float32(window)).astype(np.float32)


def synthetic_features(
    height: int,
    width: int,
    channels: int,
    *,
    seed: int,
    sparsity: float = 0.6,
    dead_block: bool = True,
) -> npt.NDArray[np.float32]:
    """An ``(H, W, D)`` non-negative, smooth, sparse feature map (ReLU of a smoothed field).

    With ``dead_block`` the top-left eighth of the grid (each way) is all zeros.
    """
    rng = np.random.default_rng(seed)
    field = rng.standard_normal((height, width, channels), dtype=np.float32)
    radius = max(1, min(height, width) // 12)
    field = _box_blur(_box_blur(field, radius, axis=0), radius, axis=1)
    field /= field.std(axis=(0, 1), keepdims=True) + np.float32(1e-6)
    # Channels differ in how often they fire, as real ones do.
    threshold = np.quantile(field, sparsity, axis=(0, 1), keepdims=True)
    gain = rng.uniform(0.2, 3.0, size=(1, 1, channels)).astype(np.float32)
    features: npt.NDArray[np.float32] = (np.maximum(field - threshold, 0) * gain).astype(np.float32)
    if dead_block:  # cells whose every channel is zero: their similarity must be exactly 0
        features[: max(1, height // 8), : max(1, width // 8), :] = 0
    return features


def synthetic_image(width: int, height: int, *, seed: int) -> bytes:
    """PNG bytes of a colourful test image: gradients plus a few discs."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    rgb = np.stack([x / width, y / height, 0.5 + 0.5 * np.sin(x / 9 + y / 13)], axis=-1)
    for _ in range(6):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.05, 0.2) * min(width, height)
        rgb[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.uniform(0, 1, 3)
    buffer = io.BytesIO()
    Image.fromarray(np.rint(rgb * 255).astype(np.uint8), "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def prepare_view(
    store: FeatureStore,
    *,
    image_width: int,
    image_height: int,
    layers: Sequence[LayerSpec] = RESNET101_STAGES,
    precision: Precision = 8,
    model: str = "resnet101",
    seed: int = 0,
    image_sha256: str | None = None,
    dead_block: bool = True,
) -> list[PreparedLayer]:
    """Write an analysis image and one entry per layer; return the validated entries."""
    png = synthetic_image(image_width, image_height, seed=seed)
    sha = image_sha256 or hashlib.sha256(png).hexdigest()
    max_side = max(image_width, image_height)
    store.write_image(sha, max_side, png)
    prepared: list[PreparedLayer] = []
    for index, spec in enumerate(layers):
        grid_w, grid_h = -(-image_width // spec.stride), -(-image_height // spec.stride)
        features = synthetic_features(
            grid_h, grid_w, spec.channels, seed=seed * 101 + index, dead_block=dead_block
        )
        key = EntryKey(
            image_sha256=sha,
            max_side=max_side,
            model=model,
            weights_id=f"untrained:seed={seed}",
            layer=spec.name,
            precision=precision,
        )
        info = LayerInfo(
            stride=spec.stride,
            image_width=image_width,
            image_height=image_height,
            weights_label=f"untrained (seed {seed})",
            untrained=True,
        )
        store.write(key, info, encode(features, precision))
        entry = store.read(key)
        if entry is None:
            raise AssertionError(f"the store did not return the entry it just wrote: {key}")
        prepared.append(entry)
    return prepared
