"""``classroom prepare --ray ADDRESS`` writes the store files a local preparation writes.

The test starts a real local Ray instance itself (one CPU, no dashboard), runs the real
command line in a subprocess that connects to its address as any client would, and compares
every file under the store's ``collections/`` with a local preparation of the same lesson.
Both sides run each convolution on one torch thread (a Ray task with one CPU gets one), so the
same chunks make the same bytes (see tests/test_collection_workers.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from classroom.cli import main
from tests.lesson_tree import LessonTree
from tests.test_prepare_collections import HEAD

#: 70 digits: a whole chunk and a short one; two layers; both weights.
LESSON = (
    HEAD
    + """\
  - text: the maps
    view:
      kind: embedding
      collection: digits
      layers: [block2, block3]
      weights: [trained, untrained]
      method: pca
"""
)


@pytest.fixture
def ray_address() -> Iterator[str]:
    """A local Ray instance started here (stopped afterwards): its address."""
    import ray  # the dev group installs it, so CI runs this test rather than skipping it

    ray.init(
        num_cpus=1,
        include_dashboard=False,
        log_to_driver=False,
        object_store_memory=80 * 1024 * 1024,
    )
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        ray.shutdown()


def _files(store: Path) -> dict[str, bytes]:
    folder = store / "collections"
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.cca"))}


@pytest.mark.slow
def test_prepare_on_ray_writes_the_bytes_of_a_local_run(
    tree: LessonTree, tmp_path: Path, ray_address: str
) -> None:
    lesson = tree.write(LESSON)
    on_ray, local = tmp_path / "on-ray", tmp_path / "local"
    classroom = Path(sys.executable).with_name("classroom")  # the installed command line
    command = [str(classroom), "prepare", "--ray", ray_address, str(lesson)]
    environment = {**os.environ, "CLASSROOM_CACHE_DIR": str(on_ray)}
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"run on the Ray cluster at {ray_address}: 1 node, 1 CPU." in done.stdout
    assert "digits (untrained): block2, block3 prepared" in done.stdout

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = CliRunner(env={"CLASSROOM_CACHE_DIR": str(local)}).invoke(
            main, ["prepare", str(lesson)]
        )
    finally:
        torch.set_num_threads(threads)
    assert result.exit_code == 0, result.output

    remote_files, local_files = _files(on_ray), _files(local)
    # 2 weights x (2 layers' vectors + 2 layers' PCA maps)
    assert len(local_files) == 8
    assert remote_files.keys() == local_files.keys()
    for name, content in local_files.items():
        assert remote_files[name] == content, name


def test_ray_missing_says_what_to_install(
    tree: LessonTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # how Python marks a module as absent
    result = CliRunner().invoke(main, ["prepare", "--ray", "auto", str(tree.write(LESSON))])
    assert result.exit_code == 2
    assert "classroom[ray]" in result.output
