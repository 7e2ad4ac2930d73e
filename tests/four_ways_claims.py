"""The claims of "Four ways to ask a network why", as numbers that can be checked.

Each step of ``lessons/four-ways-to-ask-why.yaml`` says what its techniques show (the network
ranks the square first; occlusion for a class is red on that class's shape and blue on the
other; a block4 cell sees the whole circle; under the Euclidean distance the stripes come
nearer the circle than the square). Here each sentence is a comparison over regions known
exactly, because the pictures are drawn from data (``datasets/scenes/scenes.json``).
:func:`check_step` asserts them on a step's technique results, whoever computed them: torch
in this process (``tests/test_four_ways_lesson.py``) or the app, whose maps the browser test
reads back from the view (``tests/browser/test_four_ways_lesson.py``). The step that uses
``metric:`` is checked on its similarity maps (:func:`check_metric_step`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from classroom import images
from classroom.lessons import Lesson, Step, load_lesson
from classroom.preparation import PrepareRequest, prepare
from classroom.preparation.pipeline import entry_keys
from classroom.similarity import compare, image_to_cell
from classroom.store import FeatureStore
from classroom.techniques import TechniqueResult
from classroom.trained.scenes import Scene, read_scenes
from classroom.trained.specs import SHAPES
from tests.conftest import REPO_ROOT
from tests.shapes_claims import cells_within, grown

__all__ = [
    "CLAIMS",
    "LESSON_FILE",
    "METRIC_STEP",
    "SCENES_FILE",
    "block4_oracle",
    "check_metric_step",
    "check_step",
    "lesson",
    "scene_of",
    "stretched",
]

LESSON_FILE: Final = REPO_ROOT / "lessons" / "four-ways-to-ask-why.yaml"
SCENES_FILE: Final = REPO_ROOT / "datasets" / "scenes" / "scenes.json"
#: The step that opens the view with another metric than the angle.
METRIC_STEP: Final = "distance"

Mask = npt.NDArray[np.bool_]
Values = npt.NDArray[np.float32]
Results = Sequence[TechniqueResult]


@cache
def lesson() -> Lesson:
    return load_lesson(LESSON_FILE)


@cache
def _scenes() -> dict[str, Scene]:
    """The lesson's scenes, drawn again from the data that drew its pictures."""
    return read_scenes(SCENES_FILE)


def scene_of(step: Step) -> Scene:
    return _scenes()[lesson().image(step.image).path.stem]


def _regions(step: Step) -> dict[str, Mask]:
    scene = scene_of(step)
    shapes: dict[str, Mask] = {
        shape.kind: mask for shape, mask in zip(scene.shapes, scene.masks, strict=True)
    }
    return {**shapes, "background": np.asarray(~scene.masks.any(axis=0))}


def _peak(values: Values) -> tuple[int, int]:
    row, column = np.unravel_index(int(values.argmax()), values.shape)
    return int(row), int(column)


def _peaks_on(values: Values, mask: Mask, name: str) -> None:
    """The map's maximum lies on the shape or within 8 pixels of it (Grad-CAM's cells are 8)."""
    assert grown(mask, 8)[_peak(values)], f"the peak {_peak(values)} is not on the {name}"


def _maps(results: Results) -> list[Values]:
    """Every image-sized map of the step, in order: what the view's map panels paint."""
    return [
        item.values
        for result in results
        for item in result.maps
        if item.values.ndim == 2 and item.scale != "picture"
    ]


def _the_answer(step: Step, results: Results) -> None:
    ranked = [prediction.label for prediction in results[0].predictions]
    assert ranked[0] == "square", ranked
    assert results[0].predictions[0].probability > 0.5, results[0].predictions
    assert ranked.index("triangle") < ranked.index("circle"), ranked
    (filters,) = results[1].maps
    assert filters.values.shape == (16, 3, 3, 3), filters.values.shape  # 16 filters, 3 x 3
    assert filters.scale == "picture"


