"""Cross-image similarity: one image's reference pixel lighting up other images.

The stage compares every cell of one image with the reference pixel's vector; an
:class:`~classroom.component.contract.AcrossPanel` hands the browser other images' maps of one
of the stage's layers, so the same reference vector is compared with their cells too (the
renderer's own passes and metric, one reference, many images).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from classroom.component.contract import AcrossImage, AcrossPanel
from classroom.component.sources import layer_source, view_image

if TYPE_CHECKING:
    from classroom.store import FeatureStore, PreparedLayer

__all__ = ["across_panel"]


def across_panel(
    layer: str,
    others: Sequence[PreparedLayer],
    *,
    store: FeatureStore | None = None,
    captions: Sequence[str] = (),
) -> AcrossPanel:
    """A panel of other images lit up by the reference pixel of the view's ``layer``.

    Args:
        layer: one of the view's layers (its reference cell gives the vector).
        others: each other image's prepared entry of that layer (same network, same layer).
        captions: one line per other image (its name), in the order of ``others``.

    Raises:
        ValueError: when an entry is of another layer, naming it (the contract checks the
            channels against the view's layer).
    """
    from classroom.store import FeatureStore

    image_store = store or FeatureStore()
    for prepared in others:
        if prepared.header.key.layer != layer:
            raise ValueError(
                f"{prepared.path.name} is {prepared.header.key.layer}, not {layer}: an image "
                "lit up across images shows the reference's own layer"
            )
    names = [*captions, *([""] * (len(others) - len(captions)))]
    return AcrossPanel(
        kind="across",
        layer=layer,
        images=[
            AcrossImage(
                image=view_image(prepared, image_store, name), source=layer_source(prepared)
            )
            for prepared, name in zip(others, names, strict=True)
        ],
    )
