"""Tiled maps beside the view: the grid, and one tile (a filter, a channel) enlarged.

A bank of 3 x 3 filters is a grid of specks on a projector: the class cannot count a filter's
weights. So the grid comes with a slider over its tiles, and the chosen one is shown large
(nearest neighbour: each weight one square). First-layer filters are colour pictures; a
deeper filter's tiles are its input channels in grey-ish diverging colours, as the technique
states them (:mod:`classroom.techniques.filters`).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from classroom.app.state import plain
from classroom.techniques.figure import figure_png, legend, tile_rgb, tiled
from classroom.techniques.result import TechniqueMap

__all__ = ["show_tiles"]


def show_tiles(item: TechniqueMap, key: str) -> None:
    """The map's grid with its legend and, for tiles, a slider whose tile is drawn enlarged."""
    st.image(figure_png(item), caption=item.title, width="stretch")
    st.caption(plain(legend(item)))
    if not tiled(item) or not item.tile_names:
        return
    names = list(item.tile_names)
    chosen = st.select_slider(
        "Enlarge",
        names,
        key=f"{key}/enlarge",
        help="Shows one tile of the grid large, for a projector.",
    )
    index = names.index(chosen)
    picture = tile_rgb(item, index)
    height, width = np.asarray(item.values[index]).shape[:2]
    st.image(
        picture,
        caption=f"{chosen} enlarged ({height} x {width})",
        width=picture.shape[1],
    )