def _activations(step: Step, results: Results) -> None:
    first, last = (result.maps[0] for result in results)
    height, width = scene_of(step).image.shape[:2]
    assert first.values.shape == (16, height, width)  # block1: one cell per pixel
    assert last.values.shape == (16, height // 8, width // 8)  # block4: one per 8 x 8
    for item in (first, last):
        assert "dead on this image" in item.title, item.title
        strengths = item.values.mean(axis=(1, 2))  # strongest channels first
        assert np.all(np.diff(strengths) <= 1e-6), item.title


def _occlusion(step: Step, results: Results) -> None:
    regions = _regions(step)
    for (shape, other), values in zip(
        (("circle", "square"), ("square", "circle")), _maps(results), strict=True
    ):
        _peaks_on(values, regions[shape], shape)
        # Red on the class's own shape, blue on the other: covering the other shape helps.
        assert values[regions[shape]].mean() > 0 > values[regions[other]].mean(), shape


def _gradients(step: Step, results: Results) -> None:
    regions = _regions(step)
    saliency, guided = _maps(results)
    far = ~grown(~regions["background"], 12)
    shapes = ~regions["background"]
    contrast = {}
    for name, values in (("saliency", saliency), ("guided", guided)):
        assert values[regions["circle"]].mean() > 1.2 * values[far].mean(), name
        contrast[name] = float(values[shapes].mean() / values[far].mean())
    # "circle"'s score is most sensitive to the square's pixels: its rival for the probability.
    assert saliency[regions["square"]].mean() > 2 * saliency[regions["circle"]].mean()
    # Guided backpropagation is nearly black away from the shapes ("sharper"); saliency is not.
    assert contrast["guided"] > max(20.0, 5 * contrast["saliency"]), contrast


def _grad_cam(step: Step, results: Results) -> None:
    regions = _regions(step)
    for (shape, other), values in zip(
        (("circle", "square"), ("square", "circle")), _maps(results), strict=True
    ):
        _peaks_on(values, regions[shape], shape)
        assert values[regions[shape]].mean() > 5 * values[regions[other]].mean(), shape


def _receptive_fields(step: Step, results: Results) -> None:
    regions = _regions(step)
    assert step.reference is not None
    x, y = step.reference
    sides = {}
    pairs = zip(("block1", "block4"), (result.maps for result in results), strict=True)
    for layer, (effective, theoretical) in pairs:
        inside = theoretical.values > 0
        rows, columns = np.nonzero(inside)
        sides[layer] = (int(np.ptp(columns)) + 1, int(np.ptp(rows)) + 1)
        assert inside[y, x], layer
        assert float(effective.values[~inside].max(initial=0.0)) == 0.0, layer
        assert SHAPES.layer(layer).receptive_field == sides[layer][0], (layer, sides)
    assert sides == {"block1": (3, 3), "block4": (78, 78)}, sides
    # Inside block4's theoretical square the effective field is far from uniform.
    effective, theoretical = results[1].maps
    field = effective.values[theoretical.values > 0]
    assert field.max() > 3 * float(np.median(field)), "a uniform effective field"
    # block4's cell at the circle's centre sees the whole circle.
    assert (theoretical.values > 0)[regions["circle"]].all()


def _compare(step: Step, results: Results) -> None:
    regions = _regions(step)
    assert results[0].predictions[0].label == "star"
    occlusion, _saliency, grad_cam, effective, _theoretical, similarity = _maps(results)
    for values, name in ((occlusion, "occlusion"), (grad_cam, "Grad-CAM"), (effective, "ERF")):
        _peaks_on(values, regions["star"], f"star ({name})")
    assert similarity[regions["star"]].mean() > similarity[regions["cross"]].mean() + 0.5


def _metric_placeholder(step: Step, results: Results) -> None:
    """The metric step has no techniques: :func:`check_metric_step` checks its view."""
    assert not results


#: Each step's claims, by step id: every step of the lesson has some.
CLAIMS: Final[Mapping[str, Callable[[Step, Results], None]]] = {
    "the-answer": _the_answer,
    "activations": _activations,
    "occlusion": _occlusion,
    "gradients": _gradients,
    "grad-cam": _grad_cam,
    "receptive-fields": _receptive_fields,
    METRIC_STEP: _metric_placeholder,
    "compare": _compare,
}


def check_step(step: Step, results: Results) -> None:
    """Assert what ``step``'s text says about its techniques' results (one per technique)."""
    assert len(results) == len(step.techniques), step.id
    CLAIMS[step.id](step, results)


def stretched(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """A map as the view's colour scale spans it: min-max over the whole map."""
    array = np.asarray(values, dtype=np.float64)
    low, high = float(array.min()), float(array.max())
    return (array - low) / max(high - low, 1e-12)


def check_metric_step(
    step: Step, angular: npt.ArrayLike, euclidean: npt.ArrayLike, lengths: npt.ArrayLike
) -> dict[str, dict[str, float]]:
    """The distance step's claims on block4, at its reference on the circle.

    Args:
        angular: block4's angular similarities (cells), the view of the earlier steps.
        euclidean: block4's Euclidean distances (cells), what this step's view opens with.
        lengths: block4's feature-vector lengths (cells).

    Returns:
        The region means, for messages.
    """
    stride = SHAPES.layer("block4").stride
    cells = {name: cells_within(mask, stride) for name, mask in _regions(step).items()}
    means = {
        label: {name: float(np.asarray(values)[mask].mean()) for name, mask in cells.items()}
        for label, values in (
            ("angle", stretched(angular)),
            ("distance", stretched(euclidean)),
            ("length", np.asarray(lengths)),
        )
    }
    angle, distance, length = means["angle"], means["distance"], means["length"]
    # By the angle the square is more like the circle than the stripes are ...
    assert angle["square"] >= angle["background"] + 0.1, means
    # ... by the distance the stripes are nearer, and the square the farthest of all:
    assert distance["background"] <= distance["square"] - 0.3, means
    assert distance["circle"] <= distance["background"] - 0.15, means
    assert distance["square"] == max(distance.values()), means
    # because the square's block4 vectors are more than twice as long as the circle's.
    assert length["square"] >= 2 * length["circle"], means
    return means


def block4_oracle(
    store: FeatureStore, step: Step, weights: str
) -> tuple[npt.NDArray[np.float64], ...]:
    """block4's angular similarity, Euclidean distance and vector lengths at the step's
    reference, from the stored 8-bit codes as the browser gets them (numpy's oracle)."""
    image = lesson().image(step.image).path
    request = PrepareRequest(
        image, lesson().model, weights, ("block4",), lesson().precision, lesson().max_side
    )
    (result,) = prepare([request], store).results
    assert result.weights is not None, result.error
    entry = store.read(entry_keys(request, images.content_sha256(image), result.weights)["block4"])
    assert entry is not None
    assert step.reference is not None
    encoded = entry.encoded()
    cell = np.array(
        image_to_cell(*step.reference, entry.header.info.stride, *images.upright_size(image))
    )
    codes = encoded.code_vectors()
    lengths = np.linalg.norm(codes * encoded.scales[..., None], axis=-1)
    return (
        compare("angular", codes, cell, encoded.scales),
        compare("euclidean", codes, cell, encoded.scales),
        lengths,
    )
