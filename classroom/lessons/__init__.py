"""Lessons: YAML files an instructor writes, checked and turned into typed lessons.

A lesson file (``lessons/*.yaml``; the format is documented in ``docs/lessons.md``) names a
model, images inside ``datasets/`` and an ordered list of steps. :func:`load_lesson` reports
*every* problem of a file at once, each with file, line and field, in two passes:

1. the schema (:mod:`~classroom.lessons.schema`): types, required fields, unknown or misspelt
   fields with the closest known name, model, layer and precision names;
2. what a schema cannot know (:mod:`~classroom.lessons.checks`): image paths stay inside
   ``datasets/`` and open as images, steps name existing images, reference pixels lie inside
   their image, layers and weights belong to the model (the network registry,
   :mod:`classroom.networks`, knows them without torch), step ids are unique.

YAML is read by :mod:`~classroom.lessons.safe_yaml` (bounded, no aliases, lines kept). The
result, :class:`Lesson`, has every default resolved; it is what preparation and the app use.

Modules: ``safe_yaml`` (reading) → ``schema`` (file models) → ``explain`` (its errors in
words) → ``checks`` (with ``network_checks`` and ``paths``) → ``loader`` → ``model`` (the
resolved lesson); ``problems`` (messages); ``json_schema`` (for editors); ``report``
(``classroom check``'s output).
"""

from classroom.lessons.json_schema import lesson_schema
from classroom.lessons.loader import default_datasets_dir, discover_lessons, load_lesson
from classroom.lessons.model import Lesson, LessonImage, Panel, Question, Step
from classroom.lessons.problems import LessonError, LessonProblem
from classroom.lessons.report import check_from_cli
from classroom.lessons.schema import ARCHITECTURES, MAX_PANELS

__all__ = [
    "ARCHITECTURES",
    "MAX_PANELS",
    "Lesson",
    "LessonError",
    "LessonImage",
    "LessonProblem",
    "Panel",
    "Question",
    "Step",
    "check_from_cli",
    "default_datasets_dir",
    "discover_lessons",
    "lesson_schema",
    "load_lesson",
]
