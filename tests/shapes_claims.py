"""The claims of the bundled lesson on the shapes network, as numbers that can be checked.

Each step of ``lessons/shapes-network.yaml`` says what its panels show ("in block4 the blue
circle lights up as brightly as the red one, while the square, the star and the stripes stay
dark"). Here each such sentence is a comparison of mean similarities over regions of the
picture, known exactly because the pictures are drawn from data
(``datasets/shapes-scenes.json``). :func:`check_step` asserts them on a step's similarity
maps, whoever computed them: numpy on the prepared features (``tests/test_shapes_lesson.py``)
or the browser's GPU, read back from the view (``tests/browser/test_shapes_lesson.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from classroom.lessons import Lesson, Step, load_lesson
from classroom.trained.scenes import Scene, read_scenes
from classroom.trained.specs import SHAPES
from tests.conftest import REPO_ROOT

__all__ = [
    "ACROSS_CLAIMS",
    "CLAIMS",
    "LESSON_FILE",
    "SCENES_FILE",
    "Maps",
    "Similarity",
    "cells_within",
    "check_across",
    "check_collection_across",
    "check_step",
    "grown",
    "lesson",
    "scenes",
]

LESSON_FILE: Final = REPO_ROOT / "lessons" / "shapes-network.yaml"
SCENES_FILE: Final = REPO_ROOT / "datasets" / "shapes-scenes.json"

Mask = npt.NDArray[np.bool_]
Similarity = npt.NDArray[np.float32]
#: A step's similarity maps, by panel: ``(layer, weights)``.
Maps = Mapping[tuple[str, str], Similarity]

#: The shapes of each scene, in the order the scene file draws them.
_SHAPE_NAMES: Final = {
    "shapes-four": ("red circle", "blue circle", "square", "star"),
    "shapes-stars": ("red star", "green star", "cross", "triangle"),
    "shapes-pairs": ("green circle", "blue square", "red square", "yellow circle"),
}


@cache
def lesson() -> Lesson:
    return load_lesson(LESSON_FILE)


@cache
def scenes() -> dict[str, Scene]:
    return read_scenes(SCENES_FILE)


def _scene_of(step: Step) -> tuple[str, Scene]:
    name = lesson().image(step.image).path.stem
    return name, scenes()[name]


def _sobel(grey: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    padded = np.pad(grey, 1, mode="edge")

    def at(dy: int, dx: int) -> npt.NDArray[np.float64]:
        return padded[1 + dy : padded.shape[0] - 1 + dy, 1 + dx : padded.shape[1] - 1 + dx]

    gx = at(-1, 1) + 2 * at(0, 1) + at(1, 1) - at(-1, -1) - 2 * at(0, -1) - at(1, -1)
    gy = at(1, -1) + 2 * at(1, 0) + at(1, 1) - at(-1, -1) - 2 * at(-1, 0) - at(-1, 1)
    return gx, gy


def grown(mask: Mask, pixels: int) -> Mask:
    grown = mask.copy()
    for _ in range(pixels):
        padded = np.pad(grown, 1)
        grown = (padded[1:-1, 1:-1] | padded[:-2, 1:-1] | padded[2:, 1:-1]) | (
            padded[1:-1, :-2] | padded[1:-1, 2:]
        )
    return grown


def _regions(scene_name: str, scene: Scene, reference: tuple[int, int]) -> dict[str, Mask]:
    """Pixel masks of the regions the lesson's sentences name."""
    shapes = dict(zip(_SHAPE_NAMES[scene_name], scene.masks, strict=True))
    background: Mask = np.asarray(~scene.masks.any(axis=0))
    grey = scene.image.astype(np.float64).mean(axis=-1)
    regions = {
        **shapes,
        "background": background,
        "shapes": ~background,
        "dark stripes": background & (grey < 100),
        "light stripes": background & (grey > 100),
    }
    # Edges of the background, by direction, relative to the edge under the reference.
    gx, gy = _sobel(grey)
    strength = np.hypot(gx, gy)
    far = ~grown(~background, 3)
    strongest = strength[far].max()
    x, y = reference
    turn = np.angle(np.exp(1j * (np.arctan2(gy, gx) - np.arctan2(gy[y, x], gx[y, x]))))
    edge = far & (strength > 0.5 * strongest)
    regions["edges the same way"] = edge & (np.abs(turn) < np.pi / 8)
    regions["edges the other way"] = edge & (np.abs(turn) > 7 * np.pi / 8)
    regions["insides of stripes"] = far & (strength < 0.05 * strongest)
    return regions


