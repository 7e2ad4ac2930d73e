"""The bundled lesson "What does this channel want to see?" shows what its text says: from a
channel in the activation grid, to the collection's images that excite it most, to its
generated images and facets (issue 15), computed the way ``classroom prepare`` and the app do."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from classroom.lessons import load_lesson
from classroom.preparation.techniques import TechniqueJob, compute_technique, jobs_for_lesson
from classroom.store import FeatureStore
from classroom.techniques import TechniqueMap
from tests.conftest import REPO_ROOT

LESSON = REPO_ROOT / "lessons" / "what-a-channel-wants.yaml"
#: The shapes the step's picture shows (tools/technique_scenes.py): centres and inner radii.
CIRCLE = ((64, 80), 30)
SQUARE = ((176, 88), 24)


def _jobs() -> dict[str, TechniqueJob]:
    """The first three steps' techniques, by step id."""
    lesson = load_lesson(LESSON)
    jobs = jobs_for_lesson(lesson)
    ids = [step.id for step in lesson.steps for _ in step.techniques]
    return dict(list(zip(ids, jobs, strict=True))[:3])


def _tile(picture: TechniqueMap, channel: int) -> int:
    (tile,) = [
        index
        for index, name in enumerate(picture.tile_names)
        if name.startswith(f"channel {channel} ")
    ]
    return tile


def _inside(values: np.ndarray, shape: tuple[tuple[int, int], int], size: tuple[int, int]) -> float:
    """The mean of a map over the cells whose centres lie inside a shape of the picture."""
    (x, y), radius = shape
    rows, columns = values.shape
    cy, cx = np.mgrid[0:rows, 0:columns]
    width, height = size
    inside = np.hypot((cx + 0.5) * width / columns - x, (cy + 0.5) * height / rows - y) < radius
    return float(values[inside].mean())


def test_the_steps_go_from_the_grid_to_the_top_images_to_the_facets() -> None:
    jobs = _jobs()
    assert list(jobs) == ["a-channel", "its-top-images", "its-generated-image"]
    grid, top, generated = (jobs[step].request for step in jobs)
    assert (grid.technique, grid.layer) == ("activations", "block4")
    for request in (top, generated):
        assert (request.technique, request.layer, request.options["channel"]) == (
            "maximize",
            "block4",
            43,
        )
    assert top.options["steps"] == 0
    assert generated.options["steps"] > 0
    assert generated.options["facets"] > 1


def test_channel_43_is_in_the_grid_bright_on_the_circle_and_dark_on_the_square(
    tmp_path: Path,
) -> None:
    job = _jobs()["a-channel"]
    (picture,) = compute_technique(job, FeatureStore(tmp_path)).maps
    values = picture.values[_tile(picture, 43)]
    size = (240, 160)
    on_circle, on_square = _inside(values, CIRCLE, size), _inside(values, SQUARE, size)
    # Bright: far above its own mean over the picture; dark: a tenth of that on the square.
    assert on_circle > 2 * float(values.mean())
    assert on_square < on_circle / 10


@pytest.mark.slow
def test_the_top_images_are_circles_and_every_facet_beats_them(tmp_path: Path) -> None:
    store = FeatureStore(tmp_path)
    jobs = _jobs()
    _, top = compute_technique(jobs["its-top-images"], store).maps
    assert len(top.tile_names) == 6
    assert all("(circle)" in name for name in top.tile_names), top.tile_names
    best = max(float(re.sub(r".*: ", "", name)) for name in top.tile_names)
    facets, _ = compute_technique(jobs["its-generated-image"], store).maps
    values = [float(re.sub(r".*: ", "", name)) for name in facets.tile_names]
    assert len(values) == 4
    # The text says: every drawing reaches about three times the best real image's value.
    assert min(values) > 2 * best, (values, best)
