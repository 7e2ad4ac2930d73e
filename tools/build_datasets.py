"""Rebuild ``datasets/`` from scikit-image's bundled sample images.

Usage: ``python tools/build_datasets.py SKIMAGE_DATA_DIR`` where the directory is
``skimage/data`` from the scikit-image wheel (``pip download --no-deps scikit-image``, then
unzip). Every file in ``datasets/`` is either a byte-for-byte copy or derived here, so each
change listed in ``datasets/LICENSES.md`` can be checked and repeated.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"

#: Copied unchanged.
COPIED = (
    "astronaut.png",
    "camera.png",
    "cell.png",
    "chelsea.png",
    "coffee.png",
    "hubble_deep_field.jpg",
    "rocket.jpg",
)
TILE = 256


def retina(source: Path) -> None:
    """The 1411 px fundus photograph, scaled to 1024 px (the app's default size cap)."""
    with Image.open(source / "retina.jpg") as image:
        small = image.convert("RGB").resize((1024, 1024), Image.Resampling.LANCZOS)
    small.save(DATASETS / "retina.jpg", quality=90, optimize=True)


def textures(source: Path) -> None:
    """Six 256 px tiles of three textures, some shown twice in a changed form.

    Top row: brick, grass, gravel. Bottom row: the same brick tile turned a quarter, the
    whole brick image at half scale, and another patch of the same grass.
    """
    with (
        Image.open(source / "brick.png") as brick_file,
        Image.open(source / "grass.png") as grass_file,
        Image.open(source / "gravel.png") as gravel_file,
    ):
        brick, grass, gravel = (
            image.convert("L") for image in (brick_file, grass_file, gravel_file)
        )
    corner = (0, 0, TILE, TILE)
    brick_tile = brick.crop(corner)
    tiles = [
        [brick_tile, grass.crop(corner), gravel.crop(corner)],
        [
            brick_tile.transpose(Image.Transpose.ROTATE_90),
            brick.resize((TILE, TILE), Image.Resampling.LANCZOS),
            grass.crop((TILE, TILE, 2 * TILE, 2 * TILE)),
        ],
    ]
    collage = Image.new("L", (3 * TILE, 2 * TILE))
    for row, images in enumerate(tiles):
        for column, tile in enumerate(images):
            collage.paste(tile, (column * TILE, row * TILE))
    collage.save(DATASETS / "textures.png", optimize=True)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    source = Path(sys.argv[1])
    DATASETS.mkdir(exist_ok=True)
    for name in COPIED:
        shutil.copyfile(source / name, DATASETS / name)
    retina(source)
    textures(source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
