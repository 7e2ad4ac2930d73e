"""Broken lessons, one mistake each: the exact problem an instructor would read.

Generated on the fly; each test asserts line, field and message.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from classroom.lessons import (
    LessonError,
    LessonProblem,
    discover_lessons,
)
from tests.broken_lessons import BROKEN, ESCAPES
from tests.lesson_tree import VALID, LessonTree


@pytest.mark.parametrize("case", ESCAPES, ids=str)
def test_image_paths_cannot_leave_datasets(tree: LessonTree, case: str) -> None:
    written, message = ESCAPES[case]
    problem = tree.only_problem(VALID.replace("photo.png", written))
    assert problem == (4, "images.photo.path", message)


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_a_broken_lesson_reports_its_one_problem(tree: LessonTree, case: str) -> None:
    text, expected = BROKEN[case]
    assert tree.only_problem(text) == expected


def test_a_weights_file_must_be_in_the_datasets_directory(tree: LessonTree) -> None:
    assert tree.only_problem(VALID + "weights: models/pets.pth\n") == (
        9,
        "weights",
        f"weights file: 'models/pets.pth' does not exist in {tree.datasets}",
    )


def test_unknown_weights_are_reported_for_the_lessons_architecture(tree: LessonTree) -> None:
    line, field, message = tree.only_problem(VALID + "model: resnet18\nweights: IMAGENET1K_V2\n")
    assert (line, field) == (10, "weights")
    assert "IMAGENET1K_V2" in message
    assert "resnet18" in message
    text = VALID + "    layers: [conv2_x, {layer: conv2_x, weights: untrianed}]\n"
    line, field, message = tree.only_problem(text)
    assert (line, field) == (9, "steps[0].layers[1].weights")
    assert "untrianed" in message


def test_a_missing_image_names_the_datasets_directory(tree: LessonTree) -> None:
    assert tree.only_problem(VALID.replace("photo.png", "phot.png")) == (
        4,
        "images.photo.path",
        f"'phot.png' does not exist in {tree.datasets} — did you mean 'photo.png'?",
    )
    assert tree.only_problem(VALID.replace("photo.png", "pictures/photo.png")) == (
        4,
        "images.photo.path",
        f"'pictures/photo.png' does not exist in {tree.datasets}",
    )
    (tree.datasets / "folder.png").mkdir()
    assert tree.only_problem(VALID.replace("photo.png", "folder.png")) == (
        4,
        "images.photo.path",
        "'folder.png' is not a file",
    )


def test_a_missing_datasets_directory_is_reported_once(tree: LessonTree) -> None:
    moved = tree.datasets.rename(tree.root / "moved")
    assert tree.only_problem(VALID) == (
        2,
        "images",
        f"the datasets directory {tree.datasets} does not exist (image paths are looked up "
        "there; CLASSROOM_DATASETS_DIR changes it)",
    )
    assert moved.is_dir()


def test_symbolic_links_may_not_lead_out_of_datasets(tree: LessonTree) -> None:
    outside = tree.root / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes((tree.datasets / "photo.png").read_bytes())
    (tree.datasets / "link.png").symlink_to(outside / "secret.png")
    (tree.datasets / "folder").symlink_to(outside, target_is_directory=True)
    assert tree.only_problem(VALID.replace("photo.png", "link.png")) == (
        4,
        "images.photo.path",
        "'link.png' is a symbolic link that points outside datasets/",
    )
    assert tree.only_problem(VALID.replace("photo.png", "folder/secret.png")) == (
        4,
        "images.photo.path",
        "'folder/secret.png' is a symbolic link that points outside datasets/",
    )


def test_symbolic_links_inside_datasets_are_followed(tree: LessonTree) -> None:
    (tree.datasets / "alias.png").symlink_to(tree.datasets / "photo.png")
    (image,) = tree.load(VALID.replace("photo.png", "alias.png")).images
    assert image.path == tree.datasets / "photo.png"


def test_a_symbolic_link_loop_is_a_problem_not_a_crash(tree: LessonTree) -> None:
    (tree.datasets / "loop.png").symlink_to(tree.datasets / "loop.png")
    line, field, message = tree.only_problem(VALID.replace("photo.png", "loop.png"))
    assert (line, field) == (4, "images.photo.path")
    assert message.startswith("'loop.png' ")


def test_files_that_are_not_images_are_reported(tree: LessonTree) -> None:
    (tree.datasets / "notes.png").write_text("not an image")
    assert tree.only_problem(VALID.replace("photo.png", "notes.png")) == (
        4,
        "images.photo.path",
        f"{tree.datasets / 'notes.png'}: is not an image file: it holds text",
    )
    whole = (tree.datasets / "photo.png").read_bytes()
    (tree.datasets / "cut.png").write_bytes(whole[: len(whole) // 2])
    line, field, message = tree.only_problem(VALID.replace("photo.png", "cut.png"))
    assert (line, field) == (4, "images.photo.path")
    # Issue 17: the picture's own file is named too, since that is what has to be replaced.
    assert message.startswith(f"{tree.datasets / 'cut.png'}: the image is truncated or corrupt (")


def test_pictures_preparation_would_refuse_are_reported_by_the_check(tree: LessonTree) -> None:
    """Preparation's own rules (classroom.images) apply, so a checked lesson prepares."""
    Image.new("RGB", (40, 40)).save(tree.datasets / "figure.eps")
    assert tree.only_problem(VALID.replace("photo.png", "figure.eps")) == (
        4,
        "images.photo.path",
        f"{tree.datasets / 'figure.eps'}: is a PostScript (EPS) file, which is not read here; "
        "export it as PNG or JPEG",
    )
    tree.image("strip.png", size=(640, 30))
    line, field, message = tree.only_problem(VALID.replace("photo.png", "strip.png"))
    assert (line, field) == (4, "images.photo.path")
    assert message.startswith(
        f"{tree.datasets / 'strip.png'}: the image is too small: 640 x 30 pixels after capping"
    )
    tree.image("wide.png", size=(400, 40))
    narrow = VALID.replace("photo.png", "wide.png") + "max_side: 200\n"
    line, field, message = tree.only_problem(narrow)
    assert "wide.png: the image is too narrow: 400 x 40 pixels become 200 x 20" in message
    assert tree.load(narrow.replace("max_side: 200", "max_side: 400")).max_side == 400


