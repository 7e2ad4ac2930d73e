"""A lesson directory and a datasets directory on disk, as the bundled ones are laid out."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from classroom.lessons import Lesson, LessonError, LessonProblem, load_lesson

#: The smallest valid lesson, on top of :class:`LessonTree`'s 64 x 48 ``photo.png``.
VALID = """\
title: Test lesson
images:
  photo:
    path: photo.png
    attribution: generated for the tests, CC0
steps:
  - text: Look at the photo.
    reference: [10, 20]
"""


class LessonTree:
    """``root/lessons`` and ``root/datasets`` (with a 64 x 48 ``photo.png``, and ``photo.pt``,
    a file in a model file's place: checking a lesson does not open it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lessons = root / "lessons"
        self.datasets = root / "datasets"
        self.lessons.mkdir(parents=True)
        self.datasets.mkdir()
        self.image("photo.png")
        (self.datasets / "photo.pt").write_bytes(b"not loaded by the checks")

    def image(self, name: str, size: tuple[int, int] = (64, 48), orientation: int = 1) -> Path:
        """A small RGB gradient at ``datasets/name``, with an EXIF orientation if not 1."""
        width, height = size
        image = Image.new("RGB", size)
        image.putdata(
            [(x * 4 % 256, y * 4 % 256, 128) for y in range(height) for x in range(width)]
        )
        path = self.datasets / name
        path.parent.mkdir(parents=True, exist_ok=True)
        exif = Image.Exif()
        if orientation != 1:
            exif[0x0112] = orientation
        image.save(path, exif=exif)
        return path

    def write(self, content: str | bytes, name: str = "lesson.yaml") -> Path:
        path = self.lessons / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def load(self, content: str | bytes) -> Lesson:
        return load_lesson(self.write(content))

    def problems(self, content: str | bytes) -> list[LessonProblem]:
        """The problems of a lesson that must fail to load."""
        try:
            load_lesson(self.write(content))
        except LessonError as error:
            return error.problems
        raise AssertionError("the lesson loaded without problems")

    def only_problem(self, content: str | bytes) -> tuple[int | None, str, str]:
        """``(line, field, message)`` of a lesson with exactly one problem."""
        problems = self.problems(content)
        assert len(problems) == 1, "\n".join(map(str, problems))
        problem = problems[0]
        assert problem.file == self.lessons / "lesson.yaml"
        return problem.line, problem.field, problem.message


#: One lesson with one of everything the format has (schema and damage tests start from it).
RICH = """\
title: Every feature
audience: tests
summary: One of everything.
model: resnet50
weights: IMAGENET1K_V2
layers: [conv2_x, conv4_x]
precision: 16
max_side: 512
images:
  photo: {path: photo.png, caption: A gradient, attribution: CC0}
  other:
    path: other.png
    attribution: CC0
steps:
  - id: first
    title: First
    text: |
      Point at the **corner**.
    reference: [3, 4]
    locked: true
    question:
      prompt: What lights up?
      hint: Look left.
      answer: The corner.
  - text: Second
    image: other
    layers: [conv3_x, {layer: conv3_x, weights: untrained}]
"""
