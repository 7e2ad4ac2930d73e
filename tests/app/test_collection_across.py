"""The Collections page's cross-image view: an image of a collection in the similarity view,
and under it a page of the collection's other images lit up by its reference pixel, one per
class in turn, prepared by the app's worker with the session's weights, or with a checkpoint a
lesson names."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from classroom.app.collection_page import VIEW_MENU
from classroom.component.contract import AcrossPanel
from classroom.lessons.collection_views import LessonCollection
from classroom.preparation.across_collections import class_turns, collection_labels
from tests.app.page import APP, prepared, view
from tests.lesson_tree import LessonTree
from tests.test_collection_checkpoints import LESSON as CHECKPOINT_LESSON
from tests.test_collection_checkpoints import _tuned

SHAPES = ("circle", "square", "triangle", "star", "cross")


def _across_page(count: int = 50) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.radio(key="mode").set_value("Collections").run()
    at.selectbox(key="collections/model").select("shapes").run()
    at.slider(key="collections/count").set_value(count).run()
    at.selectbox(key=VIEW_MENU).select("across").run()
    return prepared(at)


def _across(at: AppTest) -> AcrossPanel:
    args = view(at)
    assert args is not None, "no view on the page"
    [panel] = [panel for panel in args.panels if isinstance(panel, AcrossPanel)]
    return panel


@pytest.mark.usefixtures("tree")
def test_an_image_lights_up_one_image_per_class_in_turn_page_by_page() -> None:
    at = _across_page()
    assert not at.exception
    args = view(at)
    assert args is not None
    [stage] = args.layers
    across = _across(at)
    assert across.layer == stage.layer == "block4"  # the chosen layers' last
    assert stage.weights_label.startswith("trained")
    assert args.image.caption == "circle (image 0)"
    captions = [image.image.caption for image in across.images]
    assert len(captions) == 8
    assert [caption.split(" ")[0] for caption in captions] == [*SHAPES[1:], *SHAPES[:4]]
    entry = {"name": "shapes", "source": "shapes", "count": 50}
    labels = collection_labels(LessonCollection.model_validate(entry))
    order = [index for index in class_turns(labels, len(labels)) if index != 0]
    assert [caption.split("image ")[1].rstrip(")") for caption in captions] == [
        str(index) for index in order[:8]
    ]
    # The next page: the next eight of that order, the picked image still on the stage.
    at.number_input(key="page/shapes/50/across/page").set_value(2).run()
    at = prepared(at)
    page_two = [image.image.caption for image in _across(at).images]
    assert [caption.split("image ")[1].rstrip(")") for caption in page_two] == [
        str(index) for index in order[8:16]
    ]


@pytest.mark.usefixtures("tree", "untrained")
def test_an_untrained_session_lights_them_up_with_untrained_weights() -> None:
    at = _across_page()
    assert not at.exception
    across = _across(at)
    assert all(image.source.untrained for image in across.images)


def test_a_lessons_checkpoint_lights_them_up_with_its_own_vectors(tree: LessonTree) -> None:
    checkpoint = _tuned(tree.datasets / "models" / "tuned.pth")
    tree.write(CHECKPOINT_LESSON.format(weights="trained, models/tuned.pth"), "c-tuned.yaml")
    trained = _across(_across_page())
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    at.radio(key="mode").set_value("Collections").run()
    at.selectbox(key="collections/model").select("shapes").run()
    at.slider(key="collections/count").set_value(50).run()
    menu = at.multiselect(key="collections/shapes/weights")
    assert str(checkpoint.resolve()) in menu.options or "tuned.pth" in menu.options, menu.options
    menu.set_value([str(checkpoint.resolve())]).run()
    at.selectbox(key=VIEW_MENU).select("across").run()
    at = prepared(at)
    assert not at.exception
    args = view(at)
    assert args is not None
    assert args.layers[0].weights_label.startswith("tuned.pth")
    tuned = _across(at)
    # The same images, other maps: the checkpoint's own vectors, not the shipped weights'.
    assert [image.image.caption for image in tuned.images] == [
        image.image.caption for image in trained.images
    ]
    for mine, shipped in zip(tuned.images, trained.images, strict=True):
        assert mine.source.entry_id != shipped.source.entry_id
