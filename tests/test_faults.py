"""Faults with real ``classroom prepare`` processes: races, SIGKILL at any point, bad lessons.

- Two processes preparing the same lesson at the same moment write each entry exactly once
  and both succeed.
- A prepare killed with SIGKILL (at seeded random moments, and exactly while a large entry is
  being written) never leaves a file that reads as a valid entry but is not one; the next
  prepare completes the store, with the same bytes as an uninterrupted run.
- A lesson whose picture is corrupt fails alone: the others are prepared, and the report names
  the lesson, the image and the problem.
"""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from classroom import images, networks, preparation
from classroom.cli import main
from classroom.lessons import load_lesson
from classroom.preparation.pipeline import lock_name
from classroom.store import FeatureStore
from tests.broken_lessons import BROKEN, ESCAPES
from tests.conftest import REPO_ROOT, picture
from tests.lesson_tree import VALID, LessonTree
from tests.privileges import file_modes_enforced

SUMMARY = re.compile(r"(\d+) feature maps prepared, (\d+) already prepared, (\d+) of (\d+)")


def _lesson(root: Path, name: str, images_: dict[str, Path], **fields: object) -> Path:
    """``root/lessons/<name>.yaml`` showing each picture in one step (resnet18, untrained)."""
    lines = [f"title: {name}", "model: resnet18", "weights: untrained"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines.append("images:")
    lines += [
        f"  {key}: {{path: {path.name}, attribution: tests}}" for key, path in images_.items()
    ]
    lines.append("steps:")
    lines += [f"  - {{text: Look., image: {key}}}" for key in images_]
    path = root / "lessons" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def _picture(root: Path, name: str, width: int, height: int, seed: int) -> Path:
    path = root / "datasets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(picture(width, height, seed=seed)).save(path)
    return path


def _start(lessons: Path, store: FeatureStore) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "CLASSROOM_CACHE_DIR": str(store.root),
        "COLUMNS": "200",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "classroom", "prepare", "--untrained", str(lessons)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )


