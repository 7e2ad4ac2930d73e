"""Tiles panels: a technique's grid of small maps (a bank of filters, a page of channels).

A bank of 3 x 3 filters is a grid of specks on a projector, so the view draws it with WebGL
and enlarges the tile under the pointer beside the grid, one square per weight (the
contract's :class:`~classroom.component.contract.TilesPanel`). The values travel as a store
file like a map panel's, fetched once by URL, never in a rerun's JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from classroom.component.contract import Colormap, TilesPanel
from classroom.urls import file_url

if TYPE_CHECKING:
    from classroom.similarity import Colormap as ColormapName
    from classroom.store import FeatureStore
    from classroom.techniques.result import TechniqueMap

__all__ = ["tileable", "tiles_panel"]


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
    """The view's panel for a tiled map, its values written to the store.

    Colour tables as :mod:`classroom.techniques.figure` (the static figure's): sequential
    tiles take the view's table, diverging ones blue-white-red; pictures need none but the
    contract sends the view's, so every panel has one.

    Raises:
        ValueError: for a map that is not tiles (:func:`tileable`), naming the technique.
    """
    from classroom.similarity import colour_lut, diverging_lut
    from classroom.store import FeatureStore

    values = technique_map.values
    if not tileable(technique_map):
        raise ValueError(
            f"{technique_map.technique}: a tiles panel paints two or more tiles (N, h, w) or "
            f"colour pictures (N, h, w, 3), not {values.shape} as {technique_map.scale}"
        )
    count, height, width = values.shape[:3]
    channels: Literal[1, 3] = 3 if values.ndim == 4 else 1
    # The store keeps 2-D float32 files; tile after tile, row after row, is the same bytes.
    path = (store or FeatureStore()).write_map(values.reshape(count * height, width * channels))
    diverging = technique_map.scale == "diverging"
    table = diverging_lut() if diverging else colour_lut(colormap_name)
    low, high = technique_map.value_range
    names = technique_map.tile_names or tuple(f"tile {index}" for index in range(count))
    return TilesPanel(
        kind="tiles",
        technique=technique_map.technique,
        title=technique_map.title,
        meaning=technique_map.meaning,
        url=file_url(path, path.name[:32]),
        map_id=path.name[:32],
        count=count,
        tile_width=width,
        tile_height=height,
        channels=channels,
        value_range=[low, high],
        scale=technique_map.scale,
        colormap=Colormap(name="diverging" if diverging else colormap_name, colours=table.tolist()),
        tile_names=list(names),
    )
