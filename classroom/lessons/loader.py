"""Loading a lesson file: YAML, then the schema, then the semantic checks, then resolution."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from classroom.lessons.across import AcrossStep
from classroom.lessons.checks import SemanticChecks
from classroom.lessons.collection_views import (
    check_views,
    resolve_collection,
    resolve_view_weights,
)
from classroom.lessons.explain import explain_all
from classroom.lessons.model import Lesson, LessonImage, Panel, Step
from classroom.lessons.problems import LessonError, LessonProblem, describe, field_path
from classroom.lessons.safe_yaml import Location, YamlSourceError, read_yaml
from classroom.lessons.schema import LessonFile, ModelFileEntry, StepEntry
from classroom.lessons.techniques import techniques_of
from classroom.networks import registry
from classroom.networks.base import IMAGENET_MEAN, IMAGENET_STD
from classroom.networks.choice import FileLayer, ModelFile, NetworkChoice, is_weights_file

__all__ = ["LESSON_SUFFIXES", "default_datasets_dir", "discover_lessons", "load_lesson"]

LESSON_SUFFIXES: Final = (".yaml", ".yml")


def default_datasets_dir(lesson_path: Path) -> Path:
    """``$CLASSROOM_DATASETS_DIR`` if set, else ``datasets/`` beside the lesson's directory.

    The bundled lessons live in ``<repo>/lessons`` and their images in ``<repo>/datasets``.
    """
    configured = os.environ.get("CLASSROOM_DATASETS_DIR")
    if configured:
        return Path(configured).expanduser()
    return lesson_path.resolve().parent.parent / "datasets"


def discover_lessons(directory: Path) -> list[Path]:
    """The lesson files (``*.yaml``, ``*.yml``) directly inside ``directory``, sorted by name."""
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix in LESSON_SUFFIXES and not path.name.startswith(".") and path.is_file()
    )


def load_lesson(path: Path, *, datasets_dir: Path | None = None) -> Lesson:
    """Read, check and resolve one lesson file.

    Args:
        path: the YAML file.
        datasets_dir: the directory image paths are relative to; default
            :func:`default_datasets_dir`.

    Raises:
        LessonError: listing every problem of the file, with line and field, sorted by line.
    """
    try:
        document = read_yaml(path)
    except YamlSourceError as error:
        found = error.problem
        raise LessonError([LessonProblem(path, found.line, "", found.message)]) from error

    problems = [
        LessonProblem(path, found.line, field_path(found.location), found.message)
        for found in document.problems
    ]

    def report(location: Location, message: str) -> None:
        problems.append(
            LessonProblem(path, document.line_of(location), field_path(location), message)
        )

    raw = document.data
    if not isinstance(raw, dict):
        shown = "an empty file" if raw is None else describe(raw)
        report((), f"expected a lesson: a mapping of title:, images:, steps: ..., found {shown}")
        raise LessonError(problems)

    parsed: LessonFile | None = None
    try:
        parsed = LessonFile.model_validate(raw)
    except ValidationError as error:
        for location, message in explain_all(error.errors(include_url=False)):
            report(location, message)

    datasets = datasets_dir or default_datasets_dir(path)
    checks = SemanticChecks(raw, datasets)
    checks.run()
    for location, message in checks.issues:
        report(location, message)
    if parsed is not None and isinstance(parsed.model, str):
        views = [(index, step.view) for index, step in enumerate(parsed.steps) if step.view]
        for location, message in check_views(parsed.model, parsed.collections, views, datasets):
            report(location, message)

    if problems or parsed is None:
        raise LessonError(problems)
    return _resolve(path, parsed, checks, datasets)


def _resolve(path: Path, parsed: LessonFile, checks: SemanticChecks, datasets: Path) -> Lesson:
    """Fill in every default of a lesson that passed both passes."""
    files = checks.network.files

    def weights_of(written: str | None) -> str:
        """Weights as preparation takes them: a name, or a file's absolute path."""
        if written is None:
            return default_weights
        return str(files[written]) if is_weights_file(written) else written

    model_file: ModelFile | None = None
    if isinstance(parsed.model, ModelFileEntry):
        model_file = _model_file(parsed.model, files[parsed.model.file])
        model = model_file.key
        default_weights = str(model_file.path)
    else:
        model = parsed.model
        default_weights = registry.family_of(model).default_weights
    network = NetworkChoice(model, parsed.num_classes, model_file)
    weights = weights_of(parsed.weights)
    layers = list(parsed.layers or network.default_layers)

    def panels(entry: StepEntry) -> list[Panel]:
        if entry.layers is None:
            return [Panel(layer=name, weights=weights) for name in layers]
        return [
            Panel(layer=p.layer, weights=weights_of(p.weights) if p.weights else weights)
            for p in entry.layers
        ]

    def across(entry: StepEntry, shown: list[Panel]) -> AcrossStep | None:
        if entry.across is None:
            return None
        layer = entry.across.layer or shown[-1].layer
        panel = next(panel for panel in shown if panel.layer == layer)  # pass 2 checked it
        return AcrossStep(
            images=list(entry.across.images or []),
            layer=layer,
            weights=panel.weights,
            collection=entry.across.collection,
            count=entry.across.count,
        )

    steps = []
    for index, (entry, image) in enumerate(zip(parsed.steps, checks.step_images, strict=True)):
        if image is None:  # pragma: no cover - pass 2 resolved every step of a valid lesson
            raise AssertionError(f"step {index} has no image")
        shown = panels(entry)
        steps.append(
            Step(
                id=entry.id or f"step-{index + 1}",
                title=entry.title or f"Step {index + 1}",
                text=entry.text,
                image=image,
                reference=entry.reference,
                locked=entry.locked,
                panels=shown,
                metric=entry.metric,
                question=entry.question,
                techniques=techniques_of(entry.techniques),
                view=entry.view
                and entry.view.model_copy(
                    update={
                        "layers": entry.view.layers or layers,
                        "weights": resolve_view_weights(entry.view, datasets),
                    }
                ),
                across=across(entry, shown),
            )
        )
    images = [
        LessonImage(
            id=image_id,
            path=checks.files[image_id],
            caption=entry.caption,
            attribution=entry.attribution,
        )
        for image_id, entry in parsed.images.items()
    ]
    return Lesson(
        id=path.stem,
        path=path.resolve(),
        title=parsed.title,
        audience=parsed.audience,
        summary=parsed.summary,
        order=parsed.order,
        model=model,
        model_file=model_file,
        num_classes=parsed.num_classes,
        class_names=parsed.class_names,
        weights=weights,
        layers=layers,
        precision=parsed.precision,
        max_side=parsed.max_side,
        images=images,
        steps=steps,
        collections={
            name: resolve_collection(name, entry, datasets)
            for name, entry in (parsed.collections or {}).items()
        },
    )


def _model_file(entry: ModelFileEntry, path: Path) -> ModelFile:
    return ModelFile(
        path=path,
        layers=tuple(FileLayer(layer.name, layer.node, layer.stride) for layer in entry.layers),
        mean=entry.mean or IMAGENET_MEAN,
        std=entry.std or IMAGENET_STD,
    )
