"""Lesson bundles: deterministic packing, verified opening, refusals by name, no torch."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from classroom.bundle import BundleError, Limits, open_bundle
from classroom.bundle.writing import write_bundle
from classroom.cli import main
from classroom.preparation import load_prepared
from classroom.preparation.requests import requests_for_lesson
from classroom.store import FeatureStore
from tests.bundles import PreparedLesson, make_bundle, prepared_lesson

Members = dict[str, bytes]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> PreparedLesson:
    return prepared_lesson(tmp_path_factory.mktemp("bundle-lesson"))


@pytest.fixture(scope="module")
def bundle(prepared: PreparedLesson, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(prepared, tmp_path_factory.mktemp("bundle") / "lesson.classroom").path


def read_members(path: Path) -> tuple[dict[str, object], Members]:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    return json.loads(members.pop("manifest.json")), members


def write_members(path: Path, manifest: dict[str, object], members: Members) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_the_same_lesson_gives_the_same_bytes(prepared: PreparedLesson, tmp_path: Path) -> None:
    first = make_bundle(prepared, tmp_path / "a.classroom")
    second = make_bundle(prepared, tmp_path / "b.classroom")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256
    # cat: block1, block2, block4; coffee: block2 trained and untrained.
    assert first.maps == 5


def test_the_manifest_lists_every_member_with_its_size_and_checksum(bundle: Path) -> None:
    manifest, members = read_members(bundle)
    listed = {entry["name"]: entry for entry in manifest["members"]}  # type: ignore[attr-defined]
    assert set(listed) == set(members)
    assert {name.split("/")[0] for name in members} == {"lessons", "datasets", "store"}
    assert "datasets/LICENSES.md" in members
    for name, data in members.items():
        assert listed[name]["size"] == len(data)
    pins = {(pin["model"], pin["weights"]) for pin in manifest["pins"]}  # type: ignore[attr-defined]
    assert pins == {("shapes", "trained"), ("shapes", "untrained")}


def test_an_opened_bundle_shows_every_map_without_weights(bundle: Path, tmp_path: Path) -> None:
    with open_bundle(bundle, parent=tmp_path) as opened, opened.applied():
        from classroom.lessons import load_lesson

        lesson = load_lesson(opened.lesson_path, datasets_dir=opened.datasets_dir)
        store = FeatureStore(opened.store_root)
        for request in requests_for_lesson(lesson):
            assert load_prepared(request, store) is not None, request.name
        unpacked = list(opened.root.rglob("*"))
        assert all(not path.is_file() or not path.stat().st_mode & 0o222 for path in unpacked)
    assert list(tmp_path.iterdir()) == [], "the unpacked bundle must be removed"


def test_an_unprepared_lesson_is_not_bundled(prepared: PreparedLesson, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"missing .* Run `classroom prepare"):
        write_bundle(prepared.lesson_path, tmp_path / "x.classroom", store=FeatureStore(tmp_path))
    assert not list(tmp_path.glob("*.classroom*"))


def _truncated(path: Path, target: Path) -> Path:
    target.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return target


def _altered(path: Path, target: Path) -> Path:
    manifest, members = read_members(path)
    name = next(name for name in members if name.endswith(".cfm"))
    data = bytearray(members[name])
    data[-1] ^= 0xFF
    members[name] = bytes(data)
    return write_members(target, manifest, members)


def _escaping(path: Path, target: Path) -> Path:
    manifest, members = read_members(path)
    members["datasets/../../escaped.txt"] = b"out"
    return write_members(target, manifest, members)


def _larger_than_declared(path: Path, target: Path) -> Path:
    manifest, members = read_members(path)
    members["datasets/LICENSES.md"] = b"x" * 10_000_000
    return write_members(target, manifest, members)


def _lying_sizes(path: Path, target: Path) -> Path:
    """64 MB of zeros whose archive headers and manifest both say 1,000 bytes."""
    import hashlib
    import struct

    manifest, members = read_members(path)
    zeros = bytes(64 * 1024 * 1024)
    name, claimed = "datasets/zeros.bin", 1000
    members[name] = zeros
    manifest["members"].append(  # type: ignore[attr-defined]
        {"name": name, "size": claimed, "sha256": hashlib.sha256(zeros[:claimed]).hexdigest()}
    )
    write_members(target, manifest, members)
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(name)
        central = data.find(b"PK\x01\x02", archive.start_dir)
        while data[central + 46 : central + 46 + len(name)] != name.encode():
            central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)  # the local header
    struct.pack_into("<I", data, central + 24, claimed)  # the central directory
    target.write_bytes(bytes(data))
    return target


def _zip_bomb(path: Path, target: Path) -> Path:
    """Honest declarations, but 64 MB of zeros in a few kilobytes: over the total limit."""
    import hashlib

    manifest, members = read_members(path)
    zeros = bytes(64 * 1024 * 1024)
    members["datasets/zeros.bin"] = zeros
    manifest["members"].append(  # type: ignore[attr-defined]
        {
            "name": "datasets/zeros.bin",
            "size": len(zeros),
            "sha256": hashlib.sha256(zeros).hexdigest(),
        }
    )
    return write_members(target, manifest, members)


def _undeclared(path: Path, target: Path) -> Path:
    manifest, members = read_members(path)
    members["datasets/extra.png"] = b"not declared"
    return write_members(target, manifest, members)


def _no_manifest(path: Path, target: Path) -> Path:
    _, members = read_members(path)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


TAMPERED: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "truncated": (_truncated, r"damaged or truncated"),
    "wrong checksum": (_altered, r"fails its checksum"),
    "path escaping": (_escaping, r"escapes its folder"),
    "larger than declared": (_larger_than_declared, r"10000000 bytes in the archive but"),
    "zip bomb": (_zip_bomb, r"zip bomb"),
    "sizes that lie": (_lying_sizes, r"damaged or truncated .*zeros\.bin"),
    "undeclared member": (_undeclared, r"not in the manifest"),
    "no manifest": (_no_manifest, r"no manifest\.json"),
}


@pytest.mark.parametrize("kind", list(TAMPERED))
def test_a_tampered_bundle_is_refused_by_name_and_leaves_nothing(
    bundle: Path, tmp_path: Path, kind: str
) -> None:
    make, message = TAMPERED[kind]
    tampered = make(bundle, tmp_path / f"{kind.replace(' ', '-')}.classroom")
    unpack = tmp_path / "unpack"
    unpack.mkdir()
    with (
        pytest.raises(BundleError, match=message) as refused,
        open_bundle(tampered, parent=unpack, limits=Limits(total_bytes=32 * 1024 * 1024)),
    ):
        pytest.fail("a tampered bundle was opened")
    assert str(refused.value).startswith(tampered.name + ":")
    assert "refused" in str(refused.value)
    assert list(unpack.iterdir()) == []
    assert not (tmp_path / "escaped.txt").exists()


def test_open_check_reports_and_refuses_on_the_command_line(bundle: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(main, ["open", "--check", str(bundle)])
    assert good.exit_code == 0, good.output
    assert "all checks passed" in good.output
    bad = runner.invoke(
        main, ["open", "--check", str(_truncated(bundle, tmp_path / "t.classroom"))]
    )
    assert bad.exit_code == 1
    assert "t.classroom: not a readable bundle" in bad.output


def test_a_bundle_is_viewed_without_importing_torch(bundle: Path, tmp_path: Path) -> None:
    """Opening, the app's read side, the lesson catalog and a figure: never torch."""
    script = f"""
import sys
from pathlib import Path
from classroom.bundle import open_bundle
from classroom.bundle.figure import write_figure
from classroom.catalog import LessonCatalog
from classroom.preparation import load_prepared
from classroom.preparation.requests import requests_for_lesson
from classroom.store import FeatureStore
import classroom.app.lesson_page, classroom.app.sidebar, classroom.server

with open_bundle(Path({str(bundle)!r})) as opened, opened.applied():
    catalog = LessonCatalog(opened.lessons_dir, datasets_dir=opened.datasets_dir).snapshot()
    (lesson,) = catalog.lessons
    for request in requests_for_lesson(lesson):
        assert load_prepared(request, FeatureStore(opened.store_root)) is not None
    write_figure(opened.lesson_path, "cat", Path({str(tmp_path / "f.png")!r}),
                 store_root=opened.store_root, datasets_dir=opened.datasets_dir)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {{"torch", "torchvision"}})
assert not loaded, loaded
print("no torch")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no torch"
    assert (tmp_path / "f.png").is_file()


def test_the_figure_is_refused_for_a_missing_step(bundle: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["figure", str(bundle), "--step", "nope", "-o", str(tmp_path / "f.png")]
    )
    assert result.exit_code == 1
    assert "no step 'nope' (the steps are cat, trained-or-not)" in result.output


def test_computing_without_torch_says_what_to_install(
    prepared: PreparedLesson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A viewer asked for maps nobody prepared says so, instead of failing on an import."""
    import importlib.util

    from classroom.preparation import prepare

    real = importlib.util.find_spec

    def without_torch(name: str, package: str | None = None) -> object:
        return None if name in {"torch", "torchvision"} else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_torch)
    (request, *_) = requests_for_lesson(prepared.lesson())
    (result,) = prepare([request], FeatureStore(tmp_path)).results
    assert result.failure is not None
    assert "needs torch, which this install (the viewer) lacks" in result.failure.message
    assert "classroom[prepare]" in result.failure.message


def test_run_with_a_bundle_takes_no_weights_or_lessons(bundle: Path) -> None:
    result = CliRunner().invoke(main, ["run", "--bundle", str(bundle), "--untrained"])
    assert result.exit_code == 2
    assert "--bundle shows the bundle as it was prepared" in result.output


def test_a_figure_is_png_or_pdf(bundle: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["figure", str(bundle), "--step", "cat", "-o", str(tmp_path / "f.jpg")]
    )
    assert result.exit_code == 1
    assert "a figure is written as .png or .pdf" in result.output
    assert list(tmp_path.iterdir()) == []
