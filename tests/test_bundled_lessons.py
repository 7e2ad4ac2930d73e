"""The bundled lessons and images: valid, licensed, small, and covering the four use cases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from PIL import Image

from classroom.catalog import LessonCatalog
from classroom.cli import main
from classroom.lessons import discover_lessons, lesson_schema, load_lesson
from classroom.lessons.safe_yaml import read_yaml
from tests.conftest import REPO_ROOT

BUNDLED = REPO_ROOT / "lessons"
DATASETS = REPO_ROOT / "datasets"
SCHEMA_FILE = BUNDLED / "lesson.schema.json"


def bundled_lessons() -> list[Path]:
    return discover_lessons(BUNDLED)


@pytest.mark.parametrize("path", bundled_lessons(), ids=lambda path: path.stem)
def test_bundled_lesson_is_valid(path: Path) -> None:
    lesson = load_lesson(path)
    assert len(lesson.steps) >= 5
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=lesson.schema.json\n"
    )
    for image in lesson.images:
        assert image.path.is_relative_to(DATASETS.resolve())
        assert re.search(r"CC0|[Pp]ublic domain", image.attribution), image.attribution
    for step in lesson.steps:
        assert step.question is None or (step.question.hint and step.question.answer)


def test_bundled_lessons_cover_the_four_use_cases() -> None:
    lessons = {path.stem: load_lesson(path) for path in bundled_lessons()}
    assert {
        "edges-to-parts",
        "beyond-photographs",
        "when-the-network-disagrees",
        "trained-vs-untrained",
    } <= set(lessons)
    # Trained versus untrained: every step shows one layer with both weight sets.
    for step in lessons["trained-vs-untrained"].steps:
        weights_by_layer: dict[str, set[str]] = {}
        for panel in step.panels:
            weights_by_layer.setdefault(panel.layer, set()).add(panel.weights)
        assert any(weights == {"imagenet", "untrained"} for weights in weights_by_layer.values())


def test_the_app_offers_the_novice_lesson_first_and_the_comparison_last() -> None:
    catalog = LessonCatalog(BUNDLED).snapshot()
    assert [lesson.id for lesson in catalog.lessons] == [
        "edges-to-parts",
        "when-the-network-disagrees",
        "beyond-photographs",
        "trained-vs-untrained",
        "shapes-network",
        "four-ways-to-ask-why",
        "what-a-channel-wants",
        "seein-in-digits",
        "shapes-neighbours-and-maps",
    ]


def dataset_images() -> list[Path]:
    return sorted(path for path in DATASETS.iterdir() if path.suffix in {".png", ".jpg"})


def test_datasets_are_small_licensed_and_used() -> None:
    images = dataset_images()
    assert 8 <= len(images) <= 16  # the photographs, and the pictures classroom draws itself
    assert sum(path.stat().st_size for path in images) < 4_000_000
    licences = (DATASETS / "LICENSES.md").read_text(encoding="utf-8")
    used = {image.path for path in bundled_lessons() for image in load_lesson(path).images}
    for path in images:
        assert f"| `{path.name}` |" in licences, f"{path.name} has no row in LICENSES.md"
        with Image.open(path) as image:
            assert max(image.size) <= 1024, path.name
        assert path.resolve() in used, f"no bundled lesson uses {path.name}"


def test_the_committed_schema_is_current() -> None:
    result = CliRunner().invoke(main, ["check", "--schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == lesson_schema()
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.output, (
        "lessons/lesson.schema.json is stale: run "
        "`classroom check --schema > lessons/lesson.schema.json`"
    )


@pytest.mark.parametrize("path", bundled_lessons(), ids=lambda path: path.stem)
def test_the_schema_accepts_the_bundled_lessons(path: Path) -> None:
    jsonschema.validate(read_yaml(path).data, lesson_schema())


def test_the_bundled_lessons_pass_as_a_real_command() -> None:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    environment.pop("CLASSROOM_DATASETS_DIR", None)
    completed = subprocess.run(
        [sys.executable, "-m", "classroom", "check", "lessons/"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == len(discover_lessons(BUNDLED)) >= 4
    assert all(re.fullmatch(r"✓ lessons/[a-z-]+\.yaml \(\d+ steps\)", line) for line in lines)


#: Runs ``classroom check`` on the bundled lessons and reports what it imported.
_CHECK_AND_LIST_IMPORTS = """
import sys
from classroom.cli import main
try:
    main(["check", "lessons/"])
except SystemExit as exit:
    code = exit.code
heavy = sorted({"numpy", "torch", "torchvision", "streamlit"} & set(sys.modules))
print("exit", code, "imported", ",".join(heavy) or "-")
"""


def test_checking_the_bundled_lessons_imports_neither_torch_nor_numpy() -> None:
    """``classroom check`` reads YAML, image headers and the network registry's plain data:
    no torch, and not even numpy (half its time went into importing numpy), so it stays well
    under a second (`classroom.image_headers`)."""
    completed = subprocess.run(
        [sys.executable, "-c", _CHECK_AND_LIST_IMPORTS],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert completed.stdout.splitlines()[-1] == "exit 0 imported -", completed.stderr


def test_python_m_classroom_lessons_is_classroom_check() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "classroom.lessons", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("Usage: python -m classroom.lessons [OPTIONS] [PATHS]...")
    assert "--schema" in completed.stdout


def test_the_documented_example_is_a_valid_lesson(tmp_path: Path) -> None:
    guide = (REPO_ROOT / "docs" / "lessons.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# yaml-language-server.*?)```", guide, re.DOTALL)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    lesson = load_lesson(path, datasets_dir=DATASETS)
    assert [step.image for step in lesson.steps] == ["cat", "cat", "coffee"]
    assert [(p.layer, p.weights) for p in lesson.steps[1].panels] == [
        ("conv4_x", "imagenet"),
        ("conv4_x", "untrained"),
    ]
