"""An exported figure of a bundled step shows the numpy oracle's colours, pixel for pixel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from classroom import images
from classroom.bundle import open_bundle
from classroom.bundle.figure import write_figure
from classroom.lessons import load_lesson
from classroom.preparation import load_prepared
from classroom.preparation.requests import requests_for_lesson
from classroom.similarity import angular_similarity, colourise, image_to_cell, stretch
from classroom.store import FeatureStore, PreparedLayer
from tests.bundles import PreparedLesson, make_bundle, prepared_lesson


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prepared: PreparedLesson = prepared_lesson(tmp_path_factory.mktemp("figure-lesson"))
    return make_bundle(prepared, tmp_path_factory.mktemp("figure") / "lesson.classroom").path


def oracle_panel(
    layer: PreparedLayer, pixel: tuple[int, int], size: tuple[int, int]
) -> npt.NDArray[np.uint8]:
    """What the browser paints: each image pixel its cell's colour (tests/browser's maths)."""
    width, height = size
    grid = (layer.header.width, layer.header.height)
    stride = layer.header.info.stride
    vectors = layer.encoded().code_vectors()
    cell_x, cell_y = image_to_cell(*pixel, stride, width, height, grid=grid)
    stretched, _, _ = stretch(angular_similarity(vectors, vectors[cell_y, cell_x]))
    cells = colourise(stretched)
    out = np.empty((height, width, 3), np.uint8)
    for y in range(height):
        for x in range(width):
            column, row = image_to_cell(x, y, stride, width, height, grid=grid)
            out[y, x] = cells[row, column]
    return out


@pytest.mark.parametrize("step_id", ["cat", "trained-or-not"])
def test_the_figure_matches_the_oracle_pixel_for_pixel(
    bundle: Path, tmp_path: Path, step_id: str
) -> None:
    output = tmp_path / "figure.png"
    with open_bundle(bundle) as opened, opened.applied():
        lesson = load_lesson(opened.lesson_path, datasets_dir=opened.datasets_dir)
        step = next(step for step in lesson.steps if step.id == step_id)
        drawn = write_figure(
            opened.lesson_path,
            step_id,
            output,
            store_root=opened.store_root,
            datasets_dir=opened.datasets_dir,
        )
        request = {
            request.weights: request
            for request in requests_for_lesson(lesson)
            if request.image == lesson.image(step.image).path
        }
        store = FeatureStore(opened.store_root)
        written = np.asarray(Image.open(output).convert("RGB"))
        assert len(drawn.panels) == len(step.panels)
        for panel, placement in zip(step.panels, drawn.panels, strict=True):
            prepared = load_prepared(request[panel.weights], store)
            assert prepared is not None
            assert step.reference is not None
            pixel = images.map_pixel(*step.reference, prepared.original_size, prepared.size)
            expected = oracle_panel(prepared.layers[panel.layer], pixel, prepared.size)
            x0, y0, x1, y1 = placement.box
            got = written[y0:y1, x0:x1].copy()
            assert got.shape == expected.shape
            # Everything but the reference marker drawn over the panel is the oracle's.
            mask = np.ones(got.shape[:2], bool)
            mx0, my0, mx1, my1 = placement.marker
            mask[max(my0 - y0, 0) : my1 - y0, max(mx0 - x0, 0) : mx1 - x0] = False
            assert mask.mean() > 0.98
            mismatched = np.argwhere((got != expected).any(axis=2) & mask)
            assert mismatched.size == 0, f"{panel.layer}: first wrong pixel {mismatched[:1]}"
            # The marker is there, at the reference pixel.
            assert (got[~mask] != expected[~mask]).any()
