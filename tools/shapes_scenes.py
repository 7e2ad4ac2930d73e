"""Draw the shapes lesson's pictures: ``datasets/shapes-scenes.json`` -> ``datasets/<name>.png``.

Usage: ``python tools/shapes_scenes.py``. The scenes are data (shapes, colours, positions,
backgrounds) drawn by classroom's own generator, the one the shapes network learned from, so
the lesson shows that network images of the kind it knows. ``tests/test_shapes_lesson.py``
fails when a committed PNG differs from what its scene draws.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from classroom.trained.scenes import read_scenes

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
SCENES = DATASETS / "shapes-scenes.json"


def main() -> None:
    for name, scene in read_scenes(SCENES).items():
        target = DATASETS / f"{name}.png"
        Image.fromarray(scene.image).save(target, optimize=True)
        height, width = scene.image.shape[:2]
        print(f"{target.relative_to(DATASETS.parent)}: {width} x {height}")


if __name__ == "__main__":
    main()
