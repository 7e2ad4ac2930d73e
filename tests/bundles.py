"""A small prepared lesson on the shapes network (shipped weights: no download) and its bundle.

Two steps on two pictures; the second compares trained and untrained weights side by side,
so a bundle pins both kinds of weights identity. Shared by the bundle tests, the browser
tests that open bundles, and the benchmarks.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from classroom.bundle.writing import BundleSummary, write_bundle
from classroom.lessons import Lesson, load_lesson
from classroom.preparation import prepare
from classroom.preparation.requests import requests_for_lesson
from classroom.store import FeatureStore
from tests.conftest import REPO_ROOT

__all__ = ["LESSON", "PreparedLesson", "make_bundle", "prepared_lesson"]

LESSON: Final = """\
title: Shapes in a bundle
model: shapes
max_side: 192
images:
  cat:
    path: chelsea.png
    caption: Chelsea the cat
    attribution: Stefan van der Walt, via scikit-image. CC0.
  coffee:
    path: coffee.png
    caption: An espresso on a saucer
    attribution: Rachel Michetti, courtesy of Pikolo Espresso Bar, via scikit-image. CC0.
steps:
  - id: cat
    title: The cat
    image: cat
    reference: [172, 112]
    text: Point at the eye.
  - id: trained-or-not
    title: Trained or untrained
    image: coffee
    reference: [200, 150]
    layers: [block2, {layer: block2, weights: untrained}]
    text: Compare the two panels.
"""


@dataclass(frozen=True)
class PreparedLesson:
    lesson_path: Path
    store: FeatureStore

    def lesson(self) -> Lesson:
        return load_lesson(self.lesson_path)


def prepared_lesson(root: Path) -> PreparedLesson:
    """The lesson under ``root`` (``lessons/``, ``datasets/``), prepared into ``root/store``."""
    (root / "lessons").mkdir(parents=True)
    datasets = root / "datasets"
    datasets.mkdir()
    for name in ("chelsea.png", "coffee.png", "LICENSES.md"):
        shutil.copy(REPO_ROOT / "datasets" / name, datasets / name)
    lesson_path = root / "lessons" / "shapes-bundle.yaml"
    lesson_path.write_text(LESSON, encoding="utf-8")
    store = FeatureStore(root / "store")
    report = prepare(requests_for_lesson(load_lesson(lesson_path)), store)
    assert all(result.error is None for result in report.results), report.results
    return PreparedLesson(lesson_path, store)


def make_bundle(prepared: PreparedLesson, output: Path) -> BundleSummary:
    return write_bundle(prepared.lesson_path, output, store=prepared.store)
