"""Meaning, not only numbers: what the trained networks' layers respond to.

Each property is asserted on the shipped weights *and* shown to be absent (or much weaker)
with seeded random weights of the same architecture, so these tests fail on untrained
networks: they check what training put there.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the usual name)

from classroom.trained.architectures import TrainedCNN, untrained_network
from classroom.trained.backgrounds import BackgroundSpec
from classroom.trained.data import HELD_OUT_SEED, to_input
from classroom.trained.digits import digits_split
from classroom.trained.scenes import Scene, compose_scene, shapes_sample
from classroom.trained.shapes import ShapeSpec
from classroom.trained.specs import DIGITS, SHAPES
from classroom.trained.weights import load_trained

Vectors = npt.NDArray[np.float32]

BACKGROUNDS = {
    "stripes": BackgroundSpec("stripes", ((30, 30, 30), (150, 150, 150)), scale=10, angle=30),
    "plain": BackgroundSpec("plain", ((128, 128, 128), (128, 128, 128))),
    "noise": BackgroundSpec("noise", ((200, 170, 120), (90, 60, 40)), scale=6, seed=3),
    "dots": BackgroundSpec("dots", ((250, 250, 250), (200, 60, 160)), scale=9, fill=0.3),
}


@pytest.fixture(scope="module")
def shapes_networks() -> dict[str, TrainedCNN]:
    return {"trained": load_trained("shapes"), "untrained": untrained_network(SHAPES)}


def _scene(background: BackgroundSpec) -> Scene:
    """A red and a blue circle, a yellow square and a green star: 56-60 pixels, on 160 x 160."""
    shapes = [
        ShapeSpec("circle", (220, 40, 40), (44, 44), 56),
        ShapeSpec("circle", (40, 80, 230), (116, 44), 56),
        ShapeSpec("square", (240, 220, 40), (44, 116), 56, 20),
        ShapeSpec("star", (40, 200, 80), (116, 116), 60),
    ]
    return compose_scene(shapes, background, 160, 160)


def _unit_cells(model: TrainedCNN, image: npt.NDArray[np.uint8], layer: str) -> Vectors:
    """The layer's (H, W, D) map of one image, each cell's vector scaled to length 1."""
    with torch.inference_mode():
        maps = model.feature_maps(to_input(image[None], SHAPES))[layer][0]
    cells = F.normalize(maps.permute(1, 2, 0), dim=-1, eps=1e-9)
    return np.asarray(cells.numpy(), dtype=np.float32)


def _covered(mask: npt.NDArray[np.bool_], layer: str) -> npt.NDArray[np.bool_]:
    """Cells of ``layer`` whose pixels all lie in ``mask``."""
    stride = SHAPES.layer(layer).stride
    share = F.avg_pool2d(torch.from_numpy(mask).float()[None, None], stride, ceil_mode=True)
    return np.asarray(share[0, 0].numpy() >= 0.999)


def _similarities(model: TrainedCNN, scene: Scene, layer: str) -> Mapping[str, float]:
    """Mean cosine similarity of the red circle's cells to those of each other region."""
    cells = _unit_cells(model, scene.image, layer)
    regions = {
        "red circle": scene.masks[0],
        "blue circle": scene.masks[1],
        "square": scene.masks[2],
        "star": scene.masks[3],
        "background": ~scene.masks.any(axis=0),
    }
    vectors = {name: cells[_covered(mask, layer)] for name, mask in regions.items()}
    assert all(len(v) >= 4 for v in vectors.values()), {k: len(v) for k, v in vectors.items()}
    red = vectors.pop("red circle")
    return {name: float((red @ other.T).mean()) for name, other in vectors.items()}


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_last_block_cells_on_two_circles_are_alike_whatever_their_colour(
    shapes_networks: dict[str, TrainedCNN], background: str
) -> None:
    scene = _scene(BACKGROUNDS[background])
    trained = _similarities(shapes_networks["trained"], scene, "block4")
    untrained = _similarities(shapes_networks["untrained"], scene, "block4")

    def margin(similarity: Mapping[str, float], other: str) -> float:
        return similarity["blue circle"] - similarity[other]

    # Trained: a red-circle cell is far more like a blue-circle cell than like the background
    # or another shape. Untrained: all about equally alike (or the circle not the most).
    for other in ("background", "square", "star"):
        assert margin(trained, other) >= 0.3, (other, trained)
        assert margin(untrained, other) <= 0.15, (other, untrained)
        assert margin(trained, other) >= margin(untrained, other) + 0.25
    assert trained["blue circle"] >= 0.8


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_first_block_sees_colour_where_the_last_sees_shape(
    shapes_networks: dict[str, TrainedCNN], background: str
) -> None:
    scene = _scene(BACKGROUNDS[background])
    first = _similarities(shapes_networks["trained"], scene, "block1")
    last = _similarities(shapes_networks["trained"], scene, "block4")
    # The red and the blue circle: unlike in block1 (colour), alike in block4 (shape).
    assert first["blue circle"] <= 0.5
    assert last["blue circle"] - first["blue circle"] >= 0.4


