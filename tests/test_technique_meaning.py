"""What each technique claims, asserted on the trained shapes network.

One small scene (a red circle and a yellow square on stripes, 144 x 96 pixels) and the
shipped weights; each claim is also shown to fail with seeded random weights of the same
network, so these tests check what the methods find in a trained network, not their shape.
The two exceptions say so: a receptive field's growth with depth is the architecture's (it
holds untrained too), and deconvnet's indifference to the class is the method's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from classroom import images, networks
from classroom.techniques import TechniqueRequest, TechniqueResult
from classroom.techniques.running import compute
from classroom.trained.backgrounds import BackgroundSpec
from classroom.trained.scenes import Scene, compose_scene
from classroom.trained.shapes import ShapeSpec

Mask = npt.NDArray[np.bool_]
WEIGHTS = ("trained", "untrained")
Networks = dict[str, networks.LoadedNetwork]
Drawn = tuple[Scene, images.AnalysisImage]
Masks = dict[str, Mask]


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scene, images.AnalysisImage]:
    drawn = compose_scene(
        [
            ShapeSpec("circle", (220, 40, 40), centre=(40, 48), size=54),
            ShapeSpec("square", (240, 220, 40), centre=(108, 48), size=42, angle=15),
        ],
        BackgroundSpec("stripes", ((30, 30, 30), (150, 150, 150)), scale=10, angle=30),
        144,
        96,
    )
    path = tmp_path_factory.mktemp("scene") / "scene.png"
    Image.fromarray(drawn.image).save(path)
    return drawn, images.load_analysis_image(path)


@pytest.fixture(scope="module")
def shapes() -> dict[str, networks.LoadedNetwork]:
    return {
        name: networks.build_network(networks.resolve_weights("shapes", name)) for name in WEIGHTS
    }


@pytest.fixture(scope="module")
def masks(scene: tuple[Scene, images.AnalysisImage]) -> dict[str, Mask]:
    drawn, _ = scene
    circle, square = drawn.masks
    return {
        "circle": circle,
        # Grad-CAM is one value per 8-pixel cell, smoothed: its peak may sit on the outline.
        "near circle": _dilate(circle, 8),
        "elsewhere": ~circle,
        "far": ~_dilate(circle | square, 12),
    }


def _dilate(mask: Mask, pixels: int) -> Mask:
    """``mask`` grown by ``pixels`` (4-neighbour steps)."""
    grown = mask.copy()
    for _ in range(pixels):
        padded = np.pad(grown, 1)
        grown = (
            padded[1:-1, 1:-1] | padded[:-2, 1:-1] | padded[2:, 1:-1] | padded[1:-1, :-2]
        ) | padded[1:-1, 2:]
    return grown


def _run(
    shapes: dict[str, networks.LoadedNetwork],
    scene: tuple[Scene, images.AnalysisImage],
    weights: str,
    technique: str,
    **fields: object,
) -> TechniqueResult:
    options = fields.pop("options", {})
    request = TechniqueRequest(technique, options=options, **fields)  # type: ignore[arg-type]
    return compute(request, shapes[weights], scene[1])


def _ratio(values: npt.NDArray[np.float32], inside: Mask, outside: Mask) -> float:
    return float(values[inside].mean() / max(float(values[outside].mean()), 1e-12))


def test_the_trained_network_predicts_the_larger_shape_among_its_top_classes(
    shapes: Networks, scene: Drawn
) -> None:
    result = _run(shapes, scene, "trained", "predict")
    assert len(result.predictions) == 5
    assert {p.label for p in result.predictions[:2]} == {"circle", "square"}
    assert sum(p.probability for p in result.predictions) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("technique", "options", "ratio"),
    [
        ("grad_cam", {}, 3.0),
        ("occlusion", {"patch": 32, "stride": 16, "channels": 0}, 2.0),
        ("guided_grad_cam", {}, 3.0),
    ],
)
def test_class_maps_for_circle_peak_on_the_circle_only_when_trained(  # noqa: PLR0917
    shapes: Networks,
    scene: Drawn,
    masks: Masks,
    technique: str,
    options: dict[str, int],
    ratio: float,
) -> None:
    found = {}
    for weights in WEIGHTS:
        result = _run(shapes, scene, weights, technique, target="circle", options=options)
        values = result.maps[0].values
        peak = np.unravel_index(int(values.argmax()), values.shape)
        found[weights] = (
            bool(masks["near circle"][peak]),
            _ratio(values, masks["circle"], masks["elsewhere"]),
        )
    assert found["trained"][0], found
    assert found["trained"][1] > ratio, found
    assert not (found["untrained"][0] and found["untrained"][1] > ratio), found


@pytest.mark.parametrize(("technique", "ratio"), [("saliency", 1.5), ("guided_backprop", 3.0)])
def test_gradients_are_larger_inside_the_shape_than_far_from_it_only_when_trained(
    shapes: Networks, scene: Drawn, masks: Masks, technique: str, ratio: float
) -> None:
    ratios = {
        weights: _ratio(
            _run(shapes, scene, weights, technique, target="circle").maps[0].values,
            masks["circle"],
            masks["far"],
        )
        for weights in WEIGHTS
    }
    assert ratios["trained"] > ratio > ratios["untrained"], ratios


def test_deconvnet_hardly_depends_on_the_class(shapes: Networks, scene: Drawn) -> None:
    """Deconvnet's known weakness (Springenberg et al. 2015): the class matters little."""
    circle, square = (
        _run(shapes, scene, "trained", "deconvnet", target=name).maps[0].values.ravel()
        for name in ("circle", "square")
    )
    assert np.corrcoef(circle, square)[0, 1] > 0.6


