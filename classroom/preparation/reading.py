"""Reading prepared features for the app: :func:`load_prepared`.

The app reads prepared features only through this module, so it never opens store files itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from classroom import images, networks
from classroom.preparation.pipeline import entry_keys, weights_name
from classroom.preparation.requests import PrepareRequest
from classroom.store import FeatureStore, PreparedLayer

__all__ = ["PreparedImage", "load_prepared"]


@dataclass(frozen=True)
class PreparedImage:
    """Prepared, validated feature maps of one image, ready to show.

    Attributes:
        image_path: the analysis image (PNG) in the store.
        size: ``(width, height)`` of the analysis image: the view's pixel coordinates.
        original_size: ``(width, height)`` of the source picture after EXIF orientation.
        layers: each requested layer's memory-mapped entry, in request order.
        weights: the weights that produced them.
    """

    image_path: Path
    size: tuple[int, int]
    original_size: tuple[int, int]
    layers: dict[str, PreparedLayer]
    weights: networks.WeightsIdentity

    def analysis_pixel(self, x: int, y: int) -> tuple[int, int]:
        """Original-image pixel (as lessons give reference pixels) -> analysis-image pixel."""
        return images.map_pixel(x, y, self.original_size, self.size)


def load_prepared(
    request: PrepareRequest,
    store: FeatureStore | None = None,
    *,
    weights_file: Path | None = None,
    untrained: bool = False,
) -> PreparedImage | None:
    """The request's prepared entries, or None when anything is missing (then :func:`prepare`).

    Reads are memory-mapped: the operating system shares one copy of each file among all
    sessions, and nothing is copied. Each call validates the files (a checksum pass over
    them), so the app keeps the result in ``st.cache_resource`` rather than calling this on
    every rerun. Weights are only identified here, never downloaded or loaded.

    Raises:
        images.ImageError: if the image file cannot be read.
        networks.WeightsUnavailableError: if pretrained weights are not on this machine.
        networks.WeightsFileError: if ``weights_file`` cannot be read.
    """
    store = store if store is not None else FeatureStore()
    weights = networks.resolve_weights(
        request.network,
        weights_name(request, untrained),
        weights_file=weights_file,
        download=False,
    )
    image_sha256 = images.content_sha256(request.image)
    image_path = store.read_image(image_sha256, request.max_side)
    if image_path is None:
        return None
    layers: dict[str, PreparedLayer] = {}
    for layer, key in entry_keys(request, image_sha256, weights.identity).items():
        prepared = store.read(key)
        if prepared is None:
            return None
        layers[layer] = prepared
    first = next(iter(layers.values())).header.info
    return PreparedImage(
        image_path=image_path,
        size=(first.image_width, first.image_height),
        original_size=images.upright_size(request.image),
        layers=layers,
        weights=weights.identity,
    )