def _region_vectors(
    maps: torch.Tensor, masks: torch.Tensor, stride: int, *, on_shape: bool
) -> Vectors:
    """Per image, the mean of the cells wholly on the shape (or wholly off it)."""
    share = F.avg_pool2d(masks, stride, ceil_mode=True)
    weights = (share >= 0.999) if on_shape else (share == 0)
    weights = weights.float()
    pooled = (maps * weights).sum(dim=(2, 3)) / weights.sum(dim=(2, 3)).clamp(min=1)
    return np.asarray(pooled.numpy(), dtype=np.float32)


def test_textures_are_told_apart_in_the_middle_and_shapes_at_the_end(
    shapes_networks: dict[str, TrainedCNN],
) -> None:
    """The lesson's hierarchy: background textures are best told apart by the middle blocks,
    shapes by the last; untrained blocks do neither well."""
    samples = [shapes_sample(HELD_OUT_SEED, index) for index in range(300)]
    images = to_input(np.stack([s.image for s in samples]), SHAPES)
    masks = torch.from_numpy(np.stack([s.mask for s in samples])).float().unsqueeze(1)
    kinds = np.array(
        [["plain", "stripes", "dots", "checks", "noise"].index(s.background.kind) for s in samples]
    )
    labels = np.array([s.label for s in samples])
    scores: dict[str, dict[str, tuple[float, float]]] = {}
    for name, model in shapes_networks.items():
        with torch.inference_mode():
            maps = model.feature_maps(images)
        scores[name] = {}
        for layer in SHAPES.layers:
            texture = _region_vectors(maps[layer.name], masks, layer.stride, on_shape=False)
            shape = _region_vectors(maps[layer.name], masks, layer.stride, on_shape=True)
            scores[name][layer.name] = (
                _neighbour_agreement(texture, kinds, k=1),
                _neighbour_agreement(shape, labels, k=1),
            )
    trained, untrained = scores["trained"], scores["untrained"]
    middle = SHAPES.default_layers[1]
    assert trained[middle][0] >= trained["block1"][0] + 0.1, trained
    assert trained[middle][0] >= untrained[middle][0] + 0.2, scores
    assert trained["block4"][1] >= 0.95, trained
    assert trained["block4"][1] >= trained[middle][1] + 0.3, trained
    assert trained["block4"][1] >= untrained["block4"][1] + 0.5, scores


def _pooled_digits(model: TrainedCNN, images: npt.NDArray[np.uint8]) -> Vectors:
    with torch.inference_mode():
        return np.asarray(model.pooled_features(to_input(images, DIGITS)).numpy())


def _neighbour_agreement(vectors: Vectors, labels: npt.NDArray[np.int64], k: int = 10) -> float:
    """Share of the k nearest other items (cosine) that have the item's label, over all items."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argsort(-similarity, axis=1)[:, :k]
    return float((labels[nearest] == labels[:, None]).mean())


def _jittered(images: npt.NDArray[np.uint8], most: int) -> npt.NDArray[np.uint8]:
    """Each image moved by a seeded random offset of up to ``most`` pixels along each axis
    (black comes in): less than one pixel of the original 8 x 8 digit."""
    rng = np.random.default_rng(0)
    moved = np.zeros_like(images)
    side = images.shape[1]
    for image, target in zip(images, moved, strict=True):
        dy, dx = (int(v) for v in rng.integers(-most, most + 1, size=2))
        target[max(dy, 0) : side + min(dy, 0), max(dx, 0) : side + min(dx, 0)] = image[
            max(-dy, 0) : side + min(-dy, 0), max(-dx, 0) : side + min(-dx, 0)
        ]
    return moved


@pytest.mark.parametrize("jitter", [0, 3])
def test_digit_neighbours_share_their_label_in_the_network_more_than_in_pixels(
    jitter: int,
) -> None:
    """The lecture's and Seein' In's point: a held-out digit's 10 nearest neighbours in the
    last layer's pooled features are nearly all the same digit; in pixel space far fewer are,
    and fewer still once the digits are not perfectly aligned; untrained features do worse
    than pixels."""
    split = digits_split()
    labels = split.held_out_labels
    images = _jittered(split.held_out_images, jitter) if jitter else split.held_out_images
    pixels = _neighbour_agreement(images.reshape(len(images), -1).astype(np.float32), labels)
    trained = _neighbour_agreement(_pooled_digits(load_trained("digits"), images), labels)
    untrained = _neighbour_agreement(_pooled_digits(untrained_network(DIGITS), images), labels)
    assert trained >= 0.95
    assert trained >= pixels + (0.1 if jitter == 0 else 0.25), (trained, pixels)
    assert trained >= untrained + 0.25, (trained, untrained)
