"""The lessons the app offers: loaded once per process and reloaded when a file changes.

Every session shares one :class:`LessonCatalog` (the app keeps it in ``st.cache_resource``).
Each rerun asks it for a :class:`Catalog`; that costs one ``stat`` per lesson file, and only a
file whose size or modification time changed is read again. An instructor can therefore fix a
lesson while the app runs and see the fix on the next click. A file that fails to load is
listed with its problems, and the other lessons keep working.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from classroom.lessons import Lesson, discover_lessons, load_lesson

__all__ = ["BrokenLesson", "Catalog", "LessonCatalog"]


@dataclass(frozen=True)
class BrokenLesson:
    """A lesson file that did not load.

    Attributes:
        path: the file.
        problem: every problem found, one per line (file, line, field and what is wrong).
    """

    path: Path
    problem: str

    @property
    def id(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Catalog:
    """The lessons of a directory at one moment.

    Attributes:
        directory: where the lesson files are.
        lessons: those that loaded, sorted by file name.
        broken: those that did not, with their problems.
        problem: why the directory itself cannot be read, or None.
    """

    directory: Path
    lessons: tuple[Lesson, ...] = ()
    broken: tuple[BrokenLesson, ...] = ()
    problem: str | None = None

    def get(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


_Signature = tuple[int, int]


class LessonCatalog:
    """Keeps the lessons of one directory loaded, rereading only files that changed."""

    def __init__(self, directory: Path, *, datasets_dir: Path | None = None) -> None:
        self.directory = directory
        self._datasets_dir = datasets_dir
        self._lock = threading.Lock()
        self._loaded: dict[Path, tuple[_Signature, Lesson | BrokenLesson]] = {}

    def snapshot(self) -> Catalog:
        """The lessons as the files are now (thread-safe; sessions call it on every rerun)."""
        try:
            files = discover_lessons(self.directory)
        except OSError as error:
            reason = "does not exist" if isinstance(error, FileNotFoundError) else str(error)
            return Catalog(self.directory, problem=f"{self.directory}: {reason}")
        with self._lock:
            current: dict[Path, tuple[_Signature, Lesson | BrokenLesson]] = {}
            for path in files:
                current[path] = self._load(path)
            self._loaded = current
        return self._catalog([outcome for _, outcome in current.values()])

    def _load(self, path: Path) -> tuple[_Signature, Lesson | BrokenLesson]:
        try:
            status = path.stat()
        except OSError as error:
            return (0, 0), BrokenLesson(path, f"{path}: cannot be read ({error.strerror})")
        signature = (status.st_mtime_ns, status.st_size)
        known = self._loaded.get(path)
        if known is not None and known[0] == signature:
            return known
        outcome: Lesson | BrokenLesson
        try:
            outcome = load_lesson(path, datasets_dir=self._datasets_dir)
        except (ValueError, OSError) as error:  # LessonError is a ValueError
            outcome = BrokenLesson(path, str(error))
        return signature, outcome

    def _catalog(self, outcomes: list[Lesson | BrokenLesson]) -> Catalog:
        lessons: list[Lesson] = []
        broken: list[BrokenLesson] = []
        for outcome in outcomes:
            if isinstance(outcome, BrokenLesson):
                broken.append(outcome)
            elif any(lesson.id == outcome.id for lesson in lessons):
                # lesson.yaml and lesson.yml would share one id (and one share link).
                broken.append(
                    BrokenLesson(
                        outcome.path,
                        f"{outcome.path}: another lesson file is also called "
                        f"'{outcome.id}'; rename one of them",
                    )
                )
            else:
                lessons.append(outcome)
        return Catalog(self.directory, tuple(lessons), tuple(broken))
