"""Draw ``datasets/scenes/`` for the lesson "Four ways to ask a network why".

Usage: ``python tools/technique_scenes.py``. The scenes are drawn by classroom's own shapes
generator (:func:`classroom.trained.scenes.compose_scene`), deterministically, so the files
can be checked and redrawn; they are classroom's own work (CC0, see datasets/LICENSES.md).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from classroom.trained.backgrounds import BackgroundSpec
from classroom.trained.scenes import compose_scene
from classroom.trained.shapes import ShapeSpec

OUTPUT = Path(__file__).resolve().parent.parent / "datasets" / "scenes"

SCENES = {
    "circle-and-square": (
        [
            ShapeSpec("circle", (220, 40, 40), centre=(64, 80), size=70),
            ShapeSpec("square", (240, 220, 40), centre=(176, 88), size=56, angle=15),
        ],
        BackgroundSpec("stripes", ((30, 30, 30), (150, 150, 150)), scale=10, angle=30),
        240,
        160,
    ),
    "star-and-cross": (
        [
            ShapeSpec("star", (40, 90, 230), centre=(70, 76), size=72),
            ShapeSpec("cross", (40, 190, 80), centre=(178, 84), size=60, angle=10),
        ],
        BackgroundSpec("dots", ((250, 250, 250), (200, 60, 160)), scale=9, fill=0.3),
        240,
        160,
    ),
}


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, (shapes, background, width, height) in SCENES.items():
        scene = compose_scene(shapes, background, width, height)
        Image.fromarray(scene.image).save(OUTPUT / f"{name}.png", optimize=True)
        print(f"wrote {OUTPUT / name}.png")


if __name__ == "__main__":
    main()