def _spread(values: npt.NDArray[np.float32], x: int, y: int) -> float:
    """The root-mean-square distance of the gradient's mass from the reference pixel."""
    weights = values.astype(np.float64) / values.sum()
    ys, xs = np.mgrid[: values.shape[0], : values.shape[1]]
    return float(np.sqrt((weights * ((xs - x) ** 2 + (ys - y) ** 2)).sum()))


def test_the_effective_receptive_field_grows_with_depth_and_stays_in_the_theoretical_one(
    shapes: Networks, scene: Drawn
) -> None:
    """The growth is the architecture's (it holds untrained too); a gradient taken at the wrong
    layer or cell breaks it, and any gradient outside the theoretical field is a bug."""
    spreads = {}
    for layer in ("block1", "block4"):
        effective, theoretical = _run(
            shapes, scene, "trained", "receptive_field", layer=layer, reference=(72, 48)
        ).maps
        assert effective.values[theoretical.values == 0].max() == 0.0
        assert theoretical.values.sum() > 0
        spreads[layer] = _spread(effective.values, 72, 48)
    assert spreads["block4"] > 5 * spreads["block1"], spreads


def test_block4_similarity_finds_the_circle_like_the_reference_only_when_trained(
    shapes: Networks, scene: Drawn, masks: Masks
) -> None:
    contrast = {}
    for weights in WEIGHTS:
        values = (
            _run(shapes, scene, weights, "similarity", layer="block4", reference=(40, 48))
            .maps[0]
            .values
        )
        contrast[weights] = float(values[masks["circle"]].mean() - values[masks["far"]].mean())
    assert contrast["trained"] > 0.3 > contrast["untrained"], contrast


def test_activations_are_sorted_by_strength_and_count_dead_channels(
    shapes: Networks, scene: Drawn
) -> None:
    item = _run(
        shapes, scene, "trained", "activations", layer="block2", options={"channels": 8}
    ).maps[0]
    means = item.values.mean(axis=(1, 2))
    assert item.values.shape[0] == 8
    assert len(item.tile_names) == 8
    assert np.all(np.diff(means) <= 1e-6)
    assert "dead on this image" in item.title
    second = _run(
        shapes, scene, "trained", "activations", layer="block2", options={"channels": 8, "page": 1}
    ).maps[0]
    assert second.values.mean(axis=(1, 2)).max() <= means.min() + 1e-6
    assert second.tile_names[0] not in item.tile_names


def test_first_layer_filters_are_colour_pictures_and_deeper_ones_grey_channels(
    shapes: Networks, scene: Drawn
) -> None:
    first = _run(shapes, scene, "trained", "filters").maps[0]
    assert first.values.shape == (16, 3, 3, 3)
    assert first.scale == "picture"
    assert first.values.min() >= 0.0
    assert first.values.max() <= 1.0
    deeper = _run(shapes, scene, "trained", "filters", layer="block2", options={"filter": 3}).maps[
        0
    ]
    assert deeper.values.shape == (16, 3, 3)
    assert deeper.scale == "diverging"
    with pytest.raises(ValueError, match="has 32 filters"):
        _run(shapes, scene, "trained", "filters", layer="block2", options={"filter": 99})


def test_occlusion_maps_the_strongest_channels_at_the_reference_pixel(
    shapes: Networks, scene: Drawn, masks: Masks
) -> None:
    progress: list[tuple[int, int]] = []
    request = TechniqueRequest(
        "occlusion",
        layer="block4",
        target="circle",
        reference=(40, 48),
        options={"patch": 32, "stride": 16, "channels": 1},
    )
    result = compute(
        request, shapes["trained"], scene[1], progress=lambda d, t: progress.append((d, t))
    )
    assert len(result.maps) == 2
    assert progress[-1][0] == progress[-1][1]
    channel = result.maps[1].values
    assert _ratio(channel, masks["circle"], masks["far"]) > 1.0


def test_the_lessons_claims_about_its_scenes_hold() -> None:
    """ "Four ways to ask a network why" says what the network answers on its two scenes."""
    network = networks.build_network(networks.resolve_weights("shapes", "trained"))
    scenes = Path(__file__).resolve().parent.parent / "datasets" / "scenes"
    ranked = {}
    for name in ("circle-and-square", "star-and-cross"):
        analysis = images.load_analysis_image(scenes / f"{name}.png")
        result = compute(TechniqueRequest("predict"), network, analysis)
        ranked[name] = [prediction.label for prediction in result.predictions]
    assert ranked["circle-and-square"][:3] == ["square", "triangle", "circle"]
    assert ranked["star-and-cross"][0] == "star"
