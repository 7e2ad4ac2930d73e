"""The technique registry, requests and their store keys, the lesson format's ``techniques:``,
cached results, the figure renderer and ``classroom compute`` (shapes network, small images)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from classroom import images, networks
from classroom.cli import main
from classroom.lessons import lesson_schema, load_lesson
from classroom.preparation.techniques import TechniqueJob, compute_technique, read_technique
from classroom.similarity import diverging_lut
from classroom.store import FeatureStore, ResultKey
from classroom.techniques import (
    Technique,
    TechniqueInputs,
    TechniqueMap,
    TechniqueParameters,
    TechniqueRequest,
    TechniqueResult,
    register,
    technique,
    technique_names,
    techniques,
)
from classroom.techniques.figure import ENLARGED, figure_png, map_rgb, tile_rgb
from classroom.techniques.result import Prediction
from classroom.trained.backgrounds import BackgroundSpec
from classroom.trained.scenes import compose_scene
from classroom.trained.shapes import ShapeSpec

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "four-ways-to-ask-why.yaml"
ISSUE_NAMES = (
    "predict",
    "filters",
    "activations",
    "occlusion",
    "saliency",
    "guided_backprop",
    "deconvnet",
    "grad_cam",
    "receptive_field",
    "similarity",
)


@pytest.fixture(scope="module")
def circle_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scene = compose_scene(
        [ShapeSpec("circle", (220, 40, 40), centre=(48, 48), size=60)],
        BackgroundSpec("plain", ((128, 128, 128), (128, 128, 128))),
        112,
        96,
    )
    path = tmp_path_factory.mktemp("circle") / "circle.png"
    Image.fromarray(scene.image).save(path)
    return path


def test_the_registry_has_every_technique_the_issue_names() -> None:
    assert set(ISSUE_NAMES) <= set(technique_names())
    with pytest.raises(ValueError, match="did you mean 'grad_cam'"):
        technique("gradcam")


def test_importing_the_techniques_and_checking_a_lesson_imports_neither_torch_nor_numpy() -> None:
    code = (
        "import sys; import classroom.techniques, classroom.lessons; "
        f"classroom.lessons.load_lesson(__import__('pathlib').Path({str(LESSON)!r})); "
        "assert not {'torch', 'captum', 'numpy'} & set(sys.modules), sys.modules.keys()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


class _ConstantParameters(TechniqueParameters):
    value: float = 1.0


class _Constant(Technique):
    """A technique registered from outside (as activation maximization will be)."""

    name = "constant_for_test"
    title = "Constant"
    summary = "A map of ones."

    parameters: ClassVar[type[TechniqueParameters]] = _ConstantParameters

    def compute(
        self,
        inputs: TechniqueInputs,
        parameters: TechniqueParameters,  # noqa: ARG002 - the hook's signature
    ) -> TechniqueResult:
        width, height = inputs.size
        values = np.ones((height, width), np.float32)
        return TechniqueResult((TechniqueMap(self.name, "ones", "all ones", values, (0, 1)),))


def test_another_module_registers_a_technique_and_requests_validate_its_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from classroom.techniques import registry

    monkeypatch.setattr(registry, "_REGISTERED", dict(registry._REGISTERED))
    register(_Constant())
    assert "constant_for_test" in technique_names()
    with pytest.raises(ValueError, match="is taken"):
        register(type("Other", (_Constant,), {})())
    with pytest.raises(ValueError, match="constant_for_test: value"):
        TechniqueRequest("constant_for_test", options={"value": "x"})


def test_a_store_key_holds_every_parameter_with_its_default() -> None:
    plain = TechniqueRequest("occlusion", target="circle")
    explicit = TechniqueRequest("occlusion", target="circle", options={"patch": 32})
    other = TechniqueRequest("occlusion", target="circle", options={"patch": 16})
    assert plain.key_text == explicit.key_text != other.key_text
    assert '"stride":16' in plain.key_text
    # Fields a technique does not read do not split the cache.
    assert TechniqueRequest("filters", target="x").key_text == TechniqueRequest("filters").key_text
    with pytest.raises(ValueError, match="occlusion: fill"):
        TechniqueRequest("occlusion", options={"fill": "black"})


def test_a_result_survives_the_store_and_damage_is_recomputed_not_shown(tmp_path: Path) -> None:
    store = FeatureStore(tmp_path)
    key = ResultKey("a" * 64, 1024, "shapes", "sha256:x", TechniqueRequest("saliency").key_text)
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    result = TechniqueResult(
        (TechniqueMap("saliency", "t", "m", values, (0.0, 11.0), "sequential"),),
        (Prediction("circle", 0.75),),
    )
    path = store.write_result(key, result)
    again = store.read_result(key)
    assert again is not None
    assert again.predictions == result.predictions
    np.testing.assert_array_equal(again.maps[0].values, values)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert store.read_result(key) is None
    assert not path.exists()


def test_figures_colour_by_scale_and_lay_tiles_out_in_a_grid() -> None:
    diverging = TechniqueMap(
        "occlusion", "t", "m", np.array([[-1, 0, 1]], np.float32), (-1.0, 1.0), "diverging"
    )
    rgb = map_rgb(diverging)
    assert tuple(rgb[0, 1]) == tuple(diverging_lut()[128])
    assert rgb[0, 0, 2] > rgb[0, 0, 0]  # blue for a drop below 0
    assert rgb[0, 2, 0] > rgb[0, 2, 2]  # red above
    tiles = TechniqueMap("filters", "t", "m", np.zeros((5, 3, 3, 3), np.float32), (0, 1), "picture")
    grid = map_rgb(tiles)
    assert grid.shape[0] >= 2 * 48  # 3 x 3 tiles enlarged, 3 columns, 2 rows
    assert figure_png(diverging).startswith(b"\x89PNG")


def test_one_tile_is_enlarged_whole_weights_to_squares_and_only_a_tile() -> None:
    """The app's enlarged filter: each weight one square of the grid's colour, no blur."""
    bank = np.random.default_rng(3).random((4, 3, 3, 3), dtype=np.float32)
    filters = TechniqueMap("filters", "t", "m", bank, (0.0, 1.0), "picture", ("a", "b", "c", "d"))
    big = tile_rgb(filters, 2)
    factor = ENLARGED // 3
    assert big.shape == (3 * factor, 3 * factor, 3)
    np.testing.assert_array_equal(big[::factor, ::factor], np.round(bank[2] * 255).astype(np.uint8))
    assert (big[:factor, :factor] == big[0, 0]).all()
    grey = TechniqueMap("filters", "t", "m", bank[:, 0] - 0.5, (-0.5, 0.5), "diverging")
    assert tuple(tile_rgb(grey, 1, side=30)[0, 0]) == tuple(map_rgb(grey)[0, 49])
    with pytest.raises(ValueError, match="has 4 tiles, not tile 4"):
        tile_rgb(filters, 4)
    with pytest.raises(ValueError, match="one map, not tiles"):
        tile_rgb(TechniqueMap("saliency", "t", "m", bank[0, :, :, 0], (0.0, 1.0)), 0)


def test_the_lesson_passes_and_its_step_techniques_resolve() -> None:
    lesson = load_lesson(LESSON)
    assert len(lesson.steps) >= 6
    families = {technique(use.technique).family for step in lesson.steps for use in step.techniques}
    assert {"parameters", "activations", "input modification", "deconvolutional"} <= families
    assert "receptive field" in families


def test_the_schema_lists_techniques_and_their_parameters() -> None:
    validator = jsonschema.Draft202012Validator(lesson_schema())
    base = {"title": "t", "images": {"a": {"path": "a.png", "attribution": "x"}}}
    step = {"text": "x", "techniques": ["grad_cam", {"technique": "occlusion", "patch": 16}]}
    assert validator.is_valid({**base, "steps": [step]})
    wrong = {"text": "x", "techniques": [{"technique": "occlusion", "patch": "16"}]}
    assert not validator.is_valid({**base, "steps": [wrong]})
    assert not validator.is_valid({**base, "steps": [{"text": "x", "techniques": ["nope"]}]})


def test_compute_caches_in_the_store(tmp_path: Path, circle_png: Path) -> None:
    store = FeatureStore(tmp_path)
    job = TechniqueJob(
        TechniqueRequest("grad_cam", target="circle"),
        circle_png,
        networks.NetworkChoice("shapes"),
        "trained",
    )
    assert read_technique(job, store) is None
    first = compute_technique(job, store)
    cached = read_technique(job, store)
    assert cached is not None
    np.testing.assert_array_equal(cached.maps[0].values, first.maps[0].values)
    assert first.maps[0].values.shape == images.load_analysis_image(circle_png).image.size[::-1]


def test_compute_prints_the_top5_and_writes_npy_and_png(tmp_path: Path, circle_png: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["compute", "predict", str(circle_png), "--model", "shapes"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert len(lines) == 5
    assert lines[0].split()[0] == "circle"
    assert 0.0 < float(lines[0].split()[1]) <= 1.0
    npy = tmp_path / "saliency.npy"
    written = runner.invoke(
        main, ["compute", "saliency", str(circle_png), "--model", "shapes", "-o", str(npy)]
    )
    assert written.exit_code == 0, written.output
    assert np.load(npy).shape == (96, 112)
    assert np.load(npy).dtype == np.float32
    png = tmp_path / "rf.png"
    arguments = ["--model", "shapes", "--layer", "block2", "--reference", "48", "48"]
    made = runner.invoke(
        main, ["compute", "receptive_field", str(circle_png), *arguments, "-o", str(png)]
    )
    assert made.exit_code == 0, made.output
    assert Image.open(png).size == (112, 96)
    assert Image.open(tmp_path / "rf-2.png").size == (112, 96)  # the theoretical field


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope"], "no technique 'nope'"),
        (["grad_cam", "--target", "circel"], "did you mean 'circle'"),
        (["grad_cam", "--layer", "block9"], "no layer 'block9'"),
        (["occlusion", "-p", "patch"], "expected NAME=VALUE"),
        (["saliency", "-o", "x.jpg"], "writes .npy"),
    ],
)
def test_compute_refuses_bad_input_with_a_message(
    circle_png: Path, arguments: list[str], message: str
) -> None:
    name, *rest = arguments
    result = CliRunner().invoke(
        main, ["compute", name, str(circle_png), "--model", "shapes", *rest]
    )
    assert result.exit_code == 2
    assert message in result.output


def test_prepare_computes_a_lessons_techniques_so_the_app_only_reads(tmp_path: Path) -> None:
    from classroom.preparation.techniques import jobs_for_lesson, prepare_techniques
    from tests.lesson_tree import LessonTree

    tree = LessonTree(tmp_path)
    tree.image("one.png", (64, 48))
    path = tree.write(
        "title: t\nmodel: shapes\nimages:\n  one: {path: one.png, attribution: CC0}\n"
        "steps:\n  - text: x\n    reference: [10, 20]\n"
        "    techniques: [saliency, {technique: receptive_field, layer: block2}]\n",
        "lesson.yaml",
    )
    lesson = load_lesson(path, datasets_dir=tree.datasets)
    store = FeatureStore(tmp_path / "store")
    reported: list[str] = []
    assert prepare_techniques(lesson, store, report=reported.append) == []
    assert len(reported) == 2
    for job in jobs_for_lesson(lesson):
        assert read_technique(job, store) is not None
    assert jobs_for_lesson(lesson)[1].request.reference == (10, 20)


def test_the_docs_name_every_technique_with_its_library() -> None:
    text = (ROOT / "docs" / "techniques.md").read_text(encoding="utf-8")
    for entry in techniques():
        assert f"| `{entry.name}` |" in text, f"docs/techniques.md lacks {entry.name}"
