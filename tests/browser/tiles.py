"""What a tiles panel must paint, for the browser tests: numpy's colours of one tile, and the
check of the panel's report (the chosen tile, enlarged and in the grid) against them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from playwright.sync_api import Frame

from classroom.similarity import colour_lut, diverging_lut, map_colours
from classroom.techniques.figure import tile_rgb
from classroom.techniques.result import TechniqueMap
from tests.browser.conftest import POLL_MS, hook

__all__ = ["assert_shows", "expected_tile", "tiles_report"]


def expected_tile(item: TechniqueMap, tile: int) -> npt.NDArray[np.int32]:
    """numpy's colours of the tile's values, one RGB per value (rows from the top): a picture's
    own colours (as the static figure's), else the view's table over the stated range (as its
    map panels: blue-white-red for a diverging bank, viridis for a sequential one)."""
    if item.scale == "picture":
        height, width = item.values.shape[1:3]
        colours = tile_rgb(item, tile, side=max(height, width))
    else:
        table = diverging_lut() if item.scale == "diverging" else colour_lut("viridis")
        colours = map_colours(item.values[tile], item.value_range, table)
    return colours.astype(np.int32).reshape(-1, 3)


def tiles_report(frame: Frame, index: int, chosen: int) -> dict[str, object]:
    """Panel ``index``'s report once tile ``chosen`` is the enlarged one."""
    frame.wait_for_function(
        f"(chosen) => window.__classroomView?.technique({index})?.tiles?.chosen === chosen",
        arg=chosen,
        polling=POLL_MS,
    )
    report = hook(frame, "technique", index)["tiles"]
    assert isinstance(report, dict)
    return report


def assert_shows(report: dict[str, object], item: TechniqueMap, tile: int) -> None:
    """The report's enlarged tile (and its framed tile in the grid, where that has a pixel per
    value) is ``tile`` in numpy's colours (within 2/255), under its name."""
    expected = expected_tile(item, tile)
    height, width = item.values.shape[1:3]
    tile_side = report["tile"]
    assert isinstance(tile_side, int)
    # The grid shows every value only where a value is a pixel or more (3 x 3 filters, not a
    # 128-pixel channel map in a 48-pixel tile); the enlarged tile always does.
    fields = ("enlarged", "inGrid") if tile_side >= max(height, width) else ("enlarged",)
    for field in fields:
        drawn = np.asarray(report[field], dtype=np.int32).reshape(-1, 3)
        difference = np.abs(drawn - expected).max()
        assert difference <= 2, f"{item.title}, tile {tile} {field}: off by {difference}/255"
    assert report["name"] == (item.tile_names[tile] if item.tile_names else f"tile {tile}")
