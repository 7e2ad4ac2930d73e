"""``classroom figure`` of a step with ``across:`` draws its other images too, and each of
their pixels is the numpy oracle's colour: compare_across against the reference pixel's
vector, all images stretched over one shared range, the same colour table (the browser's
cross-image panel, tests/browser/test_across.py, is held to the same oracle).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from classroom import images
from classroom.bundle.figure import FigureError, write_figure
from classroom.preparation import PrepareRequest, load_prepared, prepare
from classroom.preparation.across_collections import across_requests
from classroom.preparation.requests import requests_for_lesson
from classroom.similarity import colourise, compare_across, image_to_cell
from classroom.store import FeatureStore, PreparedLayer
from tests.shapes_claims import LESSON_FILE, lesson

STEPS = ("across-images", "across-collection")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FeatureStore:
    """The two ``across:`` steps of the shapes lesson, prepared as ``classroom prepare`` does."""
    made = FeatureStore(tmp_path_factory.mktemp("figure-across"))
    shown = {lesson().image(image).path for image in ("four", "pairs", "stars")}
    requests: list[PrepareRequest] = [
        request for request in requests_for_lesson(lesson()) if request.image in shown
    ]
    report = prepare([*requests, *across_requests(lesson(), made)], made)
    assert all(result.weights is not None for result in report.results)
    return made


def _oracle(
    reference: PreparedLayer, pixel: tuple[int, int], others: list[PreparedLayer]
) -> tuple[list[npt.NDArray[np.uint8]], float, float]:
    """Each other image as the cross-image panel paints it, pixel by pixel, and the range
    all of them are stretched over."""
    info = reference.header
    cell = image_to_cell(
        *pixel,
        info.info.stride,
        info.info.image_width,
        info.info.image_height,
        grid=(info.width, info.height),
    )
    encoded = reference.encoded()
    codes, scale = encoded.code_vectors()[cell[1], cell[0]], float(encoded.scales[cell[1], cell[0]])
    values = []
    for other in others:
        theirs = other.encoded()
        values.append(compare_across("angular", theirs.code_vectors(), theirs.scales, codes, scale))
    low = min(float(found.min()) for found in values)
    high = max(float(found.max()) for found in values)
    pictures = []
    for other, found in zip(others, values, strict=True):
        cells = colourise((found - low) / (high - low))
        head = other.header
        width, height = head.info.image_width, head.info.image_height
        picture = np.empty((height, width, 3), np.uint8)
        for y in range(height):
            for x in range(width):
                column, row = image_to_cell(
                    x, y, head.info.stride, width, height, grid=(head.width, head.height)
                )
                picture[y, x] = cells[row, column]
        pictures.append(picture)
    return pictures, low, high


@pytest.mark.parametrize("step_id", STEPS)
def test_the_figures_other_images_are_the_oracles_colours(
    store: FeatureStore, tmp_path: Path, step_id: str
) -> None:
    step = next(step for step in lesson().steps if step.id == step_id)
    assert step.across is not None
    assert step.reference is not None
    output = tmp_path / "figure.png"
    drawn = write_figure(LESSON_FILE, step_id, output, store_root=store.root)
    expected_count = step.across.count if step.across.collection else len(step.across.images)
    assert len(drawn.across) == expected_count
    own = next(
        request
        for request in requests_for_lesson(lesson())
        if request.image == lesson().image(step.image).path
    )
    prepared = load_prepared(own, store)
    assert prepared is not None
    pixel = images.map_pixel(*step.reference, prepared.original_size, prepared.size)
    reference = prepared.layers[step.across.layer]
    others = [placement.layer for placement in drawn.across]
    written = np.asarray(Image.open(output).convert("RGB"))
    pictures, low, high = _oracle(reference, pixel, others)
    assert high > low
    for placement, expected in zip(drawn.across, pictures, strict=True):
        assert (placement.low, placement.high) == (low, high)  # one colour scale for all
        x0, y0, x1, y1 = placement.box
        assert np.array_equal(written[y0:y1, x0:x1], expected), placement.label


def test_a_figure_of_unprepared_other_images_says_how_to_prepare_them(tmp_path: Path) -> None:
    empty = FeatureStore(tmp_path / "store")
    own = [
        request
        for request in requests_for_lesson(lesson())
        if request.image == lesson().image("four").path
    ]
    prepare(own, empty)
    with pytest.raises(FigureError, match="other images are not prepared; run `classroom prepare"):
        write_figure(LESSON_FILE, "across-collection", tmp_path / "f.png", store_root=empty.root)
