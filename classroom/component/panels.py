"""Panels beside the similarity view: a technique's map or tiles, a layer's activation maps.

The app hands over what the techniques computed (:class:`~classroom.techniques.result.TechniqueMap`)
and gets a typed panel of the contract; the map's numbers go to the store (the browser fetches
them once, by URL), never into the JSON of a rerun. A bank of 3 x 3 filters is a grid of specks
on a projector, so a tiles panel enlarges the tile under the pointer beside the grid, one
square per weight (:class:`~classroom.component.contract.TilesPanel`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from classroom.component.contract import (
    ActivationsPanel,
    Colormap,
    MapPanel,
    TechniquePanel,
    TilesPanel,
)
from classroom.urls import file_url

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from classroom.similarity import Colormap as ColormapName
    from classroom.store import FeatureStore
    from classroom.techniques.result import TechniqueMap, TechniqueResult

__all__ = [
    "activations_panel",
    "drawn_by_view",
    "map_panel",
    "paintable",
    "result_panels",
    "tileable",
    "tiles_panel",
]


def paintable(technique_map: TechniqueMap) -> bool:
    """Whether a map panel paints this map: one ``(H, W)`` map, sequential or diverging."""
    return technique_map.values.ndim == 2 and technique_map.scale != "picture"


def drawn_by_view(technique_map: TechniqueMap) -> bool:
    """Whether the view draws this map: as a map panel, or as a tiles panel (filters, channels)."""
    return paintable(technique_map) or tileable(technique_map)


def result_panels(
    result: TechniqueResult,
    *,
    store: FeatureStore | None = None,
    colormap_name: ColormapName = "viridis",
) -> list[MapPanel | TilesPanel]:
    """The view's panel for each map of a technique's result that it draws, in order: a map
    panel for an image-sized map, a tiles panel for tiles (:func:`drawn_by_view`).

    A single picture (guided backpropagation in colour) is left to the caller.
    """
    return [
        map_panel(item, store=store, colormap_name=colormap_name)
        if paintable(item)
        else tiles_panel(item, store=store, colormap_name=colormap_name)
        for item in result.maps
        if drawn_by_view(item)
    ]


def map_panel(
    technique_map: TechniqueMap,
    *,
    store: FeatureStore | None = None,
    colormap_name: ColormapName = "viridis",
) -> MapPanel:
    """The view's panel for one ``(H, W)`` technique map at the analysed image's resolution.

    Sequential maps take the view's colour table (``colormap_name``); diverging ones a
    blue-white-red table centred on the middle of their range.

    Raises:
        ValueError: for tiled maps (filters, channels) and pictures, which this panel does not
            paint, naming the technique.
    """
    if not paintable(technique_map):
        raise ValueError(
            f"{technique_map.technique}: a map panel paints one (H, W) map with a sequential "
            f"or diverging scale, not {technique_map.values.shape} as {technique_map.scale}"
        )
    height, width = technique_map.values.shape
    return MapPanel(
        width=width,
        height=height,
        scale="diverging" if technique_map.scale == "diverging" else "sequential",
        **_shared("map", technique_map, technique_map.values, store, colormap_name),
    )


def tileable(technique_map: TechniqueMap) -> bool:
    """Whether a tiles panel paints this map: two or more tiles, grey ``(N, h, w)`` on a
    sequential or diverging scale, or colour pictures ``(N, h, w, 3)``.

    One picture alone (guided backpropagation in colour) is not a grid: nothing to point at.
    """
    values = technique_map.values
    grey = values.ndim == 3 and technique_map.scale != "picture"
    colour = values.ndim == 4 and values.shape[-1] == 3 and technique_map.scale == "picture"
    return (grey or colour) and len(values) > 1


def tiles_panel(
    technique_map: TechniqueMap,
    *,
    store: FeatureStore | None = None,
    colormap_name: ColormapName = "viridis",
) -> TilesPanel:
    """The view's panel for a tiled map (a bank of filters, a page of channels).

    Tables as :func:`map_panel`'s: sequential tiles take the view's, diverging ones
    blue-white-red; pictures are their own colours (the panel carries the view's table all
    the same, so every panel has one).

    Raises:
        ValueError: for a map that is not tiles (:func:`tileable`), naming the technique.
    """
    values = technique_map.values
    if not tileable(technique_map):
        raise ValueError(
            f"{technique_map.technique}: a tiles panel paints two or more tiles (N, h, w) or "
            f"colour pictures (N, h, w, 3), not {values.shape} as {technique_map.scale}"
        )
    count, height, width = values.shape[:3]
    channels: Literal[1, 3] = 3 if values.ndim == 4 else 1
    names = technique_map.tile_names or tuple(f"tile {index}" for index in range(count))
    # The store keeps 2-D float32 files; tile after tile, row after row, is the same bytes.
    flat = values.reshape(count * height, width * channels)
    return TilesPanel(
        count=count,
        tile_width=width,
        tile_height=height,
        channels=channels,
        scale=technique_map.scale,
        tile_names=list(names),
        **_shared("tiles", technique_map, flat, store, colormap_name),
    )


def _shared(
    kind: str,
    technique_map: TechniqueMap,
    values: npt.NDArray[np.float32],
    store: FeatureStore | None,
    colormap_name: ColormapName,
) -> dict[str, Any]:
    """The fields every technique panel has (:class:`TechniquePanel`), for a panel of ``kind``:
    the map's words, ``values`` written to the store, the range and the colour table."""
    url, map_id = _stored(values, store)
    low, high = technique_map.value_range
    shared = TechniquePanel(
        kind=kind,
        technique=technique_map.technique,
        title=technique_map.title,
        meaning=technique_map.meaning,
        url=url,
        map_id=map_id,
        value_range=[low, high],
        colormap=_table(technique_map, colormap_name),
    )
    return dict(shared)


def _stored(values: npt.NDArray[np.float32], store: FeatureStore | None) -> tuple[str, str]:
    """The values written to the store (once per content): their URL and id for the browser."""
    from classroom.store import FeatureStore

    path = (store or FeatureStore()).write_map(values)
    return file_url(path, path.name[:32]), path.name[:32]


def _table(technique_map: TechniqueMap, colormap_name: ColormapName) -> Colormap:
    """The view's colour table, or blue-white-red for a diverging map."""
    from classroom.similarity import colour_lut, diverging_lut

    if technique_map.scale == "diverging":
        return Colormap(name="diverging", colours=diverging_lut().tolist())
    return Colormap(name=colormap_name, colours=colour_lut(colormap_name).tolist())


def activations_panel(layer: str, *, page_size: int = 64) -> ActivationsPanel:
    """The activation maps of one of the view's layers, ``page_size`` channels a page."""
    return ActivationsPanel(kind="activations", layer=layer, page_size=page_size)