def _finish(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate(timeout=180)
    assert process.returncode == 0, output
    assert "Traceback" not in output
    return output


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait_until_idle(processes: list[subprocess.Popen[str]], timeout: float = 60) -> None:
    """Until every process has used no CPU for half a second: all wait on a lock.

    Best effort (it only makes the race likelier); what the tests assert holds for any timing.
    """
    deadline = time.monotonic() + timeout
    last = [-1] * len(processes)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        now = [_cpu_ticks(process.pid) for process in processes]
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since > 0.5:
            return
        time.sleep(0.05)


# -- two processes at once ---------------------------------------------------------------------


def test_two_processes_preparing_one_lesson_write_each_entry_once(tmp_path: Path) -> None:
    pictures = {
        "first": _picture(tmp_path, "first.png", 160, 120, seed=1),
        "second": _picture(tmp_path, "second.png", 120, 160, seed=2),
    }
    lesson = _lesson(tmp_path, "shared", pictures, layers="[conv2_x, conv3_x]", max_side=128)
    store = FeatureStore(tmp_path / "store")
    # Hold the first picture's lock so that both processes queue on it, then let them race.
    (first, _) = preparation.requests_for_lesson(load_lesson(lesson))
    identity = networks.untrained_weights("resnet18").identity
    lock = lock_name(images.content_sha256(first.image), 128, "resnet18", identity)
    with store.lock(lock):
        processes = [_start(lesson.parent, store) for _ in range(2)]
        _wait_until_idle(processes)
    outputs = [_finish(process) for process in processes]

    counts = [tuple(map(int, SUMMARY.findall(output)[0])) for output in outputs]
    prepared = sum(count[0] for count in counts)
    already = sum(count[1] for count in counts)
    assert (prepared, already) == (4, 4), outputs  # 2 pictures x 2 layers, each written once
    assert all(count[2:] == (0, 2) for count in counts), outputs
    entries = sorted(store.features_dir.iterdir())
    assert len(entries) == 4
    assert all(store.read_path(path) is not None for path in entries)
    assert len(list(store.images_dir.iterdir())) == 2
    assert list(store.tmp_dir.iterdir()) == []


# -- SIGKILL at any point ----------------------------------------------------------------------


@pytest.fixture
def heavy_lesson(tmp_path: Path) -> Path:
    """One large picture at 32 bit (conv1 of 800 x 600 is a 31 MB entry) and a small one."""
    pictures = {
        "large": _picture(tmp_path, "large.png", 800, 600, seed=3),
        "small": _picture(tmp_path, "small.png", 96, 64, seed=4),
    }
    return _lesson(tmp_path, "heavy", pictures, layers="[conv1, conv2_x]", precision=32)


def _verify(store: FeatureStore, caplog: pytest.LogCaptureFixture) -> int:
    """Every entry file is complete and valid; returns how many there are."""
    entries = sorted(store.features_dir.glob("*")) if store.features_dir.exists() else []
    with caplog.at_level(logging.WARNING, logger="classroom.store"):
        caplog.clear()
        for path in entries:
            assert path.suffix == ".cfm", f"{path} is not an entry"
            assert store.read_path(path) is not None, f"{path} was published incomplete"
        assert caplog.records == []
    for path in store.images_dir.glob("*") if store.images_dir.exists() else []:
        sha, max_side = path.stem.rsplit("-", 1)
        assert store.read_image(sha, int(max_side)) == path, f"{path} is not a complete PNG"
    return len(entries)


def _count(directory: Path, pattern: str = "*") -> int:
    return len(list(directory.glob(pattern))) if directory.is_dir() else 0


def _large_part_file(store: FeatureStore) -> bool:
    """A feature file of more than 4 MB is being written (its temporary file exists)."""
    try:
        return any(
            ".cfm." in entry.name and entry.stat().st_size > 4 << 20
            for entry in os.scandir(store.tmp_dir)
        )
    except FileNotFoundError:
        return False


def _kill_when(process: subprocess.Popen[str], ready: Callable[[], bool]) -> bool:
    """SIGKILL ``process`` as soon as ``ready()``; False if it finished first."""
    while process.poll() is None:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
            return True
        time.sleep(0.002)
    process.communicate(timeout=30)
    return False


def _kill_moments(store: FeatureStore) -> dict[str, Callable[[], Callable[[], bool]]]:
    """Named moments to kill at; each makes a fresh condition when a process starts."""
    seeded = random.Random(2024)

    def after_random_delay() -> Callable[[], bool]:
        deadline = time.monotonic() + seeded.uniform(0.5, 6.0)
        return lambda: time.monotonic() > deadline

    def more_than_now(directory: Path, pattern: str) -> Callable[[], Callable[[], bool]]:
        def condition() -> Callable[[], bool]:
            before = _count(directory, pattern)
            return lambda: _count(directory, pattern) > before

        return condition

    # In this order, each run gets one step further than the one before: the large picture's
    # entries are written first (conv1, then conv2_x), then the small picture's.
    return {
        "while the 31 MB entry is being written": lambda: lambda: _large_part_file(store),
        "right after an entry is published": more_than_now(store.features_dir, "*.cfm"),
        "at a seeded random moment": after_random_delay,
    }


def test_a_prepare_killed_at_any_point_leaves_only_valid_entries(
    heavy_lesson: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Each run resumes from where the one before was killed, as a real restart would."""
    store = FeatureStore(tmp_path / "store")
    killed = []
    for moment, condition in _kill_moments(store).items():
        if _kill_when(_start(heavy_lesson.parent, store), condition()):
            killed.append(moment)
        _verify(store, caplog)
    assert killed[:2] == list(_kill_moments(store))[:2], "a run finished before its moment"
    assert _large_part_file(store), "the interrupted write left its .part file, unread"

    output = _finish(_start(heavy_lesson.parent, store))

    assert "0 of 2 requests failed" in output
    assert _verify(store, caplog) == 4
    reference = FeatureStore(tmp_path / "reference")
    requests = preparation.requests_for_lesson(load_lesson(heavy_lesson))
    assert preparation.prepare(requests, reference, untrained=True).ok
    for path in reference.features_dir.iterdir():
        assert (store.features_dir / path.name).read_bytes() == path.read_bytes()
    assert store.remove_stale_temporaries(older_than=0) >= 1


# -- one bad lesson among good ones ------------------------------------------------------------


def test_a_lesson_with_a_corrupt_picture_fails_alone(tmp_path: Path) -> None:
    good = _picture(tmp_path, "good.png", 96, 64, seed=5)
    corrupt = _picture(tmp_path, "corrupt.jpg", 96, 64, seed=6)
    Image.open(good).save(corrupt, quality=90)
    data = corrupt.read_bytes()
    corrupt.write_bytes(data[: len(data) // 2])  # the header is intact: the lesson check passes
    lessons = _lesson(tmp_path, "a-broken", {"cut": corrupt}, max_side=96).parent
    _lesson(tmp_path, "b-fine", {"good": good}, layers="[conv2_x]", max_side=96)
    assert CliRunner().invoke(main, ["check", str(lessons)]).exit_code == 0

    result = CliRunner().invoke(main, ["prepare", "--untrained", str(lessons)])

    assert result.exit_code == 1
    assert "✗ not prepared: a-broken: cut\n" in result.output
    assert f"{corrupt}: the image is truncated or corrupt (" in result.output
    assert "1 feature maps prepared, 0 already prepared, 1 of 2 requests failed." in result.output
    assert "Traceback" not in result.output
    (entry,) = [FeatureStore().read_path(p) for p in FeatureStore().features_dir.iterdir()]
    assert entry is not None
    assert entry.header.key.image_sha256 == images.content_sha256(good)


def test_every_broken_lesson_is_named_and_the_good_one_still_prepares(tmp_path: Path) -> None:
    """All the broken lessons of test_lessons.py, and whole-file damage, beside a valid lesson."""
    tree = LessonTree(tmp_path)
    expected: dict[Path, str] = {}
    for number, (text, (line, field, message)) in enumerate(BROKEN.values()):
        path = tree.write(text, f"broken-{number:02}.yaml")
        expected[path] = f"{path}:{line}: {field + ': ' if field else ''}{message}"
    for number, (written, message) in enumerate(ESCAPES.values()):
        path = tree.write(VALID.replace("photo.png", written), f"escape-{number}.yaml")
        expected[path] = f"{path}:4: images.photo.path: {message}"
    whole_file: dict[str, tuple[str | bytes, str]] = {
        "not-utf8": (VALID.encode() + b"summary: caf\xe9\n", ":9: not UTF-8 text"),
        "huge": (VALID + "#" * 1_000_001 + "\n", ": the file is larger than 1000 kB"),
        "binary": (bytes(range(256)) * 8, ":2: not UTF-8 text: byte 0x80"),
    }
    for name, (content, message) in whole_file.items():
        path = tree.write(content, f"{name}.yaml")
        expected[path] = f"{path}{message}"
    good = tree.write(VALID + "model: resnet18\n", "zz-good.yaml")

    result = CliRunner().invoke(main, ["prepare", "--untrained", str(tree.lessons)])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    failed = re.findall(r"^✗ lesson not prepared: (\S+?\.yaml)[:\s]", result.output, re.MULTILINE)
    assert sorted(failed) == sorted(map(str, expected))
    for problem in expected.values():
        assert problem in result.output
    assert "3 feature maps prepared, 0 already prepared, 0 of 1 requests failed." in result.output
    (request,) = preparation.requests_for_lesson(load_lesson(good))
    assert preparation.load_prepared(request, untrained=True) is not None


def test_an_unreadable_lesson_directory_is_named_and_the_others_still_work(tmp_path: Path) -> None:
    tree = LessonTree(tmp_path)
    good = tree.write(VALID + "model: resnet18\n", "good.yaml")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.yaml").write_text(VALID)
    locked.chmod(0)
    try:
        with file_modes_enforced():
            prepared = CliRunner().invoke(main, ["prepare", "--untrained", str(locked), str(good)])
            checked = CliRunner().invoke(main, ["check", str(locked), str(good)])
    finally:
        locked.chmod(0o755)

    assert prepared.exit_code == 1
    assert f"✗ lessons not prepared: {locked} cannot be read (Permission denied)" in prepared.output
    assert "3 feature maps prepared, 0 already prepared, 0 of 1 requests failed." in prepared.output
    assert checked.exit_code == 1
    assert checked.output.splitlines() == [
        f"{locked}: cannot be read (Permission denied)",
        f"✓ {good} (1 step)",
    ]
