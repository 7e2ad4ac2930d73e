"""A step's ``across: {collection: ...}``: one reference pixel lighting up a collection's images.

The images are picked one per class in turn, written once as files into the store and
prepared with the step's layer and weights like lesson pictures; every mistake names its line
and field; and on the shapes network the bundled step's claim (each circle of the collection
lights up more than any other shape) holds on the prepared features and fails on untrained
weights.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from classroom import images
from classroom.background import LessonJobs
from classroom.encoding import EncodedLayer
from classroom.lessons import Step
from classroom.preparation import PrepareRequest, prepare
from classroom.preparation.across_collections import (
    across_requests,
    chosen_images,
    class_turns,
    step_across_requests,
)
from classroom.preparation.pipeline import entry_keys
from classroom.similarity import compare_across, image_to_cell
from classroom.store import FeatureStore
from classroom.trained.specs import SHAPES
from tests.lesson_tree import LessonTree
from tests.shapes_claims import Similarity, check_collection_across, lesson

LESSON = """\
title: Across a collection
model: shapes
weights: trained
layers: [block1, block4]
images:
  photo:
    path: photo.png
    attribution: generated for the tests, CC0
collections:
  shapes:
    source: shapes
    count: 20
steps:
  - text: Look across.
    reference: [10, 20]
    across:
{across}
"""


def test_class_turns_take_one_image_per_class_in_turn_and_page_on() -> None:
    labels = np.array([2, 0, 0, 1, 2, 0, 1], dtype=np.int64)
    assert class_turns(labels, 4) == [1, 3, 0, 2]
    assert class_turns(labels, 4, page=1) == [6, 4, 5]  # class 2 ran out
    assert class_turns(labels, 4, page=2) == []


def test_a_collection_step_prepares_its_images_as_store_files(tmp_path: Path) -> None:
    tree = LessonTree(tmp_path)
    lesson_ = tree.load(LESSON.format(across="      collection: shapes\n      count: 7"))
    step = lesson_.steps[0]
    assert step.across is not None
    assert (step.across.collection, step.across.count, step.across.layer) == (
        "shapes",
        7,
        "block4",
    )
    labels = [label for _, label in chosen_images(lesson_, step)]
    assert labels == ["circle", "square", "triangle", "star", "cross", "circle", "square"]
    store = FeatureStore(tmp_path / "store")
    jobs = LessonJobs.of(lesson_, untrained=False, store_root=store.root)
    across = jobs.across(step)
    assert len(across) == 7
    assert all(job in jobs.jobs for job in across)  # prepared with the rest of the lesson
    for job, label in zip(across, labels, strict=True):
        assert job.request.image.is_relative_to(store.root)
        assert images.upright_size(job.request.image) == (96, 96)
        assert (job.request.weights, job.request.layers) == ("trained", ("block4",))
        assert job.shown.startswith(f"{label} (image ")
    # The same collection writes the same files: preparing again finds them prepared.
    again = [request.image for request in across_requests(lesson_, store)]
    assert again == [job.request.image for job in across]


@pytest.mark.parametrize(
    ("across", "line", "field", "message"),
    [
        (
            "      collection: shapez",
            17,
            "steps[0].across.collection",
            "no collection 'shapez' under collections: — did you mean 'shapes'? (known: shapes)",
        ),
        (
            "      collection: shapes\n      images: [photo]",
            16,
            "steps[0].across",
            "across: needs either images: (ids) or collection: (a name), not both",
        ),
        (
            "      layer: block4",
            16,
            "steps[0].across",
            "across: needs either images: (ids) or collection: (a name), not both",
        ),
        (
            "      collection: shapes\n      count: 17",
            18,
            "steps[0].across.count",
            None,
        ),
    ],
)
def test_a_wrong_collection_across_names_its_line_and_field(
    tmp_path: Path, across: str, line: int, field: str, message: str | None
) -> None:
    problems = LessonTree(tmp_path).problems(LESSON.format(across=across))
    found = [(problem.line, problem.field) for problem in problems]
    assert (line, field) in found, problems
    if message is not None:
        assert message in [problem.message for problem in problems]


def _encoded(store: FeatureStore, request: PrepareRequest, layer: str) -> EncodedLayer:
    """One image's map of ``layer``, prepared into the store and read back as stored."""
    (result,) = prepare([request], store).results
    assert result.weights is not None, result.error
    keys = entry_keys(request, images.content_sha256(request.image), result.weights)
    entry = store.read(keys[layer])
    assert entry is not None
    return entry.encoded()


def _collection_maps(
    store: FeatureStore, weights: str
) -> tuple[Step, list[tuple[str, Similarity]]]:
    """The bundled step's collection images compared with its reference pixel's vector, as
    the browser's cross-image panel does: ``(class name, map)`` in the panel's order."""
    step = next(step for step in lesson().steps if step.id == "across-collection")
    assert step.across is not None
    assert step.reference is not None
    layer = step.across.layer
    own = lesson().image(step.image).path
    request = PrepareRequest(own, "shapes", weights, (layer,), 8, lesson().max_side)
    reference = _encoded(store, request, layer)
    x, y = image_to_cell(*step.reference, SHAPES.layer(layer).stride, *images.upright_size(own))
    codes, scale = reference.code_vectors()[y, x], float(reference.scales[y, x])
    maps = []
    for wanted, picture in step_across_requests(lesson(), step, store):
        other = _encoded(store, replace(wanted, weights=weights), layer)
        similarity = compare_across("angular", other.code_vectors(), other.scales, codes, scale)
        maps.append((picture.label, similarity.astype(np.float32)))
    return step, maps


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FeatureStore:
    return FeatureStore(tmp_path_factory.mktemp("across-collection"))


def test_each_circle_of_the_collection_lights_up_more_than_other_shapes(
    store: FeatureStore,
) -> None:
    step, maps = _collection_maps(store, "trained")
    assert step.across is not None
    assert step.across.weights == "trained"
    check_collection_across(step, maps)


def test_the_collection_claim_fails_on_untrained_weights(store: FeatureStore) -> None:
    """Random weights light up colours and edges: a circle is no brighter than the rest."""
    step, maps = _collection_maps(store, "untrained")
    with pytest.raises(AssertionError):
        check_collection_across(step, maps)


def test_a_bundle_carries_the_collection_images_maps(tmp_path: Path) -> None:
    """Opened elsewhere, the step's collection images are made again (the same bytes) and
    found prepared in the bundle's store: nothing is left to compute."""
    from classroom.bundle import open_bundle
    from classroom.bundle.writing import write_bundle
    from classroom.lessons import load_lesson
    from classroom.preparation import load_prepared, requests_for_lesson

    tree = LessonTree(tmp_path / "tree")
    path = tree.write(LESSON.format(across="      collection: shapes\n      count: 3"))
    made = tree.load(path.read_text())
    store = FeatureStore(tmp_path / "store")
    report = prepare([*requests_for_lesson(made), *across_requests(made, store)], store)
    assert all(result.weights is not None for result in report.results)
    bundle = write_bundle(path, tmp_path / "lesson.classroom", store=store).path
    with open_bundle(bundle) as opened, opened.applied():
        lesson_ = load_lesson(opened.lesson_path, datasets_dir=opened.datasets_dir)
        jobs = LessonJobs.of(lesson_, untrained=False, store_root=opened.store_root)
        across = jobs.across(lesson_.steps[0])
        assert len(across) == 3
        opened_store = FeatureStore(opened.store_root)
        for job in across:
            assert job.request.image.is_relative_to(opened.store_root)
            assert load_prepared(job.request, opened_store) is not None, job.shown
