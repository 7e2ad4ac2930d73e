"""Pass 2 for the network: the lesson's layers and weights are its model's, its files exist.

The network registry (:mod:`classroom.networks`) knows each model's layers and weights names
as plain data, so these checks import no torch: ``classroom check`` stays fast. A weights or
model file is looked up inside the datasets directory like an image; whether it really fits
the model (keys, shapes, the classes declared) is checked when it is loaded, with a message
that names the file and the mismatch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from classroom.lessons.paths import resolve_data_path
from classroom.lessons.problems import suggest
from classroom.lessons.safe_yaml import Location
from classroom.lessons.schema import ARCHITECTURES, MAX_PANELS
from classroom.networks import registry
from classroom.networks.choice import MODEL_FILE_SUFFIXES, is_weights_file
from classroom.networks.weights import validate_weights_name

__all__ = ["NetworkChecks"]

Report = Callable[[Location, str], None]


class NetworkChecks:
    """Checks a lesson's model, weights, classes and layer names against the registry.

    After :meth:`run`, ``files`` maps each weights file as written to its path, and
    ``model_file`` is the model file's path (if the lesson names one that exists).
    """

    def __init__(self, raw: dict[str, Any], datasets: Path, report: Report) -> None:
        self.raw = raw
        self.datasets = datasets
        self.report = report
        self.files: dict[str, Path] = {}
        self.model_file: Path | None = None
        model = raw.get("model", registry.DEFAULT_ARCHITECTURE)
        #: The registry architecture, or None (a model file, or a name pass 1 reports).
        self.architecture: str | None = model if model in ARCHITECTURES else None
        #: A model file's declared layer names, or None.
        self.file_layers: tuple[str, ...] | None = None
        if isinstance(model, dict):
            declared = model.get("layers")
            entries = declared if isinstance(declared, list) else []
            self.file_layers = tuple(
                str(entry["name"])
                for entry in entries
                if isinstance(entry, dict) and isinstance(entry.get("name"), str)
            )

    @property
    def known(self) -> bool:
        """Whether the model is known well enough to check names against it."""
        return self.architecture is not None or self.file_layers is not None

    def run(self) -> None:
        """The lesson-wide fields: the model file, ``weights``, the classes and ``layers``."""
        if self.file_layers is not None:
            self._model_file(self.raw["model"])
        weights = self.raw.get("weights")
        if isinstance(weights, str):
            self.weights(weights, ("weights",))
        self._classes()
        layers = self.raw.get("layers")
        if isinstance(layers, list):
            for index, name in enumerate(layers):
                if isinstance(name, str):
                    self.layer(name, ("layers", index))

    def layer(self, name: str, at: Location) -> None:
        """Report ``name`` unless the lesson's model has a layer of that name."""
        if self.architecture is not None:
            try:
                registry.layer(self.architecture, name)
            except ValueError as error:
                self.report(at, str(error))
        elif self.file_layers is not None and name not in self.file_layers:
            self.report(
                at,
                f"the model file has no layer '{name}'{suggest(name, self.file_layers)} "
                f"(its layers, under model: layers:, are {', '.join(self.file_layers)})",
            )

    def weights(self, name: str, at: Location) -> None:
        """Report ``name`` unless it is weights of the model, or a weights file that exists."""
        if self.file_layers is not None:
            self.report(
                at,
                "a model file holds its own weights: remove this weights field (the file is "
                "named under model: file:)",
            )
        elif is_weights_file(name):
            self._file(name, at, "weights file")
        elif self.architecture is not None:
            try:
                validate_weights_name(self.architecture, name)
            except ValueError as error:
                self.report(at, str(error))

    def _file(self, written: str, at: Location, what: str) -> Path | None:
        try:
            path = resolve_data_path(self.datasets, written)
        except ValueError as error:
            self.report(at, f"{what}: {error}")
            return None
        self.files[written] = path
        return path

    def _model_file(self, entry: dict[str, Any]) -> None:
        written = entry.get("file")
        if isinstance(written, str) and written.strip():
            suffix = Path(written).suffix
            if suffix not in MODEL_FILE_SUFFIXES:
                self.report(
                    ("model", "file"),
                    f"expected a TorchScript (.pt) or torch.export (.pt2) model file, found "
                    f"'{written}' (a state dict of a registry model goes under weights:)",
                )
            else:
                self.model_file = self._file(written, ("model", "file"), "model file")
        names = self.file_layers or ()
        for index, name in enumerate(names):
            if name in names[:index]:
                self.report(("model", "layers", index, "name"), f"layer '{name}' is declared twice")
        if len(names) > MAX_PANELS and "layers" not in self.raw:
            self.report(
                ("model", "layers"),
                f"{len(names)} layers are more than {MAX_PANELS} panels side by side: choose the "
                "lesson's default panels with layers: [...]",
            )

    def _classes(self) -> None:
        count = self.raw.get("num_classes")
        names = self.raw.get("class_names")
        own_file = self.file_layers is not None or any(
            is_weights_file(weights) for weights in self._weights_written()
        )
        for field, value in (("num_classes", count), ("class_names", names)):
            if value is not None and not own_file:
                self.report(
                    (field,),
                    f"{field} describes a weights or model file of your own (weights: "
                    "models/pets.pth); the lesson's weights are named pretrained weights, whose "
                    "classes are known",
                )
                return
        if isinstance(count, int) and isinstance(names, list) and len(names) != count:
            self.report(
                ("class_names",),
                f"expected {count} class names (num_classes: {count}), found {len(names)}",
            )

    def _weights_written(self) -> list[str]:
        """Every weights value the lesson writes: its own and its steps' panels'."""
        found = [self.raw.get("weights")]
        steps = self.raw.get("steps")
        for step in steps if isinstance(steps, list) else []:
            panels = step.get("layers") if isinstance(step, dict) else None
            for panel in panels if isinstance(panels, list) else []:
                if isinstance(panel, dict):
                    found.append(panel.get("weights"))
        return [value for value in found if isinstance(value, str)]
