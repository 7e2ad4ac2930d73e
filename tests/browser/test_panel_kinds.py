"""The contract's other panel kinds, painted in Chromium and checked against numpy.

* ``map``: a technique's map over the image, coloured over its stated range with its own
  table (sequential: the view's; diverging: blue-white-red), equals
  :func:`classroom.similarity.map_colours`;
* ``activations``: a layer's channels strongest first, paged, with the dead-channel count, as
  :func:`classroom.similarity.channel_strengths` orders them; pointing at a channel shows it
  alone in the layer's panel (the single-channel view the bar chart shares); double-clicking a
  tile or a bar, or Enter on the chosen one, sends Python a ``channel`` event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from playwright.sync_api import BrowserContext, Frame, Page, expect

from classroom.encoding import encode
from classroom.similarity import (
    channel_strengths,
    channel_values,
    colour_lut,
    diverging_lut,
    map_colours,
)
from classroom.store import EntryKey, FeatureStore, LayerInfo, PreparedLayer
from harness.synthetic import LayerSpec, prepare_view, synthetic_features
from tests.browser.conftest import IFRAME, POLL_MS, hook, open_tab, serve_views, view_frame

IMAGE = (256, 192)
DEAD_CHANNELS = (3, 700)
#: The map panels come after the two similarity panels in the contract's `panels`.
SEQUENTIAL, DIVERGING, ACTIVATIONS = 2, 3, 4


def _deep_layer(store: FeatureStore, first: PreparedLayer) -> PreparedLayer:
    """ResNet-50's conv4_x (1024 channels: 16 pages of 64), two channels dead everywhere."""
    features = synthetic_features(12, 16, 1024, seed=5)
    features[:, :, list(DEAD_CHANNELS)] = 0
    key = EntryKey(
        image_sha256=first.header.key.image_sha256,
        max_side=first.header.key.max_side,
        model="resnet50",
        weights_id=first.header.key.weights_id,
        layer="conv4_x",
        precision=8,
    )
    info = LayerInfo(
        stride=16,
        image_width=IMAGE[0],
        image_height=IMAGE[1],
        weights_label=first.header.info.weights_label,
        untrained=True,
    )
    store.write(key, info, encode(features, 8))
    entry = store.read(key)
    assert entry is not None
    return entry


def _maps() -> dict[str, npt.NDArray[np.float32]]:
    y, x = np.mgrid[0 : IMAGE[1], 0 : IMAGE[0]].astype(np.float32)
    bump = np.exp(-((x - 90) ** 2 + (y - 70) ** 2) / (2 * 30.0**2)).astype(np.float32)
    signed = (np.sin(x / 23) * np.cos(y / 17) * 2.5).astype(np.float32)
    return {"saliency": bump, "occlusion": signed}


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PreparedLayer]]:
    root = tmp_path_factory.mktemp("panel-kinds-store")
    store = FeatureStore(root)
    (first,) = prepare_view(
        store,
        image_width=IMAGE[0],
        image_height=IMAGE[1],
        layers=(LayerSpec("conv2_x", 4, 64),),
        model="resnet50",
    )
    layers = [first, _deep_layer(store, first)]
    maps = _maps()
    for name, values in maps.items():
        np.save(root / f"{name}.npy", values)
    manifest = root / "views.json"
    manifest.write_text(
        json.dumps(
            {
                "views": [
                    {
                        "key": "kinds",
                        "view_id": "kinds-a",
                        "entries": [layer.entry_id for layer in layers],
                        "preset": {"reference": {"x": 100, "y": 60}},
                        "maps": [
                            {
                                "technique": "saliency",
                                "meaning": "bright = the class score reacts to this pixel",
                                "npy": str(root / "saliency.npy"),
                                "range": [0.0, 1.0],
                                "scale": "sequential",
                            },
                            {
                                "technique": "occlusion",
                                "meaning": "red = covering this area lowers the score",
                                "npy": str(root / "occlusion.npy"),
                                "range": [-2.5, 2.5],
                                "scale": "diverging",
                            },
                        ],
                        "activations": ["conv4_x"],
                    }
                ]
            }
        )
    )
    return manifest, layers


@pytest.fixture(scope="module")
def kinds_url(views: tuple[Path, list[PreparedLayer]]) -> Iterator[str]:
    manifest, _ = views
    with serve_views(manifest.parent, manifest) as url:
        yield url


@pytest.fixture
def kinds_page(browser: BrowserContext, kinds_url: str) -> Iterator[Page]:
    with open_tab(browser, kinds_url) as tab:
        yield tab


def _technique(frame: Frame, index: int, field: str) -> dict[str, object]:
    frame.wait_for_function(
        f"() => window.__classroomView?.technique({index})?.{field} != null", polling=POLL_MS
    )
    report = hook(frame, "technique", index)
    assert isinstance(report, dict)
    value = report[field]
    assert isinstance(value, dict)
    return value


