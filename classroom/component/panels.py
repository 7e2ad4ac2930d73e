"""Panels beside the similarity view: a technique's map, a layer's activation maps.

The app hands over what the techniques computed (:class:`~classroom.techniques.result.TechniqueMap`)
and gets a typed panel of the contract; the map's numbers go to the store (the browser fetches
them once, by URL), never into the JSON of a rerun.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.component.contract import ActivationsPanel, Colormap, MapPanel, TilesPanel
from classroom.component.tiles import tileable, tiles_panel
from classroom.urls import file_url

if TYPE_CHECKING:
    from classroom.similarity import Colormap as ColormapName
    from classroom.store import FeatureStore
    from classroom.techniques.result import TechniqueMap, TechniqueResult

__all__ = ["activations_panel", "drawn_by_view", "map_panel", "paintable", "result_panels"]


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
    from classroom.similarity import colour_lut, diverging_lut
    from classroom.store import FeatureStore

    if not paintable(technique_map):
        raise ValueError(
            f"{technique_map.technique}: a map panel paints one (H, W) map with a sequential "
            f"or diverging scale, not {technique_map.values.shape} as {technique_map.scale}"
        )
    path = (store or FeatureStore()).write_map(technique_map.values)
    height, width = technique_map.values.shape
    diverging = technique_map.scale == "diverging"
    table = diverging_lut() if diverging else colour_lut(colormap_name)
    low, high = technique_map.value_range
    return MapPanel(
        kind="map",
        technique=technique_map.technique,
        title=technique_map.title,
        meaning=technique_map.meaning,
        url=file_url(path, path.name[:32]),
        map_id=path.name[:32],
        width=width,
        height=height,
        value_range=[low, high],
        scale="diverging" if diverging else "sequential",
        colormap=Colormap(name="diverging" if diverging else colormap_name, colours=table.tolist()),
    )


def activations_panel(layer: str, *, page_size: int = 64) -> ActivationsPanel:
    """The activation maps of one of the view's layers, ``page_size`` channels a page."""
    return ActivationsPanel(kind="activations", layer=layer, page_size=page_size)
