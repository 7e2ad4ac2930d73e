"""Composed scenes and the seeded samples the shapes network learns from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from classroom.trained.backgrounds import BACKGROUND_KINDS, BackgroundSpec, render_background
from classroom.trained.scenes import (
    MIN_SAMPLE_SIDE,
    SAMPLE_SHAPE_SIZES,
    compose_scene,
    read_scenes,
    shapes_batch,
    shapes_sample,
)
from classroom.trained.shapes import SHAPE_CLASSES, ShapeSpec

Mask = npt.NDArray[np.bool_]


def _erode(mask: Mask) -> Mask:
    """Pixels whose 3 x 3 neighbourhood is all in ``mask`` (the image's border counts as out)."""
    padded = np.pad(mask, 1)
    height, width = mask.shape
    shifted = [padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3)]
    inside: Mask = np.logical_and.reduce(shifted)
    return inside


def _dilate(mask: Mask) -> Mask:
    return ~_erode(~mask) | mask


STRIPES = BackgroundSpec("stripes", ((30, 30, 30), (150, 150, 150)), scale=10, angle=30)


def _lesson_scene(width: int = 160, height: int = 160):  # type: ignore[no-untyped-def]
    """Two circles of different colours, a square and a star on stripes."""
    shapes = [
        ShapeSpec("circle", (220, 40, 40), (44, 44), 56),
        ShapeSpec("circle", (40, 80, 230), (116, 44), 56),
        ShapeSpec("square", (240, 220, 40), (44, 116), 56, 20),
        ShapeSpec("star", (40, 200, 80), (116, 116), 60),
    ]
    return compose_scene(shapes, STRIPES, width, height)


def test_a_scene_has_a_mask_per_shape_matching_its_drawn_pixels() -> None:
    scene = _lesson_scene()
    assert scene.image.shape == (160, 160, 3)
    assert scene.image.dtype == np.uint8
    assert scene.masks.shape == (4, 160, 160)
    background = np.rint(render_background(STRIPES, 160, 160)).astype(np.uint8)
    anywhere = scene.masks.any(axis=0)
    for mask, shape in zip(scene.masks, scene.shapes, strict=True):
        inside = _erode(mask)
        assert inside.sum() > 800
        assert np.all(scene.image[inside] == shape.colour)
    # Away from every mask, the image is the background, untouched.
    outside = ~_dilate(anywhere)
    assert np.array_equal(scene.image[outside], background[outside])
    # On the mask's edge, the pixel is at least half the shape's colour.
    red = scene.masks[0] & ~_erode(scene.masks[0])
    assert np.all(scene.image[red][:, 0] >= (220 + 30) // 2 - 1)


def test_later_shapes_hide_earlier_ones_and_masks_do_not_overlap() -> None:
    below = ShapeSpec("square", (255, 0, 0), (48, 48), 60)
    above = ShapeSpec("circle", (0, 0, 255), (60, 48), 40)
    scene = compose_scene([below, above], STRIPES, 96, 96)
    assert not np.any(scene.masks[0] & scene.masks[1])
    assert scene.masks[1].sum() == pytest.approx(np.pi * 20**2, rel=0.03)
    assert np.all(scene.image[_erode(scene.masks[1])] == (0, 0, 255))
    alone = compose_scene([below], STRIPES, 96, 96)
    assert scene.masks[0].sum() < alone.masks[0].sum() - 500


def test_scenes_have_any_size() -> None:
    for width, height in ((8, 8), (96, 96), (97, 131), (400, 90)):
        scene = compose_scene(
            [ShapeSpec("cross", (0, 0, 0), (width / 2, height / 2), 6)], STRIPES, width, height
        )
        assert scene.image.shape == (height, width, 3)
        assert scene.masks.shape == (1, height, width)


def test_a_shape_with_nothing_visible_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"shape 1 \(circle at \(500, 500\), size 20\) has no visible"
    ):
        compose_scene([ShapeSpec("circle", (0, 0, 0), (500, 500), 20)], STRIPES, 96, 96)
    hidden = ShapeSpec("circle", (0, 0, 0), (48, 48), 10)
    cover = ShapeSpec("square", (255, 255, 255), (48, 48), 60)
    with pytest.raises(ValueError, match="shape 1"):
        compose_scene([hidden, cover], STRIPES, 96, 96)
    with pytest.raises(ValueError, match="at least 8 x 8 pixels"):
        compose_scene([], STRIPES, 7, 96)


def test_samples_are_deterministic_per_seed_and_index() -> None:
    first = shapes_sample(3, 17)
    again = shapes_sample(3, 17)
    assert np.array_equal(first.image, again.image)
    assert np.array_equal(first.mask, again.mask)
    assert first.shape == again.shape
    assert first.background == again.background
    assert not np.array_equal(first.image, shapes_sample(4, 17).image)
    assert not np.array_equal(first.image, shapes_sample(3, 18).image)
    batch = shapes_batch(3, 15, 4)
    assert np.array_equal(batch.images[2], first.image)
    assert batch.labels.tolist() == [0, 1, 2, 3]


