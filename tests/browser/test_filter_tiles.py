"""Tiles panels in Chromium: the shipped shapes network's filters, the tile under the pointer
enlarged beside the grid, checked pixel by pixel against numpy.

The banks are what ``classroom compute filters`` gives on the trained shapes network: its first
layer's 16 colour filters (3 x 3 x 3, their own colours, mid-grey 0) and filter 3 of block2,
channel by channel on the blue-white-red scale. Pointing at tile k enlarges it: the colour at
the centre of each enlarged square is numpy's for that weight (a picture's own colours, as
:func:`classroom.techniques.figure.tile_rgb`; a grey bank through the view's blue-white-red
table over the range the technique states, as :func:`classroom.similarity.map_colours`), and
so is the framed tile in the grid. Moving to another tile, or pressing the arrow
keys with the grid focused, enlarges that one instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Locator, Page, Position

from classroom import networks
from classroom.images import load_analysis_image
from classroom.store import FeatureStore
from classroom.techniques import TechniqueRequest
from classroom.techniques.result import TechniqueMap
from classroom.techniques.running import compute
from harness.synthetic import LayerSpec, prepare_view
from tests.browser.conftest import IFRAME, open_tab, serve_views, view_frame
from tests.browser.tiles import assert_shows, expected_tile, tiles_report

IMAGE = (96, 64)
#: The tiles panels come after the view's one similarity panel in the contract's `panels`.
COLOUR, GREY = 1, 2


@pytest.fixture(scope="module")
def banks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, TechniqueMap]]:
    """The trained shapes network's first-layer bank and block2's filter 3, and a test page."""
    root = tmp_path_factory.mktemp("filter-tiles-store")
    store = FeatureStore(root)
    (layer,) = prepare_view(
        store, image_width=IMAGE[0], image_height=IMAGE[1], layers=(LayerSpec("conv2_x", 4, 8),)
    )
    network = networks.build_network(networks.resolve_weights("shapes", "trained"))
    picture = root / "scene.png"
    Image.new("RGB", IMAGE, (128, 128, 128)).save(picture)
    analysis = load_analysis_image(picture)
    first = compute(TechniqueRequest("filters"), network, analysis).maps[0]
    deeper = compute(
        TechniqueRequest("filters", layer="block2", options={"filter": 3}), network, analysis
    ).maps[0]
    entries = []
    for name, item in (("first", first), ("deeper", deeper)):
        np.save(root / f"{name}.npy", item.values)
        entries.append(
            {
                "technique": item.technique,
                "title": item.title,
                "meaning": item.meaning,
                "npy": str(root / f"{name}.npy"),
                "range": list(item.value_range),
                "scale": item.scale,
                "names": list(item.tile_names),
            }
        )
    manifest = root / "views.json"
    manifest.write_text(
        json.dumps(
            {
                "views": [
                    {
                        "key": "filters",
                        "view_id": "f",
                        "entries": [layer.entry_id],
                        "tiles": entries,
                    }
                ]
            }
        )
    )
    return manifest, {COLOUR: first, GREY: deeper}


@pytest.fixture(scope="module")
def tiles_url(banks: tuple[Path, dict[int, TechniqueMap]]) -> Iterator[str]:
    manifest, _ = banks
    with serve_views(manifest.parent, manifest) as url:
        yield url


@pytest.fixture
def tiles_page(browser: BrowserContext, tiles_url: str) -> Iterator[Page]:
    with open_tab(browser, tiles_url) as tab:
        yield tab


def _number(report: dict[str, object], name: str) -> int:
    value = report[name]
    assert isinstance(value, int), (name, value)
    return value


def _tile_centre(report: dict[str, object], tile: int) -> Position:
    columns, size, gap = (_number(report, name) for name in ("columns", "tile", "gap"))
    row, column = divmod(tile, columns)
    return {"x": column * (size + gap) + size / 2, "y": row * (size + gap) + size / 2}


def _canvas(page: Page, index: int) -> Locator:
    return page.frame_locator(IFRAME).first.get_by_test_id("tiles-canvas").nth(index - COLOUR)


@pytest.mark.parametrize("index", [COLOUR, GREY])
def test_pointing_at_a_filter_enlarges_it_in_numpys_colours(
    tiles_page: Page, banks: tuple[Path, dict[int, TechniqueMap]], index: int
) -> None:
    item = banks[1][index]
    frame = view_frame(tiles_page, 0)
    report = tiles_report(frame, index, 0)  # the first tile is enlarged before any pointing
    assert_shows(report, item, 0)
    canvas = _canvas(tiles_page, index)
    for tile in (5, 11):
        canvas.hover(position=_tile_centre(report, tile))
        shown = tiles_report(frame, index, tile)
        assert_shows(shown, item, tile)
        label = (
            tiles_page.frame_locator(IFRAME)
            .first.get_by_test_id("tiles-chosen")
            .nth(index - COLOUR)
        )
        assert label.inner_text().startswith(f"{item.tile_names[tile]} enlarged \u00b7 3 \u00d7 3")
    # Another tile is another picture: the enlarged squares changed with the pointer.
    assert not np.array_equal(expected_tile(item, 5), expected_tile(item, 11))


def test_the_arrow_keys_move_the_enlarged_filter(
    tiles_page: Page, banks: tuple[Path, dict[int, TechniqueMap]]
) -> None:
    item = banks[1][COLOUR]
    frame = view_frame(tiles_page, 0)
    columns = _number(tiles_report(frame, COLOUR, 0), "columns")
    canvas = _canvas(tiles_page, COLOUR)
    canvas.focus()
    canvas.press("ArrowRight")
    assert_shows(tiles_report(frame, COLOUR, 1), item, 1)
    canvas.press("ArrowDown")
    below = min(1 + columns, len(item.values) - 1)
    assert_shows(tiles_report(frame, COLOUR, below), item, below)
    canvas.press("End")
    assert_shows(tiles_report(frame, COLOUR, 15), item, 15)
