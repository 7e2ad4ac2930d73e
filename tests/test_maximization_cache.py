"""One cache for activation maximization: a lesson step's technique, ``classroom compute
maximize`` and the app's background worker all read and write the store's ``generated/`` entry
of a network, target and settings, never a per-image technique result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from classroom import networks
from classroom.background import GenerationJob, GenerationWorker
from classroom.cli import main
from classroom.maximization import PRESETS, Settings
from classroom.preparation.techniques import TechniqueJob, compute_technique, read_technique
from classroom.store import FeatureStore
from classroom.techniques import TechniqueRequest

#: A few steps, two facets, no regularizers: what the three ways of asking share.
OPTIONS = {"channel": 43, "steps": 3, "facets": 2, "regularizers": "none"}
SETTINGS = Settings(steps=3, size=96, facets=2, regularizers=PRESETS["none"])


def _picture(path: Path, grey: int) -> Path:
    Image.new("RGB", (64, 48), (grey, grey, grey)).save(path)
    return path


def _job(image: Path) -> TechniqueJob:
    request = TechniqueRequest("maximize", layer="block4", options=OPTIONS)
    return TechniqueJob(request, image, networks.NetworkChoice("shapes"), "trained")


def _entries(store: FeatureStore) -> dict[str, list[Path]]:
    return {
        "generated": sorted(store.generated_dir.glob("*")),
        "results": sorted(store.results_dir.glob("*")) if store.results_dir.exists() else [],
    }


def test_the_technique_is_cached_once_for_every_image(tmp_path: Path) -> None:
    store = FeatureStore(tmp_path / "store")
    first_image = _picture(tmp_path / "grey.png", 128)
    other_image = _picture(tmp_path / "dark.png", 30)
    assert read_technique(_job(first_image), store) is None
    steps: list[int] = []
    computed = compute_technique(
        _job(first_image), store, progress=lambda done, _total: steps.append(done)
    )
    assert steps == [1, 2, 3]
    entries = _entries(store)
    assert len(entries["generated"]) == 1
    assert entries["results"] == []
    # Another image asks for the same thing: the same entry answers, nothing is computed.
    cached = read_technique(_job(other_image), store)
    assert cached is not None
    again = compute_technique(
        _job(other_image), store, progress=lambda done, _total: steps.append(done)
    )
    assert steps == [1, 2, 3]
    for result in (cached, again):
        np.testing.assert_allclose(result.maps[0].values, computed.maps[0].values, atol=1 / 255)
        # The top-5 is of the generated image, not of whichever picture the step shows.
        assert result.predictions == computed.predictions


def test_the_worker_and_the_command_line_read_the_techniques_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FeatureStore(tmp_path / "store")
    compute_technique(_job(_picture(tmp_path / "grey.png", 128)), store)
    (entry,) = _entries(store)["generated"]
    written = entry.stat().st_mtime_ns, entry.stat().st_ino

    worker = GenerationWorker(store)
    job = GenerationJob("shapes", None, "channel:block4:43", SETTINGS)
    worker.request(job)
    try:
        status = worker.wait(job, timeout=300)
    finally:
        worker.close()
    assert status is not None
    assert status.result is not None, status.error
    assert status.result.key == entry.stem

    monkeypatch.setenv("CLASSROOM_CACHE_DIR", str(store.root))
    arguments = ["compute", "maximize", "--model", "shapes", "--target", "channel:block4:43"]
    arguments += ["--facets", "2", "-p", "steps=3", "-p", "regularizers=none"]
    output = CliRunner().invoke(main, arguments)
    assert output.exit_code == 0, output.output
    assert "step 1 / 3" not in output.output  # read, not computed
    assert _entries(store)["generated"] == [entry]
    assert (entry.stat().st_mtime_ns, entry.stat().st_ino) == written  # never rewritten
