"""Textured backgrounds: each kind's pattern, its scale and angle, and validation."""

from __future__ import annotations

import numpy as np
import pytest

from classroom.trained.backgrounds import (
    BACKGROUND_KINDS,
    BackgroundSpec,
    background_pattern,
    render_background,
)

BLACK, WHITE = (0, 0, 0), (255, 255, 255)


@pytest.mark.parametrize("kind", BACKGROUND_KINDS)
def test_every_kind_renders_any_size_between_its_two_colours(kind: str) -> None:
    spec = BackgroundSpec(kind, ((200, 10, 10), (10, 10, 200)), scale=7, angle=20, seed=3)
    for width, height in ((96, 96), (1, 1), (131, 77)):
        image = render_background(spec, width, height)
        assert image.shape == (height, width, 3)
        assert image.dtype == np.float32
        assert image[..., 1].min() == image[..., 1].max() == 10  # blends keep green at 10
        assert 10 <= image[..., 0].min() <= image[..., 0].max() <= 200


def test_plain_is_the_first_colour_and_textures_use_both() -> None:
    assert np.all(background_pattern(BackgroundSpec("plain", (BLACK, WHITE)), 50, 40) == 0)
    for kind in ("stripes", "dots", "checks", "noise"):
        pattern = background_pattern(BackgroundSpec(kind, (BLACK, WHITE), scale=6), 96, 96)
        assert (pattern < 0.1).mean() > 0.1, kind
        assert (pattern > 0.9).mean() > 0.05, kind


def test_stripes_repeat_with_their_period_along_their_direction() -> None:
    vertical = background_pattern(BackgroundSpec("stripes", (BLACK, WHITE), scale=8), 96, 32)
    assert np.allclose(vertical[:, :-8], vertical[:, 8:], atol=1e-5)  # period 8 along x
    assert np.allclose(vertical[:-1], vertical[1:])  # constant along y
    assert vertical[0].mean() == pytest.approx(0.5, abs=0.02)  # fill 0.5
    turned = background_pattern(BackgroundSpec("stripes", (BLACK, WHITE), 8, angle=90), 32, 96)
    assert np.allclose(turned[:, :-1], turned[:, 1:], atol=1e-5)  # now constant along x
    assert np.allclose(turned[:-8], turned[8:], atol=1e-5)  # and periodic along y


def test_checks_alternate_and_dots_have_their_radius() -> None:
    checks = background_pattern(BackgroundSpec("checks", (BLACK, WHITE), scale=8), 64, 64)
    assert checks[3, 3] != checks[3, 11]  # squares of side 8
    assert checks[3, 3] == checks[11, 11] == checks[3, 19]
    assert checks[3, 3] == checks[3, 7]
    dots = background_pattern(BackgroundSpec("dots", (BLACK, WHITE), 20, fill=0.25), 200, 200)
    # A dot of radius 5 every 20 pixels: pi * 25 / 400 of the area.
    assert dots.mean() == pytest.approx(np.pi * 25 / 400, rel=0.03)


def test_noise_blobs_grow_with_the_scale_and_follow_the_seed() -> None:
    def roughness(scale: float) -> float:
        field = background_pattern(BackgroundSpec("noise", (BLACK, WHITE), scale), 128, 128)
        return float(np.abs(np.diff(field, axis=1)).mean())

    assert roughness(2) > 2 * roughness(10)
    first = BackgroundSpec("noise", (BLACK, WHITE), 5, seed=1)
    again = BackgroundSpec("noise", (BLACK, WHITE), 5, seed=1)
    other = BackgroundSpec("noise", (BLACK, WHITE), 5, seed=2)
    assert np.array_equal(background_pattern(first, 64, 64), background_pattern(again, 64, 64))
    assert not np.allclose(background_pattern(first, 64, 64), background_pattern(other, 64, 64))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "waves"}, "unknown background 'waves'; the backgrounds are plain, stripes"),
        ({"colours": (BLACK,)}, "needs two colours"),
        ({"colours": (BLACK, (0, 0, 300))}, "three integers in 0..255"),
        ({"scale": 0.5}, "scale must be at least 1 pixel"),
        ({"fill": 1.0}, "fill must be between 0 and 1"),
        ({"angle": float("nan")}, "angle and phase must be finite"),
    ],
)
def test_bad_backgrounds_are_refused_clearly(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"kind": "stripes", "colours": (BLACK, WHITE), **changes}
    with pytest.raises(ValueError, match=message):
        BackgroundSpec(**arguments)  # type: ignore[arg-type]


def test_an_empty_image_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 x 1 pixels, not 0 x 5"):
        background_pattern(BackgroundSpec("plain", (BLACK, WHITE)), 0, 5)
