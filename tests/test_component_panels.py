"""Panels of other kinds than similarity: a technique's map, a layer's activation maps."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from classroom.component import activations_panel, map_panel, result_panels, tiles_panel, view_args
from classroom.component.contract import (
    ActivationsPanel,
    MapPanel,
    SimilarityPanel,
    TechniquePanel,
    TilesPanel,
)
from classroom.similarity import colour_lut, diverging_lut
from classroom.store import FeatureStore
from classroom.techniques.result import Scale, TechniqueMap, TechniqueResult
from harness.synthetic import LayerSpec, prepare_view

SPECS = (LayerSpec("conv2_x", 4, 8), LayerSpec("conv3_x", 8, 12))


def _map(scale: Scale = "sequential", shape: tuple[int, ...] = (20, 30)) -> TechniqueMap:
    values = np.random.default_rng(0).random(shape, dtype=np.float32)
    return TechniqueMap("saliency", "Saliency", "bright = it matters", values, (0.0, 1.0), scale)


def test_a_map_panel_stores_the_values_and_names_them() -> None:
    store = FeatureStore()
    technique_map = _map()
    panel = map_panel(technique_map, store=store, colormap_name="magma")
    path = store.maps_dir / panel.url.rsplit("/", 1)[1].split("?")[0]
    assert panel.url.endswith(f"?v={panel.map_id}")  # versioned: cached for good
    assert path.name.startswith(panel.map_id)
    stored = np.frombuffer(path.read_bytes(), dtype="<f4").reshape(20, 30)
    np.testing.assert_array_equal(stored, technique_map.values)
    assert (panel.width, panel.height, panel.value_range) == (30, 20, [0.0, 1.0])
    assert panel.colormap.colours == colour_lut("magma").tolist()
    # The same values are the same file, written once.
    assert map_panel(technique_map, store=store).url == panel.url


def test_a_diverging_map_gets_the_blue_white_red_table() -> None:
    panel = map_panel(_map("diverging"), store=FeatureStore())
    assert panel.scale == "diverging"
    assert panel.colormap.colours == diverging_lut().tolist()


def test_tiles_and_pictures_are_not_map_panels() -> None:
    with pytest.raises(ValueError, match="saliency: a map panel paints one"):
        map_panel(_map(shape=(4, 5, 6)), store=FeatureStore())
    picture = _map("picture", shape=(20, 30, 3))
    result = TechniqueResult(maps=(_map(), _map(shape=(4, 5, 6)), picture))
    panels = result_panels(result, store=FeatureStore())
    # The map is a map panel, the tiles a tiles panel; one picture alone is left to the page.
    assert [(panel.kind, panel.scale) for panel in panels] == [
        ("map", "sequential"),
        ("tiles", "sequential"),
    ]


def test_a_tiles_panel_stores_the_tiles_in_order_and_names_each() -> None:
    store = FeatureStore()
    colours = np.random.default_rng(1).random((5, 7, 6, 3), dtype=np.float32)
    bank = TechniqueMap(
        "filters",
        "5 filters",
        "mid-grey is 0",
        colours,
        (0.0, 1.0),
        "picture",
        tuple(f"filter {index}" for index in range(5)),
    )
    panel = tiles_panel(bank, store=store)
    path = store.maps_dir / panel.url.rsplit("/", 1)[1].split("?")[0]
    stored = np.frombuffer(path.read_bytes(), dtype="<f4").reshape(5, 7, 6, 3)
    np.testing.assert_array_equal(stored, colours)
    assert (panel.count, panel.tile_width, panel.tile_height, panel.channels) == (5, 6, 7, 3)
    assert (panel.scale, panel.tile_names[4]) == ("picture", "filter 4")
    grey = tiles_panel(_map("diverging", shape=(4, 3, 3)), store=store)
    assert (grey.channels, grey.tile_names) == (1, ["tile 0", "tile 1", "tile 2", "tile 3"])
    assert grey.colormap.colours == diverging_lut().tolist()
    with pytest.raises(ValueError, match="saliency: a tiles panel paints two or more tiles"):
        tiles_panel(_map(shape=(1, 3, 3)), store=store)
    with pytest.raises(ValidationError, match="3 tiles need 3 names"):
        TilesPanel.model_validate({**grey.model_dump(), "count": 3})


def test_map_and_tiles_panels_carry_their_technique_maps_words_range_and_table() -> None:
    store = FeatureStore()
    image_map, bank = _map("diverging"), _map("diverging", shape=(4, 5, 6))
    panels = [map_panel(image_map, store=store), tiles_panel(bank, store=store)]
    for panel, source in zip(panels, (image_map, bank), strict=True):
        assert isinstance(panel, TechniquePanel)
        assert (panel.technique, panel.title) == ("saliency", "Saliency")
        assert panel.meaning == source.meaning
        assert (tuple(panel.value_range), panel.colormap.name) == (source.value_range, "diverging")
        assert panel.url.endswith(f"?v={panel.map_id}")
    assert panels[0].map_id != panels[1].map_id  # each its own values


def test_view_args_put_the_similarity_panels_first_then_the_others() -> None:
    store = FeatureStore()
    layers = prepare_view(store, image_width=30, image_height=20, layers=SPECS)
    extras: list[MapPanel | ActivationsPanel] = [
        map_panel(_map(), store=store),
        activations_panel("conv3_x", page_size=16),
    ]
    args = view_args("v", layers, store=store, extra_panels=extras)
    assert [panel.kind for panel in args.panels] == [
        "similarity",
        "similarity",
        "map",
        "activations",
    ]
    assert args.panels[0] == SimilarityPanel(kind="similarity", layer="conv2_x")
    wire = args.model_dump(by_alias=True, mode="json")
    assert wire["panels"][3] == {"kind": "activations", "layer": "conv3_x", "pageSize": 16}
    assert type(args).model_validate(wire) == args


def test_view_args_check_what_the_panels_name() -> None:
    store = FeatureStore()
    layers = prepare_view(store, image_width=30, image_height=20, layers=SPECS)
    with pytest.raises(ValidationError, match="activations of 'conv5_x', which is not among"):
        view_args("v", layers, store=store, extra_panels=[activations_panel("conv5_x")])
    small = map_panel(_map(shape=(10, 15)), store=store)
    with pytest.raises(ValidationError, match="the saliency map is 15x10, the image 30x20"):
        view_args("v", layers, store=store, extra_panels=[small])
    assert isinstance(small, MapPanel)


def test_a_map_must_be_float32_and_two_dimensional() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        FeatureStore().write_map(np.zeros((3, 4, 2), np.float32))
