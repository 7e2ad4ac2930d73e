"""Preparing requests into the store: :func:`prepare`.

Work is keyed like the store: an image (by content), a model, a weights identity, the size cap,
and the layers at a precision. Each (image, model, weights, size cap) is prepared under a
cross-process lock, so two processes never compute the same maps; layers already valid in the
store are skipped and all missing ones come from one forward pass. Progress goes to a
callback: nothing here knows about Streamlit or the terminal.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom import images, networks
from classroom.encoding import EncodedLayer, encode
from classroom.preparation.networks import LOADED_NETWORKS
from classroom.preparation.outcome import (
    Failure,
    PrepareReport,
    ProgressCallback,
    ProgressEvent,
    RequestResult,
    unexpected,
)
from classroom.preparation.requests import PrepareRequest
from classroom.store import EntryKey, FeatureStore, LayerInfo

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from classroom.extraction import FeatureExtractor

__all__ = ["entry_keys", "lock_name", "prepare", "weights_name"]

_LOGGER = logging.getLogger(__name__)

#: Failures caused by the input (images.ImageError and networks.WeightsFileError are
#: ValueErrors); their messages are written for the user and are shown as they are.
_EXPECTED_ERRORS: Final = (ValueError, OSError, networks.WeightsUnavailableError)


@dataclass
class _Pipeline:
    """One :func:`prepare` run: remembers weights that cannot be loaded, so that each image
    of the run does not try again."""

    store: FeatureStore
    weights_file: Path | None
    untrained: bool
    notify: Callable[[str, PrepareRequest | None], None]
    _unloadable: dict[tuple[str, str], networks.WeightsFileError] = field(default_factory=dict)

    def weights(self, request: PrepareRequest) -> networks.ResolvedWeights:
        """The request's weights (models remembers failed downloads and file hashes)."""
        return networks.resolve_weights(
            request.network,
            weights_name(request, self.untrained),
            weights_file=self.weights_file,
            on_download=lambda message: self.notify(message, None),
        )

    def extractor(
        self, weights: networks.ResolvedWeights, layers: tuple[str, ...]
    ) -> FeatureExtractor:
        key = (weights.architecture, weights.identity.weights_id)
        known = self._unloadable.get(key)
        if known is not None:
            raise known

        def announce() -> None:
            self.notify(
                f"loading {weights.network.title} with {weights.identity.label} weights", None
            )

        try:
            return LOADED_NETWORKS.extractor(weights, layers, on_load=announce)
        except networks.WeightsFileError as error:
            self._unloadable[key] = error
            raise

    def run(self, request: PrepareRequest) -> RequestResult:
        weights = self.weights(request)
        identity = weights.identity
        image_sha256 = images.content_sha256(request.image)
        keys = entry_keys(request, image_sha256, identity)
        lock = lock_name(image_sha256, request.max_side, request.architecture, identity)
        with self.store.lock(lock):
            # Checked under the lock: another process may have just prepared them.
            present = tuple(
                layer for layer, key in keys.items() if self.store.read(key) is not None
            )
            missing = tuple(layer for layer in keys if layer not in present)
            image_stored = self.store.read_image(image_sha256, request.max_side) is not None
            if not missing and image_stored:
                return RequestResult(request, present=present, weights=identity)

            analysis = images.load_analysis_image(request.image, request.max_side)
            if analysis.sha256 != image_sha256:
                raise images.ImageError(f"{request.image}: the file changed while being prepared")
            if not image_stored:
                self.store.write_image(image_sha256, request.max_side, analysis.png_bytes())
            if missing:
                _require_torch(request, missing)
                extractor = self.extractor(weights, missing)
                self.notify(f"computing {', '.join(missing)}", request)
                maps = extractor(analysis.image)
                width, height = analysis.size
                for layer in missing:
                    info = LayerInfo(
                        stride=extractor.network.layers[layer].stride,
                        image_width=width,
                        image_height=height,
                        weights_label=identity.label,
                        untrained=identity.untrained,
                    )
                    # Each map is let go once stored: a server keeps less in memory at once.
                    encoded = _encode(maps.pop(layer), request, layer, weights)
                    self.store.write(keys[layer], info, encoded)
                    del encoded
        return RequestResult(request, prepared=missing, present=present, weights=identity)


