"""The benchmark runner's own logic: statistics, the table, the JSON, missing figures.

No timing is asserted here: benchmarks measure, tests check that what they report is right.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from benchmarks.figures import Figure, Goal, Spec, format_table, json_figures
from benchmarks.load_check import floor_slope
from benchmarks.store_size import angular_similarities
from benchmarks.suite import Family, Options, run_family
from classroom.similarity import angular_similarity
from harness.app import rss_bytes

RATIO = Spec("speed_ratio", "ours / theirs", "x", Goal("<=", 0.5))


def test_samples_give_median_iqr_and_count() -> None:
    figure = Spec("t", "time", "s").from_samples([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (figure.value, figure.spread, figure.n) == (3.0, 2.0, 5)


def test_a_ratio_is_the_median_of_the_pairs_ratios() -> None:
    # The second pair was hit by a burst of other work on one side only.
    figure = RATIO.ratio_of([1.0, 9.0, 30.0], [4.0, 4.0, 40.0])
    assert figure.samples == (0.25, 2.25, 0.75)
    assert figure.value == pytest.approx(0.75)
    assert figure.spread == pytest.approx(1.0)
    assert figure.met is False


def test_the_table_marks_goals_and_unmeasured_figures_with_their_reason() -> None:
    missed = RATIO.measured(0.7)
    absent = Spec("rss", "memory", "MiB").unmeasured("no /proc here")
    table = format_table([missed, absent], title="run")
    rows = table.splitlines()
    assert any(row.startswith("ours / theirs") and "NO" in row for row in rows)
    assert any(row.startswith("memory") and "—" in row and "[1]" in row for row in rows)
    assert rows[-1] == "[1] no /proc here"


def test_json_has_every_key_with_null_for_unmeasured() -> None:
    values, details = json_figures([RATIO.measured(0.4), Spec("a", "a").unmeasured("why")])
    assert values == {"speed_ratio": 0.4, "a": None}
    assert details["speed_ratio"]["met"] is True
    assert details["a"]["note"] == "why"
    json.dumps(details)  # serialisable as it is


def test_a_family_that_fails_reports_each_of_its_keys_as_unmeasured() -> None:
    def broken(options: Options) -> list[Figure]:
        raise FileNotFoundError("Chromium was not found")

    specs = (Spec("x", "x"), Spec("y", "y"))
    figures = run_family(Family("broken", "Broken", specs, broken), Options())
    assert [figure.spec.key for figure in figures] == ["x", "y"]
    assert all(figure.value is None for figure in figures)
    assert "Chromium was not found" in figures[0].note


def test_a_family_that_forgets_a_figure_still_reports_its_key() -> None:
    specs = (Spec("x", "x"), Spec("y", "y"))
    family = Family("partial", "Partial", specs, lambda _: [specs[1].measured(1.0)])
    figures = run_family(family, Options())
    assert [(figure.spec.key, figure.value) for figure in figures] == [("x", None), ("y", 1.0)]


def test_the_memory_floor_slope_ignores_transient_peaks_and_finds_a_leak() -> None:
    times = [float(second) for second in range(0, 120, 2)]
    peaks = [30.0 if index % 3 == 0 else 0.0 for index in range(len(times))]
    flat = [200.0 + peak for peak in peaks]
    leaking = [200.0 + 0.1 * moment + peak for moment, peak in zip(times, peaks, strict=True)]
    assert floor_slope(times, flat, 15.0) == pytest.approx(0.0)
    assert floor_slope(times, leaking, 15.0) == pytest.approx(6.0, rel=0.05)  # 0.1 MiB/s


def test_batched_similarities_agree_with_the_numpy_reference() -> None:
    rng = np.random.default_rng(0)
    vectors = np.maximum(rng.standard_normal((50, 8)), 0)
    vectors[3] = 0  # a zero vector: similarity 0 to and from it
    references = np.array([0, 3, 7])
    batched = angular_similarities(vectors, references)
    for row, reference in enumerate(references):
        np.testing.assert_allclose(
            batched[row], angular_similarity(vectors, vectors[reference]), atol=1e-12
        )


def test_resident_memory_counts_the_children_of_a_process() -> None:
    allocate = "b = b'x' * (64 << 20); import time; time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", allocate])
    try:
        # The child writes 64 MiB, so they are resident once it has started.
        deadline = time.monotonic() + 20
        alone = rss_bytes(os.getpid(), children=False)
        while rss_bytes(os.getpid()) - alone < 64 << 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert rss_bytes(os.getpid()) - alone >= 64 << 20
    finally:
        child.kill()
        child.wait()