def test_decompression_bombs_are_refused(tree: LessonTree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # photo.png has 3072 pixels
    line, field, message = tree.only_problem(VALID)
    assert (line, field) == (4, "images.photo.path")
    assert message == (
        f"{tree.datasets / 'photo.png'}: has too many pixels to be opened safely (over 2,000); "
        "scale the image down first"
    )


def test_whole_file_problems_carry_the_file_and_line(tree: LessonTree) -> None:
    assert tree.only_problem(VALID.encode() + b"summary: caf\xe9\n") == (
        9,
        "",
        "not UTF-8 text: byte 0xe9 cannot be decoded; save the file as UTF-8",
    )
    line, field, message = tree.only_problem(VALID + "#" * 1_000_001 + "\n")
    assert (line, field) == (None, "")
    assert message.startswith("the file is larger than 1000 kB")


def test_a_billion_laughs_costs_nothing(tree: LessonTree) -> None:
    laughs = ['laugh0: &l0 "ha"']
    laughs += [f"laugh{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]
    line, field, message = tree.only_problem(VALID + "\n".join(laughs) + "\n")
    assert (line, field) == (9, "")
    assert message.startswith("anchors (&name) and aliases (*name) are not allowed")


def test_every_problem_of_a_file_is_reported_sorted_by_line(tree: LessonTree) -> None:
    text = (
        "title: 12\n"  # 1
        "model: resnet100\n"  # 2
        "images:\n"  # 3
        "  photo: {path: missing.png, attribution: CC0}\n"  # 4
        "steps:\n"  # 5
        "  - text: Look.\n"  # 6
        "    image: foto\n"  # 7
        "    reference: [1, 2, 3]\n"  # 8
        "  - text: Again.\n"  # 9
        "    locked: true\n"  # 10
        "titel: Extra\n"  # 11
    )
    problems = tree.problems(text)
    assert [(p.line, p.field) for p in problems] == [
        (1, "title"),
        (2, "model"),
        (4, "images.photo.path"),
        (7, "steps[0].image"),
        (8, "steps[0].reference"),
        (10, "steps[1].locked"),
        (11, "titel"),
    ]
    assert str(problems[0]) == f"{tree.lessons / 'lesson.yaml'}:1: title: expected text, found 12"


def test_lesson_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        LessonError([])
    problem = LessonProblem(Path("x.yaml"), None, "", "the file is empty")
    assert str(LessonError([problem])) == "x.yaml: the file is empty"


def test_discover_lessons_finds_yaml_files_sorted(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", ".hidden.yaml", "notes.txt", "c.yaml.bak"):
        (tmp_path / name).write_text("")
    (tmp_path / "d.yaml").mkdir()
    assert [p.name for p in discover_lessons(tmp_path)] == ["a.yml", "b.yaml"]
