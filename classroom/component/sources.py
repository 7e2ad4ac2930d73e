"""What the browser fetches for a panel: a prepared entry's source and its analysis image.

Shared by the stage's layers (:func:`classroom.component.view_args`) and the other images of
a cross-image panel (:func:`classroom.component.across.across_panel`), so both describe an
entry to the browser the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.component.contract import LayerSource, ReceptiveField, ViewImage
from classroom.networks.labels import layer_about
from classroom.urls import file_url

if TYPE_CHECKING:
    from classroom.store import FeatureStore, PreparedLayer

__all__ = ["layer_source", "receptive_field", "view_image"]


def receptive_field(model: str, layer: str, grid: tuple[int, int]) -> ReceptiveField | None:
    """The layer's theoretical receptive field from the registry (None where it is unknown).

    Args:
        grid: the stored map's ``(width, height)`` in cells (its header's).
    """
    from classroom.networks import registry
    from classroom.similarity import receptive_field_spans

    if model not in registry.ARCHITECTURES:
        return None
    spec = registry.layer(model, layer)
    size, centre = spec.receptive_field, spec.centre
    if size is None or centre is None:
        return None
    return ReceptiveField(
        size=size,
        jump=spec.jump,
        centre=centre,
        columns=receptive_field_spans(size, spec.jump, centre, grid[0]).tolist(),
        rows=receptive_field_spans(size, spec.jump, centre, grid[1]).tolist(),
    )


def layer_source(prepared: PreparedLayer) -> LayerSource:
    """Describe one prepared entry for the browser (it fetches the bytes by ``url``)."""
    header = prepared.header
    return LayerSource(
        layer=header.key.layer,
        about=layer_about(header.key.model, header.key.layer, header.info.stride),
        url=file_url(prepared.path, prepared.digest),
        entry_id=prepared.entry_id,
        nbytes=prepared.nbytes,
        width=header.width,
        height=header.height,
        channels=header.channels,
        stride=header.info.stride,
        precision=header.key.precision,
        weights_label=header.info.weights_label,
        untrained=header.info.untrained,
        receptive_field=receptive_field(
            header.key.model, header.key.layer, (header.width, header.height)
        ),
    )


def view_image(prepared: PreparedLayer, store: FeatureStore, caption: str = "") -> ViewImage:
    """The analysis image an entry was computed on, as the browser fetches it."""
    key, info = prepared.header.key, prepared.header.info
    path = store.image_path(key.image_sha256, key.max_side)
    version = store.image_version(key.image_sha256, key.max_side)
    return ViewImage(
        url=file_url(path, version),
        width=info.image_width,
        height=info.image_height,
        caption=caption,
    )