def cells_within(mask: Mask, stride: int) -> Mask:
    """Cells of a layer with ``stride`` (ceil grid) that lie wholly in ``mask``."""
    height, width = -(-mask.shape[0] // stride), -(-mask.shape[1] // stride)
    padded = np.zeros((height * stride, width * stride), dtype=bool)
    padded[: mask.shape[0], : mask.shape[1]] = mask
    return np.asarray(padded.reshape(height, stride, width, stride).all(axis=(1, 3)))


def _means(maps: Maps, regions: Mapping[str, Mask]) -> dict[tuple[str, str], dict[str, float]]:
    means: dict[tuple[str, str], dict[str, float]] = {}
    for (layer, weights), similarity in maps.items():
        stride = SHAPES.layer(layer).stride
        means[layer, weights] = {
            name: float(similarity[cells].mean())
            for name, mask in regions.items()
            if (cells := cells_within(mask, stride)).sum() >= 4
        }
    return means


Claims = Callable[[dict[tuple[str, str], dict[str, float]]], None]


def _how_to_read(m: dict[tuple[str, str], dict[str, float]]) -> None:
    # The pointer is on the red circle: it lights up in every panel.
    for means in m.values():
        assert means["red circle"] >= 0.75, means


def _edges(m: dict[tuple[str, str], dict[str, float]]) -> None:
    first = m["block1", "trained"]
    assert first["edges the same way"] >= first["edges the other way"] + 0.4, first
    assert first["edges the same way"] >= first["insides of stripes"] + 0.3, first


def _textures(m: dict[tuple[str, str], dict[str, float]]) -> None:
    first, middle = m["block1", "trained"], m["block3", "trained"]
    assert first["dark stripes"] >= first["light stripes"] + 0.3, first
    assert middle["light stripes"] >= first["light stripes"] + 0.3, (first, middle)
    assert abs(middle["dark stripes"] - middle["light stripes"]) <= 0.2, middle
    assert middle["background"] >= middle["shapes"] + 0.3, middle


def _shapes(m: dict[tuple[str, str], dict[str, float]]) -> None:
    first, last = m["block1", "trained"], m["block4", "trained"]
    assert last["blue circle"] >= last["red circle"] - 0.1, last
    for other in ("square", "star", "background"):
        assert last["blue circle"] >= last[other] + 0.5, (other, last)
    assert first["blue circle"] <= 0.2, first
    assert first["square"] >= first["blue circle"] + 0.2, first


def _stars(m: dict[tuple[str, str], dict[str, float]]) -> None:
    first, last = m["block1", "trained"], m["block4", "trained"]
    assert first["cross"] >= first["green star"] + 0.3, first
    assert last["green star"] >= last["cross"] + 0.5, last
    for other in ("triangle", "background"):
        assert last["green star"] >= last[other] + 0.3, (other, last)


def _untrained(m: dict[tuple[str, str], dict[str, float]]) -> None:
    trained, untrained = m["block4", "trained"], m["block4", "untrained"]
    for other in ("square", "star", "background"):
        assert trained["blue circle"] >= trained[other] + 0.5, (other, trained)
        assert untrained["blue circle"] <= untrained[other] + 0.1, (other, untrained)
    assert untrained["red circle"] >= untrained["blue circle"] + 0.1, untrained


#: Each step's claims, by step id: every step of the lesson has some.
CLAIMS: Final[Mapping[str, Claims]] = {
    "how-to-read": _how_to_read,
    "edges": _edges,
    "textures": _textures,
    "shapes": _shapes,
    "stars": _stars,
    "untrained": _untrained,
    "across-images": _how_to_read,
    "across-collection": _how_to_read,
}


#: Region means of other images lit up by a step's reference (``across:``), by scene name.
AcrossMeans = dict[str, dict[str, float]]


def _circles_across(m: AcrossMeans) -> None:
    # The red circle's block4 vector lights up the circles of another picture, whatever their
    # colour, and not its squares, not even the red one; a picture without circles stays dark.
    pairs = m["shapes-pairs"]
    circles = min(pairs["green circle"], pairs["yellow circle"])
    for other in ("blue square", "red square", "background"):
        assert circles >= pairs[other] + 0.4, (other, pairs)
    for shape, mean in m["shapes-stars"].items():
        assert mean <= circles - 0.4, (shape, m)


#: The claims about each ``across:`` step's other images, by step id.
ACROSS_CLAIMS: Final[Mapping[str, Callable[[AcrossMeans], None]]] = {
    "across-images": _circles_across,
}


def check_across(step: Step, maps: Mapping[str, Similarity]) -> AcrossMeans:
    """Assert what ``step``'s text says about its other images (``across:``): ``maps`` are
    their similarity to the step's reference vector, by image id; returns the region means."""
    assert step.across is not None, f"step {step.id} lights up no other images"
    stride = SHAPES.layer(step.across.layer).stride
    means: AcrossMeans = {}
    for image_id, similarity in maps.items():
        name = lesson().image(image_id).path.stem
        scene = scenes()[name]
        shapes = dict(zip(_SHAPE_NAMES[name], scene.masks, strict=True))
        regions = {**shapes, "background": np.asarray(~scene.masks.any(axis=0))}
        means[name] = {
            region: float(similarity[cells].mean())
            for region, mask in regions.items()
            if (cells := cells_within(mask, stride)).sum() >= 4
        }
    ACROSS_CLAIMS[step.id](means)
    return means


def check_collection_across(
    step: Step, maps: Sequence[tuple[str, Similarity]]
) -> dict[str, list[float]]:
    """Assert what ``step``'s text says about the collection images it lights up: ``maps`` are
    ``(class name, similarity map)`` in the panel's order. Each circle's brightest place is
    brighter than that of every other shape (one colour scale); returns the peaks by class."""
    assert step.across is not None, step.id
    assert step.across.collection is not None, step.id
    assert len(maps) == step.across.count, "one map per image the step names"
    peaks: dict[str, list[float]] = {}
    for label, similarity in maps:
        peaks.setdefault(label, []).append(float(similarity.max()))
    assert set(peaks) == {"circle", "square", "triangle", "star", "cross"}, peaks
    others = max(peak for label, found in peaks.items() if label != "circle" for peak in found)
    assert min(peaks["circle"]) >= others + 0.15, peaks
    return peaks


def check_step(step: Step, maps: Maps) -> dict[tuple[str, str], dict[str, float]]:
    """Assert what ``step``'s text says about its panels' similarity maps (each ``(H, W)``,
    the reference at the step's preset pixel); returns the region means for messages."""
    assert step.reference is not None, f"step {step.id} has no preset reference"
    scene_name, scene = _scene_of(step)
    means = _means(maps, _regions(scene_name, scene, step.reference))
    CLAIMS[step.id](means)
    return means
