""" "Four ways to ask a network why" in real Chromium: each step's techniques are painted by the
view itself, as map panels, and what the step's text says holds on what they paint.

``classroom run`` (trained weights) on the bundled lessons with an empty store: the app
computes each step's techniques once and hands their maps to the view. Each step is opened by
its share link; every map panel's colours are read back through the test hook and must equal
numpy's colouring (:func:`classroom.similarity.map_colours`) of the result the app stored, and
the step's claims (:mod:`tests.four_ways_claims`) are asserted on those results. What a map
panel does not paint is checked on the page: the top-5 table, a picture alone (tiles are the
view's tiles panels, their first tile enlarged in numpy's colours). The
distance step opens the view with the Euclidean distance; its claims are asserted on the
distances and angles the GPU computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import BrowserContext, Frame

from classroom.component.panels import drawn_by_view
from classroom.lessons import Step
from classroom.preparation.techniques import TechniqueJob, read_technique
from classroom.settings import BUNDLED_LESSONS
from classroom.similarity import METRIC_LEGENDS, colour_lut, diverging_lut, map_colours
from classroom.store import FeatureStore
from classroom.techniques import TechniqueResult
from harness.app import classroom_app
from tests.browser.conftest import IFRAME, POLL_MS, hook, open_tab
from tests.browser.lesson_steps import drawn_view
from tests.browser.tiles import assert_shows, tiles_report
from tests.four_ways_claims import METRIC_STEP, block4_oracle, check_metric_step, check_step, lesson


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("four-ways") / "store"


@pytest.fixture(scope="module")
def app_url(store_root: Path) -> Iterator[str]:
    with classroom_app(BUNDLED_LESSONS, store_root, untrained=False) as server:
        yield server.url


def _stored_results(store_root: Path, step: Step) -> list[TechniqueResult]:
    """What the app computed for the step, from its store (never computed here)."""
    results = []
    for use in step.techniques:
        job = TechniqueJob(
            use.request(step.reference),
            lesson().image(step.image).path,
            lesson().network,
            lesson().weights,
            lesson().max_side,
            None,
        )
        result = read_technique(job, FeatureStore(store_root))
        assert result is not None, f"the app did not store {job.request.label}"
        results.append(result)
    return results


def _check_map_panels(frame: Frame, results: list[TechniqueResult]) -> int:
    """Each map the view draws is a panel after the similarity panels, in the results' order:
    an image-sized map a map panel painted as numpy colours it, tiles (filters, channels) a
    tiles panel whose first tile is enlarged in numpy's colours; returns how many."""
    items = [item for result in results for item in result.maps if drawn_by_view(item)]
    first = len(lesson().layers)
    for offset, item in enumerate(items):
        index = first + offset
        if item.values.ndim > 2:
            assert_shows(tiles_report(frame, index, 0), item, 0)
            continue
        frame.wait_for_function(
            f"() => (window.__classroomView?.technique({index})?.colours?.rgb ?? [0])"
            ".some((v) => v > 0)",
            polling=POLL_MS,
        )
        report = hook(frame, "technique", index)
        colours = report["colours"]
        height, width = item.values.shape
        assert (colours["width"], colours["height"]) == (width, height), item.title
        got = np.asarray(colours["rgb"], dtype=np.int32).reshape(height, width, 3)
        table = diverging_lut() if item.scale == "diverging" else colour_lut("viridis")
        expected = map_colours(item.values, item.value_range, table).astype(np.int32)
        difference = np.abs(got - expected).max(axis=2)
        assert (difference == 0).mean() >= 0.999, f"{item.title}: {(difference == 0).mean():.4%}"
        assert difference.max() <= 6, item.title
    assert hook(frame, "technique", first + len(items)) is None, "more panels than maps"
    return len(items)


@pytest.mark.parametrize(
    "step", [s for s in lesson().steps if s.id != METRIC_STEP], ids=lambda step: step.id
)
def test_each_steps_maps_are_painted_in_the_view_and_show_what_its_text_says(
    browser: BrowserContext, app_url: str, store_root: Path, step: Step
) -> None:
    with open_tab(browser, f"{app_url}/?lesson={lesson().id}&step={step.id}") as page:
        frame = drawn_view(page, step)
        results = _stored_results(store_root, step)
        painted = _check_map_panels(frame, results)
        check_step(step, results)
        if step.techniques[0].technique == "predict":  # the top-5 table, most probable first
            table = page.locator("table").first.inner_text()
            labels = [prediction.label for prediction in results[0].predictions]
            assert [table.index(label) for label in labels] == sorted(
                table.index(label) for label in labels
            ), table
        pictures = [item for result in results for item in result.maps if not drawn_by_view(item)]
        for item in pictures:  # a picture alone is drawn beside the view, titled
            page.get_by_text(item.title, exact=True).first.wait_for(state="visible")
        assert painted + len(pictures) == sum(len(result.maps) for result in results)


def test_the_distance_step_opens_with_the_euclidean_distance_and_shows_what_it_says(
    browser: BrowserContext, app_url: str, store_root: Path
) -> None:
    step = next(step for step in lesson().steps if step.id == METRIC_STEP)
    block4 = lesson().layers.index("block4")
    with open_tab(browser, f"{app_url}/?lesson={lesson().id}&step={step.id}") as page:
        frame = drawn_view(page, step)
        control = page.frame_locator(IFRAME).first
        shown: dict[str, np.ndarray] = {}
        for metric in ("euclidean", "angular"):
            if metric == "angular":
                control.get_by_test_id("metric").select_option(metric)
            frame.wait_for_function(
                "(text) => document.querySelector('[data-testid=metric-meaning]')?.textContent"
                "?.endsWith(text)",
                arg=METRIC_LEGENDS[metric][1],
                polling=POLL_MS,
            )
            read = hook(frame, "values", block4)
            shown[metric] = np.asarray(read["values"]).reshape(read["height"], read["width"])
    angular, euclidean, lengths = block4_oracle(FeatureStore(store_root), step, "trained")
    np.testing.assert_allclose(shown["angular"], angular, atol=2 / 255)
    np.testing.assert_allclose(
        shown["euclidean"], euclidean, atol=2 / 255 * float(np.ptp(euclidean))
    )
    check_metric_step(step, shown["angular"], shown["euclidean"], lengths)