def _require_torch(request: PrepareRequest, missing: tuple[str, ...]) -> None:
    """A viewer-only install (no torch) shows prepared maps; computing more says so plainly."""
    import importlib.util

    if all(importlib.util.find_spec(name) for name in ("torch", "torchvision")):
        return
    raise ValueError(
        f"{request.name}: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not "
        "prepared, and computing feature maps needs torch, which this install (the viewer) "
        "lacks. Show a bundle or store that holds them, or install 'classroom[prepare]'."
    )


def _encode(
    values: npt.NDArray[np.float32],
    request: PrepareRequest,
    layer: str,
    weights: networks.ResolvedWeights,
) -> EncodedLayer:
    """Encode one map; NaN or infinite features are blamed on the weights that made them."""
    import numpy as np

    try:
        return encode(values, request.precision)
    except ValueError:
        if np.isfinite(values).all():
            raise
    source = weights.file if weights.file is not None else weights.identity.label
    raise networks.WeightsFileError(
        f"{source}: these {weights.network.title} weights give NaN or infinite values at {layer} "
        f"for {request.image}, so nothing was stored. The weights are broken (saved from a "
        "training run that diverged?); use other weights."
    )


def weights_name(request: PrepareRequest, untrained: bool) -> str:
    return networks.UNTRAINED if untrained else request.weights


def entry_keys(
    request: PrepareRequest, image_sha256: str, weights: networks.WeightsIdentity
) -> dict[str, EntryKey]:
    """The store key of each requested layer, in request order."""
    return {
        layer: EntryKey(
            image_sha256=image_sha256,
            max_side=request.max_side,
            model=request.architecture,
            weights_id=weights.weights_id,
            layer=layer,
            precision=request.precision,
        )
        for layer in dict.fromkeys(request.layers)
    }


def lock_name(
    image_sha256: str, max_side: int, architecture: str, identity: networks.WeightsIdentity
) -> str:
    text = f"{image_sha256}|{max_side}|{architecture}|{identity.weights_id}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def prepare(
    requests: Sequence[PrepareRequest],
    store: FeatureStore | None = None,
    *,
    weights_file: Path | None = None,
    untrained: bool = False,
    progress: ProgressCallback | None = None,
) -> PrepareReport:
    """Make sure every request's feature maps and analysis image are in ``store``.

    Args:
        requests: what to prepare; one failing request does not stop the others.
        store: the feature store (default: :class:`FeatureStore` at its default root).
        weights_file: a state dict that replaces every pretrained source (not untrained ones).
        untrained: use seeded random weights for every request (recorded as such).
        progress: called as work advances; never required.

    Returns:
        One result per request: what was prepared, what was already there, what failed and why.
    """
    if untrained and weights_file is not None:
        raise ValueError("untrained and weights_file exclude each other")
    store = store if store is not None else FeatureStore()
    store.remove_stale_temporaries()
    total = len(requests)
    completed = 0

    def notify(stage: str, request: PrepareRequest | None = None) -> None:
        if progress is not None:
            message = f"{request.name}: {stage}" if request is not None else stage
            progress(ProgressEvent(completed, total, message, stage))

    pipeline = _Pipeline(store, weights_file, untrained, notify)
    results: list[RequestResult] = []
    for request in requests:
        notify("checking", request)
        try:
            results.append(pipeline.run(request))
        except _EXPECTED_ERRORS as error:
            results.append(RequestResult(request, failure=Failure.of(error)))
        except Exception as error:  # a bug must not cost the other lessons their preparation
            _LOGGER.exception("preparing %s failed", request.name)
            results.append(RequestResult(request, failure=unexpected(error)))
        completed += 1
    notify("done")
    return PrepareReport(tuple(results))
