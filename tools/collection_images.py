"""Draw the two images the collection lessons declare (``datasets/drawn-one.png``,
``datasets/shapes-scene.png``): made here, so they are CC0 by construction.

A lesson needs at least one image even when all its steps show collections; these are small
and stand for what the collections hold (a handwritten "1" as the digits network sees digits,
white on black; generated shapes on stripes). Run ``uv run python tools/collection_images.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from classroom.trained.backgrounds import BackgroundSpec
from classroom.trained.scenes import compose_scene
from classroom.trained.shapes import ShapeSpec

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def drawn_one() -> Image.Image:
    picture = Image.new("RGB", (64, 64), (0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.line([(36, 8), (26, 56)], fill=(255, 255, 255), width=7)
    draw.line([(36, 8), (24, 18)], fill=(255, 255, 255), width=5)
    return picture


def shapes_scene() -> Image.Image:
    background = BackgroundSpec("stripes", ((40, 60, 120), (90, 120, 170)), scale=12.0, angle=30.0)
    shapes = [
        ShapeSpec("star", (250, 200, 40), (60.0, 64.0), 64.0, 10.0),
        ShapeSpec("circle", (220, 60, 60), (150.0, 60.0), 56.0),
    ]
    return Image.fromarray(compose_scene(shapes, background, 208, 128).image)


def main() -> None:
    drawn_one().save(DATASETS / "drawn-one.png", optimize=True)
    shapes_scene().save(DATASETS / "shapes-scene.png", optimize=True)


if __name__ == "__main__":
    main()