@pytest.mark.parametrize(
    ("index", "technique", "table"),
    [(SEQUENTIAL, "saliency", colour_lut("viridis")), (DIVERGING, "occlusion", diverging_lut())],
)
def test_map_panels_paint_their_map_as_numpy_colours_it(
    kinds_page: Page, index: int, technique: str, table: npt.NDArray[np.uint8]
) -> None:
    frame = view_frame(kinds_page, 0)
    values = _maps()[technique]
    value_range = (0.0, 1.0) if technique == "saliency" else (-2.5, 2.5)
    # Waits until the map arrived: a map not yet fetched paints nothing.
    frame.wait_for_function(
        f"() => (window.__classroomView?.technique({index})?.colours?.rgb ?? [0])"
        ".some((v) => v > 0)",
        polling=POLL_MS,
    )
    colours = _technique(frame, index, "colours")
    got = np.asarray(colours["rgb"], dtype=np.int32).reshape(IMAGE[1], IMAGE[0], 3)
    expected = map_colours(values, value_range, table).astype(np.int32)
    difference = np.abs(got - expected).max(axis=2)
    assert (difference == 0).mean() >= 0.999, f"{technique}: {(difference == 0).mean():.4%} exact"
    assert difference.max() <= 6, technique
    # Pointing at the map points at that pixel in every panel.
    canvas = kinds_page.frame_locator(IFRAME).first.locator(f"[data-technique={technique}] canvas")
    box = canvas.bounding_box()
    assert box is not None
    scale = box["width"] / IMAGE[0]
    canvas.hover(position={"x": 50.5 * scale, "y": 25.5 * scale})
    frame.wait_for_function(
        "() => window.__classroomView.state().reference?.x === 50"
        " && window.__classroomView.state().reference?.y === 25",
        polling=POLL_MS,
    )
    legend = kinds_page.frame_locator(IFRAME).first.locator(
        f"[data-technique={technique}] [data-testid=map-legend]"
    )
    assert "lowers the score" in legend.inner_text() or "reacts" in legend.inner_text()


def test_activations_panel_orders_pages_and_links_a_channel(
    kinds_page: Page, views: tuple[Path, list[PreparedLayer]]
) -> None:
    _, layers = views
    frame = view_frame(kinds_page, 0)
    deep = layers[1].encoded()
    _, order, dead = channel_strengths(deep.code_vectors(), deep.scales)
    report = _technique(frame, ACTIVATIONS, "activations")
    assert report["order"] == order.tolist()
    assert report["dead"] == dead == len(DEAD_CHANNELS)
    assert (report["page"], report["pages"]) == (0, 16)
    component = kinds_page.frame_locator(IFRAME).first
    summary = component.get_by_test_id("activations-summary").inner_text()
    assert "1024 channels" in summary
    assert "2 dead" in summary
    # The page's first tile is the strongest channel in grey: |value| over the layer's peak.
    values = deep.code_vectors() * deep.scales[..., None]
    grey = np.rint(np.abs(values[..., order[0]]) / np.abs(values).max() * 255)
    np.testing.assert_allclose(np.asarray(report["firstTile"]).reshape(12, 16), grey, atol=1)
    # Pointing at it shows it alone over the image in conv4_x's panel.
    tiles = component.get_by_test_id("activation-tiles")
    tiles.hover(position={"x": 5, "y": 5})
    frame.wait_for_function(
        "(panel) => window.__classroomView.state().channel?.panel === panel",
        arg=layers[1].entry_id,
        polling=POLL_MS,
    )
    assert hook(frame, "state")["channel"] == {"panel": layers[1].entry_id, "index": int(order[0])}
    got = np.asarray(hook(frame, "values", 1)["values"]).reshape(12, 16)
    expected = channel_values(deep.code_vectors(), deep.scales, int(order[0]))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    # The next page starts with the 65th strongest channel.
    component.get_by_role("button", name="Next page").click()
    frame.wait_for_function(
        "(first) => document.querySelector('[data-testid=activation-tiles]')"
        "?.dataset.channels?.split(' ')[0] === first",
        arg=str(int(order[64])),
        polling=POLL_MS,
    )


def _channel_event(page: Page, event_id: str | None) -> dict[str, object]:
    """The page's last event once it is a channel event other than ``event_id``."""
    last = page.get_by_text("last event: ", exact=False)
    expect(last).to_have_text(re.compile(r'^last event: \{.*"kind":"channel"'))
    if event_id is not None:
        expect(last).not_to_have_text(re.compile(re.escape(f'"id":"{event_id}"')))
    event = json.loads(last.inner_text().removeprefix("last event: "))
    assert isinstance(event, dict)
    return event


def test_double_click_or_enter_on_a_channel_asks_python_for_its_image(
    kinds_page: Page, views: tuple[Path, list[PreparedLayer]]
) -> None:
    _, layers = views
    frame = view_frame(kinds_page, 0)
    deep = layers[1].encoded()
    _, order, _ = channel_strengths(deep.code_vectors(), deep.scales)
    _technique(frame, ACTIVATIONS, "activations")  # the grid is drawn
    component = kinds_page.frame_locator(IFRAME).first
    tiles = component.get_by_test_id("activation-tiles")
    # A double-click on the first tile asks for the strongest channel of conv4_x.
    tiles.dblclick(position={"x": 5, "y": 5})
    first = _channel_event(kinds_page, None)
    assert (first["layer"], first["channel"]) == ("conv4_x", int(order[0]))
    # From the keyboard: the grid takes focus, the arrows choose a tile, Enter asks.
    kinds_page.mouse.move(0, 0)  # the pointer leaves: no channel is chosen
    frame.wait_for_function(
        "() => window.__classroomView.state().channel === null", polling=POLL_MS
    )
    tiles.focus()
    for _ in range(3):
        tiles.press("ArrowRight")
    frame.wait_for_function(
        "(index) => window.__classroomView.state().channel?.index === index",
        arg=int(order[2]),
        polling=POLL_MS,
    )
    tiles.press("Enter")
    second = _channel_event(kinds_page, str(first["id"]))
    assert (second["layer"], second["channel"]) == ("conv4_x", int(order[2]))
    # A double-click on the bar chart's first bar asks for channel 0 of the chart's layer.
    chart = component.get_by_test_id("bar-chart")
    channels = int(chart.get_attribute("aria-valuemax") or "0") + 1
    chart.dblclick(position={"x": 0.5, "y": 10})
    third = _channel_event(kinds_page, str(second["id"]))
    assert third["channel"] == 0
    assert third["layer"] == {64: "conv2_x", 1024: "conv4_x"}[channels]
