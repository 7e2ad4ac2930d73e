"""What the benchmarks measure on: a 1024x768 photograph, ResNet-101, a one-image lesson.

The image is the bundled ``datasets/coffee.png`` (600x400, CC0), its centre cropped to 4:3
(533x400) and upscaled with Lanczos to 1024x768: a real photograph at the size the issue asks
for. Pretrained weights cannot be downloaded here, so the network is ResNet-101 with seeded
random weights (``--untrained``): the same architecture, hence the same cost.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from classroom import networks
from classroom.preparation import DEFAULT_LAYERS, PrepareRequest
from classroom.settings import BUNDLED_LESSONS

if TYPE_CHECKING:
    from PIL import Image
    from torch import nn

__all__ = [
    "ARCHITECTURE",
    "IMAGE_SIZE",
    "LESSON_ID",
    "SOURCE_IMAGE",
    "STEP_IDS",
    "PreparedLesson",
    "bench_image",
    "bench_request",
    "prepared_lesson",
    "untrained_model",
    "write_bench_image",
    "write_lesson",
]

ARCHITECTURE: Final = "resnet101"
IMAGE_SIZE: Final = (1024, 768)
SOURCE_IMAGE: Final = BUNDLED_LESSONS.parent / "datasets" / "coffee.png"
IMAGE_NAME: Final = "coffee-1024x768.png"
#: The same picture mirrored: other feature files of the same sizes, for a step that switches
#: the view to other features (the open benchmark's switch) at the same cost as the first.
MIRRORED_NAME: Final = "coffee-mirrored-1024x768.png"
LESSON_ID: Final = "benchmark"
#: How the image was made, for the table's notes.
IMAGE_NOTE: Final = (
    "datasets/coffee.png (600x400) centre-cropped to 4:3 and upscaled (Lanczos) to 1024x768"
)


@cache
def bench_image() -> Image.Image:
    """The 1024x768 RGB benchmark picture (made once per process)."""
    from PIL import Image

    with Image.open(SOURCE_IMAGE) as source:
        picture = source.convert("RGB")
    width, height = picture.size
    target_width, target_height = IMAGE_SIZE
    crop_width = min(width, height * target_width // target_height)
    crop_height = min(height, width * target_height // target_width)
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    cropped = picture.crop((left, top, left + crop_width, top + crop_height))
    return cropped.resize(IMAGE_SIZE, Image.Resampling.LANCZOS)


def write_bench_image(directory: Path, *, mirrored: bool = False) -> Path:
    """Save the benchmark picture (or its mirror image) as PNG in ``directory``; its path."""
    from PIL import ImageOps

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (MIRRORED_NAME if mirrored else IMAGE_NAME)
    (ImageOps.mirror(bench_image()) if mirrored else bench_image()).save(path, format="PNG")
    return path


def bench_request(image: Path) -> PrepareRequest:
    """ResNet-101 conv2_x, conv3_x and conv4_x of ``image`` at 8 bit (the lessons' default)."""
    return PrepareRequest(
        image=image,
        architecture=ARCHITECTURE,
        weights=networks.UNTRAINED,
        layers=DEFAULT_LAYERS,
        precision=8,
        max_side=max(IMAGE_SIZE),
        source=f"{LESSON_ID}: coffee",
    )


@cache
def untrained_model() -> nn.Module:
    """ResNet-101 with the seeded random weights that ``--untrained`` preparation builds."""
    return networks.build_model(networks.untrained_weights(ARCHITECTURE))


#: Steps with different reference pixels (and the image each shows, where it changes); the
#: load check steps through all of them. The second shows the mirrored picture: "Next" on the
#: first step switches the view to other feature files (the open benchmark's switch).
_STEPS: Final = (
    ("cup", (600, 330), "The rim of the cup.", "coffee"),
    ("mirrored", (424, 330), "The rim of the cup, mirrored.", "mirrored"),
    ("saucer", (420, 620), "The saucer.", "coffee"),
    ("table", (110, 120), "The table top.", "coffee"),
)


#: The lesson's step ids, in order.
STEP_IDS: Final = tuple(step[0] for step in _STEPS)


def write_lesson(root: Path) -> Path:
    """A lesson directory (``root/lessons``) with a four-step lesson on the benchmark image.

    The image goes into ``root/datasets``, where lessons look for their pictures by default.
    Returns the lessons directory.
    """
    write_bench_image(root / "datasets")
    write_bench_image(root / "datasets", mirrored=True)
    lessons = root / "lessons"
    lessons.mkdir(parents=True, exist_ok=True)
    steps = "\n".join(
        f"  - id: {step_id}\n    image: {image}\n    reference: [{x}, {y}]\n    text: {text}"
        for step_id, (x, y), text, image in _STEPS
    )
    (lessons / f"{LESSON_ID}.yaml").write_text(
        "title: Benchmark\n"
        f"model: {ARCHITECTURE}\n"
        "weights: untrained\n"
        "layers: [conv2_x, conv3_x, conv4_x]\n"
        "precision: 8\n"
        f"max_side: {max(IMAGE_SIZE)}\n"
        "images:\n"
        "  coffee:\n"
        f"    path: {IMAGE_NAME}\n"
        "    attribution: Rachel Michetti, via scikit-image. CC0. Cropped and upscaled.\n"
        "  mirrored:\n"
        f"    path: {MIRRORED_NAME}\n"
        "    attribution: Rachel Michetti, via scikit-image. CC0. Cropped, upscaled, mirrored.\n"
        f"steps:\n{steps}\n",
        encoding="utf-8",
    )
    return lessons


@dataclass(frozen=True)
class PreparedLesson:
    """The benchmark lesson, prepared with ``classroom prepare --untrained`` into a store.

    Attributes:
        lessons: the lessons directory (``classroom run --lessons``).
        cache: the store (``CLASSROOM_CACHE_DIR``).
        environment: what a ``classroom`` process needs to find both.
    """

    lessons: Path
    cache: Path

    @property
    def environment(self) -> dict[str, str]:
        return {
            "CLASSROOM_CACHE_DIR": str(self.cache),
            "CLASSROOM_DATASETS_DIR": str(self.lessons.parent / "datasets"),
        }

    def files(self) -> list[Path]:
        """Every file of the lesson: the lesson file, its picture and its prepared store."""
        root = self.lessons.parent
        return sorted(path for path in root.rglob("*") if path.is_file())


@cache
def prepared_lesson() -> PreparedLesson:
    """The benchmark lesson prepared once per process (removed when the process exits).

    Prepared the way an instructor does before class: ``classroom prepare --untrained``.
    """
    from harness.app import classroom_program

    root = Path(tempfile.mkdtemp(prefix="classroom-bench-lesson-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    lesson = PreparedLesson(write_lesson(root), root / "cache")
    completed = subprocess.run(
        [*classroom_program(), "prepare", "--untrained", str(lesson.lessons)],
        env={**os.environ, **lesson.environment},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"classroom prepare failed:\n{completed.stdout}{completed.stderr}")
    return lesson
