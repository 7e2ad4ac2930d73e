"""The lesson catalog: broken files listed beside working ones, changed files reloaded."""

from __future__ import annotations

import os
from pathlib import Path

from classroom.catalog import LessonCatalog
from tests.lesson_tree import VALID, LessonTree


def _touch_later(path: Path) -> None:
    """Make a change visible even on file systems with coarse modification times."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


def test_lessons_with_an_order_come_first_then_the_others_by_title(tree: LessonTree) -> None:
    tree.write(VALID.replace("Test lesson", "Zebra"), "a.yaml")
    tree.write(VALID.replace("Test lesson", "apple"), "b.yml")
    tree.write(VALID.replace("Test lesson", "Later") + "order: 7\n", "c.yaml")
    tree.write(VALID.replace("Test lesson", "Sooner") + "order: -1\n", "d.yaml")
    tree.write(VALID.replace("Test lesson", "Middle") + "order: 2\n", "e.yaml")

    catalog = LessonCatalog(tree.lessons).snapshot()

    assert [(lesson.id, lesson.title) for lesson in catalog.lessons] == [
        ("d", "Sooner"),
        ("e", "Middle"),
        ("c", "Later"),
        ("b", "apple"),
        ("a", "Zebra"),
    ]
    assert catalog.broken == ()
    assert catalog.get("b") is catalog.lessons[3]
    assert catalog.get("f") is None


def test_an_edited_order_moves_the_lesson(tree: LessonTree) -> None:
    tree.write(VALID.replace("Test lesson", "First") + "order: 1\n", "a.yaml")
    second = tree.write(VALID.replace("Test lesson", "Second") + "order: 2\n", "b.yaml")
    catalog = LessonCatalog(tree.lessons)
    assert [lesson.id for lesson in catalog.snapshot().lessons] == ["a", "b"]

    second.write_text(VALID.replace("Test lesson", "Second") + "order: 0\n", encoding="utf-8")
    _touch_later(second)

    assert [lesson.id for lesson in catalog.snapshot().lessons] == ["b", "a"]


def test_a_broken_file_is_listed_with_its_problem_and_the_others_still_load(
    tree: LessonTree,
) -> None:
    tree.write(VALID, "good.yaml")
    tree.write(VALID.replace("reference: [10, 20]", "reference: [100, 20]"), "bad.yaml")

    catalog = LessonCatalog(tree.lessons).snapshot()

    assert [lesson.id for lesson in catalog.lessons] == ["good"]
    [broken] = catalog.broken
    assert broken.id == "bad"
    assert str(tree.lessons / "bad.yaml") + ":8: steps[0].reference:" in broken.problem
    assert "found [100, 20]" in broken.problem


def test_only_changed_files_are_read_again(tree: LessonTree) -> None:
    path = tree.write(VALID, "lesson.yaml")
    catalog = LessonCatalog(tree.lessons)
    first = catalog.snapshot().lessons[0]

    assert catalog.snapshot().lessons[0] is first, "an unchanged file is not parsed again"

    path.write_text(VALID.replace("Test lesson", "Edited"), encoding="utf-8")
    _touch_later(path)
    assert catalog.snapshot().lessons[0].title == "Edited"


def test_a_fix_while_running_takes_effect_and_a_removed_file_disappears(
    tree: LessonTree,
) -> None:
    path = tree.write("title: [unclosed", "lesson.yaml")
    catalog = LessonCatalog(tree.lessons)
    assert [broken.id for broken in catalog.snapshot().broken] == ["lesson"]

    path.write_text(VALID, encoding="utf-8")
    _touch_later(path)
    fixed = catalog.snapshot()
    assert ([lesson.id for lesson in fixed.lessons], fixed.broken) == (["lesson"], ())

    path.unlink()
    assert catalog.snapshot().lessons == ()


def test_two_files_with_one_name_keep_the_first(tree: LessonTree) -> None:
    tree.write(VALID, "same.yaml")
    tree.write(VALID, "same.yml")

    catalog = LessonCatalog(tree.lessons).snapshot()

    assert [lesson.path.name for lesson in catalog.lessons] == ["same.yaml"]
    assert [broken.path.name for broken in catalog.broken] == ["same.yml"]
    assert "another lesson file is also called 'same'" in catalog.broken[0].problem


def test_a_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    catalog = LessonCatalog(tmp_path / "nowhere").snapshot()

    assert catalog.lessons == ()
    assert catalog.problem == f"{tmp_path / 'nowhere'}: does not exist"