def test_samples_cover_every_class_and_background_and_randomise_the_rest() -> None:
    samples = [shapes_sample(0, index) for index in range(100)]
    assert [s.label for s in samples[:10]] == [0, 1, 2, 3, 4] * 2
    assert {SHAPE_CLASSES[s.label] for s in samples} == set(SHAPE_CLASSES)
    assert all(SHAPE_CLASSES[s.label] == s.shape.kind for s in samples)
    assert {s.background.kind for s in samples} == set(BACKGROUND_KINDS)
    sizes = [s.shape.size for s in samples]
    assert SAMPLE_SHAPE_SIZES[0] <= min(sizes) < 35
    assert 65 < max(sizes) <= SAMPLE_SHAPE_SIZES[1]
    assert len({s.shape.colour for s in samples}) == 100
    assert np.std([s.shape.angle for s in samples]) > 80
    xs = [s.shape.centre[0] for s in samples]
    assert max(xs) - min(xs) > 40


def test_a_sample_mask_is_its_shape_wholly_inside_the_image() -> None:
    for index in range(30):
        sample = shapes_sample(1, index, 120, 100)
        assert sample.image.shape == (100, 120, 3)
        assert sample.mask.shape == (100, 120)
        radius = sample.shape.size / 2
        x, y = sample.shape.centre
        assert radius <= x <= 120 - radius
        assert radius <= y <= 100 - radius
        inside = _erode(sample.mask)
        assert np.all(sample.image[inside] == sample.shape.colour)


def test_the_shape_always_stands_out_from_its_background() -> None:
    for index in range(60):
        sample = shapes_sample(2, index)
        background = render_background(sample.background, 96, 96)
        difference = np.linalg.norm(background - np.asarray(sample.shape.colour), axis=-1)
        assert difference.min() >= 89


def test_plain_backgrounds_can_be_asked_for_and_larger_images_keep_the_shape_scale() -> None:
    plain = [shapes_sample(0, i, textured=0.0) for i in range(20)]
    assert {s.background.kind for s in plain} == {"plain"}
    big = [shapes_sample(0, i, 400, 300) for i in range(20)]
    assert max(s.shape.size for s in big) <= SAMPLE_SHAPE_SIZES[1]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: shapes_sample(0, 0, MIN_SAMPLE_SIDE - 1, 96), "at least 40 x 40 pixels"),
        (lambda: shapes_sample(-1, 0), "must not be negative"),
        (lambda: shapes_sample(0, -5), "must not be negative"),
        (lambda: shapes_sample(0, 0, textured=1.5), "textured backgrounds must be in 0..1"),
        (lambda: shapes_batch(0, 0, 0), "at least one sample"),
        (lambda: shapes_sample(0, 0, 96.0, 96), "at least 40 x 40 pixels"),  # type: ignore[arg-type]
    ],
)
def test_bad_sample_arguments_are_refused_clearly(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


def test_scenes_are_read_from_data_and_a_bad_one_is_named(tmp_path: Path) -> None:
    good = {
        "size": [64, 48],
        "background": {"kind": "stripes", "colours": [[0, 0, 0], [200, 200, 200]], "scale": 8},
        "shapes": [{"kind": "circle", "colour": [220, 40, 40], "centre": [32, 24], "size": 30}],
    }
    bad = {
        **good,
        "shapes": [{"kind": "hexagon", "colour": [1, 2, 3], "centre": [5, 5], "size": 9}],
    }
    path = tmp_path / "scenes.json"
    path.write_text(json.dumps({"scenes": {"good": good}}))
    (scene,) = read_scenes(path).values()
    assert scene.image.shape == (48, 64, 3)
    assert scene.masks[0, 24, 32]
    path.write_text(json.dumps({"scenes": {"good": good, "odd": bad}}))
    with pytest.raises(ValueError, match=r"scenes\.json: scene 'odd': unknown shape 'hexagon'"):
        read_scenes(path)


_DATASETS = Path(__file__).resolve().parent.parent / "datasets"


@pytest.mark.parametrize("scene_file", ["shapes-scenes.json", "scenes/scenes.json"])
def test_each_drawn_picture_is_what_its_scene_draws(scene_file: str) -> None:
    """The pictures classroom draws itself are kept as the data that draws them; a PNG edited
    by hand (or a generator that changed) shows here, with the command that redraws them."""
    path = _DATASETS / scene_file
    drawn = read_scenes(path)
    assert drawn
    for name, scene in drawn.items():
        with Image.open(path.parent / f"{name}.png") as opened:
            assert np.array_equal(np.asarray(opened.convert("RGB")), scene.image), (
                f"{name}.png differs from its scene in {scene_file}: "
                "run `python tools/shapes_scenes.py`"
            )
