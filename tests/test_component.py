"""The component's Python side: building its arguments from store entries, finding its bundle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from classroom import component
from classroom.component import BundleMissingError, colormap, layer_source, view_args
from classroom.component.contract import Pixel, ViewState
from classroom.similarity import colour_lut
from classroom.store import FeatureStore
from harness.synthetic import LayerSpec, prepare_view

SPECS = (LayerSpec("conv2_x", 4, 8), LayerSpec("conv3_x", 8, 12))


def test_layer_source_describes_the_entry() -> None:
    layers = prepare_view(FeatureStore(), image_width=30, image_height=20, layers=SPECS)
    source = layer_source(layers[1])
    # The registry's numbers for the layer (ResNet-101's conv3_x), never recomputed; a span
    # per column and row of the 4 x 3 grid.
    field = source.receptive_field
    assert field is not None
    assert (field.size, field.jump, field.centre) == (91, 8, 0.5)
    assert field.columns[1] == [8.5 - 45.5, 8.5 + 45.5]
    assert (len(field.columns), len(field.rows)) == (4, 3)
    assert source.model_dump(exclude={"receptive_field"}) == {
        "layer": "conv3_x",
        "about": "stride 8 px · sees 91 px · textures and simple patterns",  # ResNet-101
        # The checksum in the URL: it changes with the content, so it may be cached for good.
        "url": f"/classroom/files/{layers[1].path.name}?v={layers[1].digest}",
        "entry_id": layers[1].entry_id,
        "nbytes": layers[1].path.stat().st_size,
        "width": 4,
        "height": 3,
        "channels": 12,
        "stride": 8,
        "precision": 8,
        "weights_label": "untrained (seed 0)",
        "untrained": True,
    }


def test_view_args_show_one_image_with_its_layers_in_order() -> None:
    store = FeatureStore()
    layers = prepare_view(store, image_width=30, image_height=20, layers=SPECS, model="resnet50")
    preset = ViewState(reference=Pixel(x=1, y=2))
    args = view_args("step-3", layers, store=store, preset=preset, colormap_name="magma")
    assert [layer.layer for layer in args.layers] == ["conv2_x", "conv3_x"]
    sha = layers[0].header.key.image_sha256
    image = store.image_path(sha, 30)
    assert args.image.url == f"/classroom/files/{sha}-30.png?v={image.read_bytes()[41:57].hex()}"
    assert (args.image.width, args.image.height) == (30, 20)
    assert store.image_path(sha, 30).is_file()
    assert args.model == "ResNet-50", "the network's title, from the registry"
    assert args.preset == preset
    assert args.colormap.name == "magma"
    assert args.colormap.colours == colour_lut("magma").tolist()
    assert colormap().colours[0] == colour_lut("viridis")[0].tolist()


def test_view_args_refuse_to_mix_images_or_models() -> None:
    store = FeatureStore()
    first = prepare_view(store, image_width=30, image_height=20, layers=SPECS[:1])
    other_image = prepare_view(store, image_width=30, image_height=20, layers=SPECS[1:], seed=5)
    other_model = prepare_view(
        store, image_width=30, image_height=20, layers=SPECS[1:], model="resnet18"
    )
    with pytest.raises(ValueError, match=rf"{other_image[0].path.name} \(conv3_x\).*another image"):
        view_args("v", [*first, *other_image], store=store)
    with pytest.raises(ValueError, match="is from resnet18, not resnet101"):
        view_args("v", [*first, *other_model], store=store)
    with pytest.raises(ValueError, match="at least one"):
        view_args("v", [], store=store)
    with pytest.raises(ValueError, match="chart layer 'conv5_x' is not among"):
        view_args("v", first, store=store, chart_layer="conv5_x")


@pytest.fixture
def fresh_declaration() -> Iterator[None]:
    """The component is declared once per process: forget it around each test."""
    component.declare.cache_clear()
    yield
    component.declare.cache_clear()


@pytest.mark.usefixtures("fresh_declaration")
def test_a_missing_bundle_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(component, "BUILD_DIR", tmp_path / "frontend_build")
    monkeypatch.delenv(component.DEV_URL_ENV, raising=False)
    with pytest.raises(BundleMissingError, match=r"python3 dev\.py setup"):
        component.declare()


@pytest.mark.usefixtures("fresh_declaration")
def test_the_built_bundle_is_where_the_component_serves_it_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(component.DEV_URL_ENV, raising=False)
    declared = component.declare()
    assert declared.name == "classroom.component.similarity_view"
    assert declared.path == str(component.BUILD_DIR)
    assert (component.BUILD_DIR / "index.html").is_file()


@pytest.mark.usefixtures("fresh_declaration")
def test_a_development_server_can_serve_the_frontend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(component.DEV_URL_ENV, "http://localhost:5173")
    assert component.declare().url == "http://localhost:5173"
