"""The shapes lesson in real Chromium: what each step's text says is what its view shows.

``classroom run`` (trained weights, nothing switched to untrained) on the bundled lessons,
with an empty store and an empty torch hub cache: the shapes network's weights ship with
classroom, so the lesson opens offline and nothing is downloaded. Each step is opened by its
share link; once every panel is painted at the step's preset reference, the similarities
the GPU computed are read back from the view and the step's claims
(:mod:`tests.shapes_claims`) are asserted on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import BrowserContext, Frame

from classroom.lessons import Step
from classroom.preparation.across_collections import chosen_images
from classroom.settings import BUNDLED_LESSONS
from harness.app import POLL_MS, classroom_app
from tests.browser.conftest import hook, open_tab
from tests.browser.lesson_steps import PREPARATION_MS, drawn_view
from tests.shapes_claims import Maps, check_across, check_collection_across, check_step, lesson


@pytest.fixture(scope="module")
def caches(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shapes-lesson")


@pytest.fixture(scope="module")
def app_url(caches: Path) -> Iterator[str]:
    """``classroom run`` with trained weights, an empty store and an empty torch hub cache."""
    torch_home = {"TORCH_HOME": str(caches / "torch")}
    with classroom_app(
        BUNDLED_LESSONS, caches / "store", untrained=False, environment=torch_home
    ) as server:
        yield server.url


#: True once the cross-image panel has every other image on the GPU and compared.
_ACROSS_DRAWN = """(index) => {
    const across = window.__classroomView?.technique(index)?.across;
    return across?.ready === true && across.images.every((image) => image !== null);
}"""


def _across_images(frame: Frame, step: Step) -> list[Any]:
    """The step's other images as the cross-image panel computed them, in its order."""
    assert step.across is not None
    index = len(step.panels)  # the similarity panels, then the cross-image panel
    frame.wait_for_function(_ACROSS_DRAWN, arg=index, polling=POLL_MS, timeout=PREPARATION_MS)
    read = hook(frame, "technique", index)["across"]
    return [
        np.asarray(image["values"], dtype=np.float32).reshape(image["height"], image["width"])
        for image in read["images"]
    ]


def _across_values(frame: Frame, step: Step) -> dict[str, Any]:
    """The step's other images as the cross-image panel computed them, by image id."""
    assert step.across is not None
    return dict(zip(step.across.images, _across_images(frame, step), strict=True))


@pytest.mark.parametrize("step", lesson().steps, ids=lambda step: step.id)
def test_each_step_shows_what_its_text_says(
    browser: BrowserContext, app_url: str, caches: Path, step: Step
) -> None:
    # The lesson's pictures are 256 x 192, under its max_side: analysis pixels are the file's.
    with open_tab(browser, f"{app_url}/?lesson={lesson().id}&step={step.id}") as page:
        frame = drawn_view(page, step)
        maps: dict[tuple[str, str], Any] = {}
        for index, panel in enumerate(step.panels):
            read = hook(frame, "values", index)
            values = np.asarray(read["values"], dtype=np.float32)
            maps[panel.layer, panel.weights] = values.reshape(read["height"], read["width"])
        shown: Maps = maps
        check_step(step, shown)
        if step.across is not None and step.across.collection is not None:
            labels = [label for _, label in chosen_images(lesson(), step)]
            lit = list(zip(labels, _across_images(frame, step), strict=True))
            check_collection_across(step, lit)
        elif step.across is not None:
            check_across(step, _across_values(frame, step))
    assert not (caches / "torch" / "hub").exists(), "the shapes lesson downloaded something"
