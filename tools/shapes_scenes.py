"""Draw the pictures classroom makes itself from their scene data: each ``*scenes.json`` under
``datasets/`` -> ``<its folder>/<name>.png``.

Usage: ``python tools/shapes_scenes.py``. The scenes are data (shapes, colours, positions,
backgrounds) drawn by classroom's own generator, the one the shapes network learned from, so
the lessons show that network images of the kind it knows. ``datasets/shapes-scenes.json`` is
the shapes lesson's, ``datasets/scenes/scenes.json`` the techniques lesson's;
``tests/test_trained_scenes.py`` fails when a committed PNG differs from what its scene draws.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from classroom.trained.scenes import read_scenes

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
#: Every scene file: the PNGs go next to it.
SCENE_FILES = (DATASETS / "shapes-scenes.json", DATASETS / "scenes" / "scenes.json")


def main() -> None:
    for scene_file in SCENE_FILES:
        for name, scene in read_scenes(scene_file).items():
            target = scene_file.parent / f"{name}.png"
            Image.fromarray(scene.image).save(target, optimize=True)
            height, width = scene.image.shape[:2]
            print(f"{target.relative_to(DATASETS.parent)}: {width} x {height}")


if __name__ == "__main__":
    main()
