"""The plain-data parts of activation maximization, its image spaces, cache and result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from classroom.maximization import PRESETS, Regularizers, Settings, Target, cache_key, parse_target
from classroom.maximization.ascent import generate
from classroom.maximization.image_space import FourierImage, PixelImage
from classroom.maximization.measures import high_frequency_share, squareness
from classroom.maximization.objective import target_of
from classroom.maximization.regularizers import clip_small_gradients, clip_small_pixels
from classroom.maximization.technique import maximize, read_cached, to_result
from classroom.networks import LoadedNetwork, build_network, resolve_weights
from classroom.store import FeatureStore

CLASSES = ("circle", "square", "triangle", "star", "cross")
LAYERS = {"block1": 16, "block3": 48}


def test_targets_are_parsed_and_checked() -> None:
    assert parse_target("class:square", CLASSES, LAYERS) == Target("class", "square", 1)
    assert parse_target("class:2", CLASSES, LAYERS) == Target("class", "triangle", 2)
    assert parse_target("channel:block3:47", CLASSES, LAYERS).spec == "channel:block3:47"
    neuron = parse_target("neuron:block1:3:4:5", CLASSES, LAYERS)
    assert (neuron.layer, neuron.index, neuron.cell) == ("block1", 3, (4, 5))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("class:sqare", "did you mean 'square'"),
        ("channel:block2:1", "no layer 'block2'"),
        ("channel:block3:48", "block3 has 48 channels"),
        ("channel:block3:x", "must be a whole number"),
        ("neuron:block3:1:-1:0", "must be a whole number|must not be negative"),
        ("channel:block3", "is not one of"),
        ("pixel:3", "is not one of"),
    ],
)
def test_bad_targets_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_target(spec, CLASSES, LAYERS)


def test_class_targets_need_class_names() -> None:
    with pytest.raises(ValueError, match="no class names"):
        parse_target("class:cat", (), LAYERS)


@pytest.mark.parametrize(
    "changes",
    [
        {"l2": -1.0},
        {"blur_sigma": 0.0},
        {"clip_pixels": 1.0},
        {"clip_gradients": -0.1},
        {"jitter": -1},
        {"fourier": True, "clip_pixels": 0.1},
    ],
)
def test_bad_regularizers_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"must|share|pixels"):
        Regularizers(**changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes", [{"steps": -1}, {"facets": 0}, {"size": 8}, {"learning_rate": 0.0}]
)
def test_bad_settings_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        Settings(**changes)  # type: ignore[arg-type]


def test_the_cache_key_holds_everything_that_changes_the_pixels() -> None:
    target = Target("class", "circle", 0)
    base = cache_key("shapes", "sha256:x", target, Settings())
    assert base == cache_key("shapes", "sha256:x", target, Settings(preview_every=3))
    changed = [
        cache_key("digits", "sha256:x", target, Settings()),
        cache_key("shapes", "sha256:y", target, Settings()),
        cache_key("shapes", "sha256:x", Target("class", "square", 1), Settings()),
        cache_key("shapes", "sha256:x", target, Settings(seed=1)),
        cache_key("shapes", "sha256:x", target, Settings(steps=7)),
        cache_key("shapes", "sha256:x", target, Settings().with_regularizers(jitter=1)),
    ]
    assert base not in changed
    assert len(set(changed)) == len(changed)


@pytest.mark.parametrize("space", [PixelImage, FourierImage])
def test_an_image_space_starts_at_its_start_image(space: type[PixelImage]) -> None:
    start = torch.rand((2, 3, 32, 40), generator=torch.Generator().manual_seed(0)) * 0.9 + 0.05
    torch.testing.assert_close(space(start).render(), start, atol=1e-4, rtol=0)


@pytest.mark.parametrize("space", [PixelImage, FourierImage])
def test_blurring_an_image_space_removes_high_frequencies(space: type[PixelImage]) -> None:
    start = torch.rand((1, 3, 48, 48), generator=torch.Generator().manual_seed(0)) * 0.8 + 0.1
    image = space(start)
    before = high_frequency_share(image.render().detach()[0].permute(1, 2, 0).numpy())
    image.blur(1.5)
    after = high_frequency_share(image.render().detach()[0].permute(1, 2, 0).numpy())
    assert after < before / 4


def test_clipping_removes_the_smallest_share() -> None:
    pixels = torch.full((1, 3, 10, 10), 0.5)
    pixels[0, :, :5] = 0.9
    pixels[0, :, 5:, :2] = 0.52
    clip_small_pixels(pixels, 0.5)  # the 40 grey and 10 nearly grey pixels
    assert (pixels[0, :, 5:, :2] == 0.5).all()
    assert (pixels[0, :, :5] == 0.9).all()
    gradient = torch.arange(10.0).view(1, 10)
    clip_small_gradients(gradient, 0.4)
    assert gradient.tolist() == [[0, 0, 0, 0, 4, 5, 6, 7, 8, 9]]


@pytest.mark.parametrize("size", [28.0, 50.0, 72.0])
def test_squareness_tells_a_square_from_a_circle_at_any_angle(size: float) -> None:
    from classroom.trained.backgrounds import BackgroundSpec
    from classroom.trained.scenes import compose_scene
    from classroom.trained.shapes import ShapeSpec

    def drawn(kind: str, angle: float) -> np.ndarray:
        shape = ShapeSpec(kind, (230, 230, 230), centre=(48, 48), size=size, angle=angle)
        background = BackgroundSpec("plain", ((20, 20, 20), (20, 20, 20)))
        return compose_scene([shape], background, 96, 96).image / 255.0

    for angle in (10.0, 37.0):
        square, circle = squareness(drawn("square", angle)), squareness(drawn("circle", angle))
        assert square > 0.75
        assert circle < square - 0.25
    # Noise has no outline running anywhere in particular.
    noise = np.random.default_rng(0).random((96, 96, 3))
    assert squareness(noise) < 0.2


def test_results_are_cached_and_damage_is_recomputed(tmp_path: Path) -> None:
    store = FeatureStore(tmp_path)
    network = build_network(resolve_weights("shapes"))
    target = Target("class", "star", 3)
    settings = Settings(steps=3, facets=2)
    steps_run: list[int] = []
    first = maximize(
        network,
        target,
        settings,
        store=store,
        on_progress=lambda step, _steps, _preview: steps_run.append(step),
    )
    assert steps_run == [1, 2, 3]
    again = maximize(
        network,
        target,
        settings,
        store=store,
        on_progress=lambda step, _steps, _preview: steps_run.append(step),
    )
    assert steps_run == [1, 2, 3]  # read from the store, not computed
    np.testing.assert_allclose(again.images, first.images, atol=1 / 255)
    assert again.starts == first.starts
    assert again.predictions == first.predictions
    path = store.generated_dir / f"{first.key}.npz"
    path.write_bytes(path.read_bytes()[:100])
    assert read_cached(store, first.key, target) is None
    assert not path.exists()  # the damaged file is gone, so it is computed again
    maximize(
        network,
        target,
        settings,
        store=store,
        on_progress=lambda step, _steps, _preview: steps_run.append(step),
    )
    assert steps_run == [1, 2, 3, 1, 2, 3]
    assert path.exists()


def test_the_result_is_a_picture_map_with_the_top_5(tmp_path: Path) -> None:
    network = build_network(resolve_weights("shapes"))
    maximized = maximize(network, Target("class", "cross", 4), Settings(steps=2, facets=2))
    result = to_result(maximized)
    picture, top = result.maps
    assert top.scale == "picture"
    assert top.values.shape == (6, 96, 96, 3)
    assert top.tile_names[0].startswith("held-out ")
    assert picture.scale == "picture"
    assert picture.values.shape == (2, 96, 96, 3)
    assert picture.tile_names[0].startswith("noise: ")
    assert len(result.predictions) == 5
    assert {p.label for p in result.predictions} == set(CLASSES)


def test_importing_the_package_imports_no_torch() -> None:
    code = "import classroom.maximization, sys; print('torch' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"


def test_a_torchvision_family_works_through_the_registry(
    resnet18_untrained: LoadedNetwork,
) -> None:
    """No collection: every facet starts from its own noise; the Fourier space raises it."""
    target = target_of(resnet18_untrained, "channel:conv3_x:5")
    settings = Settings(steps=3, size=64, facets=2, regularizers=PRESETS["fourier"])
    generated = generate(resnet18_untrained, target, settings)
    assert generated.starts == ("noise", "noise")
    assert not np.array_equal(generated.images[0], generated.images[1])
    assert (generated.values > generated.start_values).all()
