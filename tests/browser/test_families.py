"""Every network family prepares and paints in the browser, with its grid where it belongs.

One architecture of each family is really prepared (untrained weights, its three default
layers) on a picture of odd size, 99 x 67 pixels, and shown on the test page. For each panel:
the GPU's similarities are those of the stored codes (numpy), and at the image's last pixel
the grid is the header's own: a ceil-rounding network's partial last cell is painted there
and pointed at, while a floor-rounding one (VGG, ConvNeXt, AlexNet, DenseNet's later blocks)
leaves those pixels without heat and points at its last cell.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, Page

from classroom import images, networks
from classroom.preparation import PrepareRequest, prepare
from classroom.preparation.pipeline import entry_keys
from classroom.similarity import angular_similarity, image_to_cell
from classroom.store import FeatureStore, PreparedLayer
from tests.browser.conftest import IFRAME, POLL_MS, hook, open_tab, serve_views, view_frame
from tests.conftest import picture

#: The first architecture of every family in the registry: ceil grids (ResNet, MobileNet,
#: EfficientNet), floor grids (VGG, ConvNeXt), grids that lose more pixels at the edges
#: (AlexNet, DenseNet).
FAMILIES = tuple(family.architectures[0].name for family in networks.FAMILIES)
WIDTH, HEIGHT = 99, 67
TOLERANCE = 1 / 255


@pytest.fixture(scope="module")
def family_views(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, list[PreparedLayer]]]:
    root = tmp_path_factory.mktemp("families")
    store = FeatureStore(root / "store")
    image = root / "odd.png"
    Image.fromarray(picture(WIDTH, HEIGHT, seed=5)).save(image)
    views: dict[str, list[PreparedLayer]] = {}
    for architecture in FAMILIES:
        layers = networks.registry.default_layers(architecture)
        request = PrepareRequest(image, architecture, networks.UNTRAINED, layers, max_side=256)
        (result,) = prepare([request], store).results
        assert result.weights is not None, result.error
        keys = entry_keys(request, images.content_sha256(image), result.weights)
        entries = [store.read(keys[layer]) for layer in layers]
        views[architecture] = [entry for entry in entries if entry is not None]
        assert len(views[architecture]) == len(layers)
    manifest = root / "views.json"
    manifest.write_text(
        json.dumps(
            {
                "views": [
                    {
                        "key": name,
                        "view_id": f"{name}-a",
                        "entries": [layer.entry_id for layer in layers],
                    }
                    for name, layers in views.items()
                ]
            }
        )
    )
    return root, views


@pytest.fixture(scope="module")
def families_url(family_views: tuple[Path, dict[str, list[PreparedLayer]]]) -> Iterator[str]:
    root, _ = family_views
    with serve_views(root / "store", root / "views.json") as url:
        yield url


@pytest.fixture
def families_page(browser: BrowserContext, families_url: str) -> Iterator[Page]:
    with open_tab(browser, families_url) as tab:
        yield tab


def _grid(layer: PreparedLayer) -> tuple[int, int]:
    """The layer's grid (width, height) in cells: its header's."""
    return layer.header.width, layer.header.height


def _grey(image: Path, x: int, y: int) -> float:
    """The greyscale the view shows beneath the heat map at pixel (x, y)."""
    with Image.open(image) as opened:
        red, green, blue = np.asarray(opened.convert("RGB"), dtype=np.float64)[y, x]
    return float(0.2126 * red + 0.7152 * green + 0.0722 * blue)


@pytest.mark.parametrize("architecture", FAMILIES)
def test_every_family_paints_its_grid_up_to_the_edges(
    families_page: Page,
    family_views: tuple[Path, dict[str, list[PreparedLayer]]],
    architecture: str,
) -> None:
    root, views = family_views
    index_of_view = list(views).index(architecture)
    frame = view_frame(families_page, index_of_view)
    families_page.frame_locator(IFRAME).nth(index_of_view).get_by_test_id("opacity").fill("1")
    corner = (WIDTH - 1, HEIGHT - 1)
    # Pointing at the last pixel picks, in each panel, the cell the header's grid gives.
    cells = [
        list(image_to_cell(*corner, layer.header.info.stride, WIDTH, HEIGHT, grid=_grid(layer)))
        for layer in views[architecture]
    ]
    hook(frame, "setReference", *corner)
    frame.wait_for_function(
        "(cells) => window.__classroomView.panels().every((panel, i) => panel.cell !== null"
        " && panel.cell.x === cells[i][0] && panel.cell.y === cells[i][1])",
        arg=cells,
        polling=POLL_MS,
    )
    analysis = root / "store" / "images"
    (image_file,) = analysis.glob("*.png")
    for index, layer in enumerate(views[architecture]):
        header = layer.header
        name = f"{architecture} {header.key.layer}"
        stride, grid = header.info.stride, _grid(layer)
        assert (header.info.image_width, header.info.image_height) == (WIDTH, HEIGHT)
        # The similarities are the stored codes' (numpy), on the header's grid.
        vectors = layer.encoded().code_vectors()
        cell = image_to_cell(*corner, stride, WIDTH, HEIGHT, grid=grid)
        expected = angular_similarity(vectors, vectors[cell[1], cell[0]])
        read = hook(frame, "values", index)
        assert (read["width"], read["height"]) == grid, name
        got = np.asarray(read["values"]).reshape(grid[1], grid[0])
        assert (np.abs(got - expected) <= TOLERANCE).mean() >= 0.999, name
        # At the last pixel: the last cell's heat where the grid reaches, the image elsewhere.
        painted = hook(frame, "painted", index)
        colours = np.asarray(painted["rgb"]).reshape(grid[1], grid[0], 3)
        edge = hook(frame, "paintedPixel", index, *corner)
        covered = corner[0] < grid[0] * stride and corner[1] < grid[1] * stride
        if covered:
            assert edge == colours[-1, -1].tolist(), f"{name}: the partial last cell is painted"
        else:
            grey = _grey(image_file, *corner)
            assert all(abs(channel - grey) <= 2 for channel in edge), f"{name}: {edge} {grey}"
