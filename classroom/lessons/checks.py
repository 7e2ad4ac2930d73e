"""What a schema cannot know about a lesson (pass 2 of loading).

Image paths stay inside the datasets directory and open as images; steps name images that
exist; reference pixels lie inside their image; layers and weights belong to the lesson's
model (:mod:`~classroom.lessons.network_checks`); step ids are unique; a locked step has a
pixel to hold. They run on broken files too, and each reads only the fields it needs, so a
typo in one field does not hide a missing image.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from classroom.lessons.across import check_across
from classroom.lessons.network_checks import NetworkChecks
from classroom.lessons.paths import image_size, resolve_data_path
from classroom.lessons.problems import suggest
from classroom.lessons.safe_yaml import Location
from classroom.lessons.schema import DEFAULT_MAX_SIDE, MaxSide, PanelEntry, Reference
from classroom.lessons.techniques import check_step_techniques
from classroom.networks import registry

__all__ = ["SemanticChecks"]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _reference(value: object) -> tuple[int, int] | None:
    try:
        return TypeAdapter(Reference).validate_python(value)
    except ValidationError:
        return None  # pass 1 reports it


def _panel(value: object) -> PanelEntry | None:
    try:
        return PanelEntry.model_validate(value)
    except ValidationError:
        return None  # pass 1 reports it


class SemanticChecks:
    """Runs pass 2 over a parsed, possibly broken, lesson mapping.

    Each check looks only at the fields it needs, so a wrong type in one field of a step does
    not hide a missing image named in another. After :meth:`run`, ``issues`` holds
    ``(location, message)`` pairs, ``files`` and ``sizes`` the file and shown size of each
    readable image, ``step_images`` the image id each step shows, and ``network`` the checks
    of the model (with the weights and model files it found).
    """

    def __init__(self, raw: dict[str, Any], datasets: Path) -> None:
        self.raw = raw
        self.datasets = datasets
        self.issues: list[tuple[Location, str]] = []
        self.files: dict[str, Path] = {}
        self.sizes: dict[str, tuple[int, int]] = {}
        self.step_images: list[str | None] = []
        self.network = NetworkChecks(raw, datasets, self._report)

    def _report(self, location: Location, message: str) -> None:
        self.issues.append((location, message))

    def _default_weights(self) -> str | None:
        """The weights of panels that name none: the lesson's, else the family's default."""
        if "weights" in self.raw:
            return _text(self.raw["weights"])
        if self.network.architecture is not None:
            return registry.family_of(self.network.architecture).default_weights
        return None

    def run(self) -> None:
        self.network.run()
        weights = self._default_weights()
        layers = self.raw.get("layers")
        if isinstance(layers, list):
            self._repeats(("layers",), [(layer, None) for layer in layers], "layer")
        images = self.raw.get("images")
        image_ids = [str(key) for key in images] if isinstance(images, dict) else []
        if isinstance(images, dict):
            self._images(images)
        steps = self.raw.get("steps")
        if isinstance(steps, list):
            self._steps(steps, image_ids, weights)

    def _repeats(self, at: Location, entries: list[tuple[object, object]], what: str) -> None:
        for index, entry in enumerate(entries):
            if entry in entries[:index]:
                name, weights = entry
                shown = f"{name} with weights {weights}" if weights else f"{name}"
                self.issues.append(((*at, index), f"{shown} is already shown; remove this {what}"))

    def _images(self, images: dict[str, Any]) -> None:
        if not self.datasets.is_dir():
            self.issues.append(
                (
                    ("images",),
                    f"the datasets directory {self.datasets} does not exist (image paths are "
                    "looked up there; CLASSROOM_DATASETS_DIR changes it)",
                )
            )
            return
        for image_id, value in images.items():
            written = _text(value.get("path")) if isinstance(value, dict) else None
            if not written:
                continue  # pass 1 reports it
            try:
                path = resolve_data_path(self.datasets, written)
                self.sizes[image_id] = image_size(path, self._max_side())
            except ValueError as error:
                self.issues.append((("images", image_id, "path"), str(error)))
            else:
                self.files[image_id] = path

    def _max_side(self) -> int:
        """The lesson's size cap, or the default where pass 1 reports it as invalid."""
        try:
            return TypeAdapter(MaxSide).validate_python(
                self.raw.get("max_side", DEFAULT_MAX_SIDE), strict=True
            )
        except ValidationError:
            return DEFAULT_MAX_SIDE

    def _steps(
        self,
        steps: list[Any],
        image_ids: list[str],
        default_weights: str | None,
    ) -> None:
        # A step without `image:` shows the previous step's image; the first, the first image.
        previous = image_ids[0] if image_ids else None
        first_use: dict[str, int] = {}
        for index, value in enumerate(steps):
            step: dict[str, Any] = value if isinstance(value, dict) else {}
            here: Location = ("steps", index)
            written = step.get("image")
            image = _text(written) if written is not None else previous
            previous = image
            self.step_images.append(image)
            if isinstance(written, str) and written not in image_ids:
                self.issues.append(
                    (
                        (*here, "image"),
                        f"no image '{written}' under images:{suggest(written, image_ids)}"
                        f" (known: {', '.join(image_ids) or 'none'})",
                    )
                )

            step_id = _text(step.get("id")) or f"step-{index + 1}"
            if step_id in first_use:
                self.issues.append(
                    (
                        (*here, "id") if "id" in step else here,
                        f"duplicate step id '{step_id}' (also used by steps[{first_use[step_id]}])",
                    )
                )
            first_use.setdefault(step_id, index)

            reference = _reference(step.get("reference"))
            if step.get("locked") is True and step.get("reference") is None:
                self.issues.append(
                    ((*here, "locked"), "a locked step needs a reference: [x, y] to hold")
                )
            size = self.sizes.get(image) if image is not None else None
            if reference is not None and size is not None:
                self._inside(reference, size, (*here, "reference"))

            layers = step.get("layers")
            if isinstance(layers, list):
                self._panels(layers, (*here, "layers"), default_weights)
            across = step.get("across")
            if isinstance(across, dict):
                self.issues += check_across(
                    across,
                    (*here, "across"),
                    image_ids=image_ids,
                    step_image=image,
                    step_layers=self._step_layers(step),
                    collections=_names(self.raw.get("collections")),
                )
            chosen = step.get("techniques")
            if isinstance(chosen, list):
                check_step_techniques(
                    self.raw,
                    chosen,
                    (*here, "techniques"),
                    architecture=self.network.architecture,
                    check_layer=self.network.layer,
                    report=self._report,
                )

    def _step_layers(self, step: dict[str, Any]) -> list[str] | None:
        """The layer names a step shows: its own, else the lesson's, else the model's default."""
        written = step.get("layers", self.raw.get("layers"))
        if isinstance(written, list):
            panels = [_panel(value) for value in written]
            return [panel.layer for panel in panels if panel is not None]
        if self.network.architecture is not None:
            return list(registry.default_layers(self.network.architecture))
        return None

    def _inside(self, reference: tuple[int, int], size: tuple[int, int], at: Location) -> None:
        x, y = reference
        width, height = size
        if x >= width or y >= height:
            self.issues.append(
                (
                    at,
                    f"expected two whole numbers [x, y] inside the {width}×{height} image "  # noqa: RUF001
                    f"(x below {width}, y below {height}), found [{x}, {y}]",
                )
            )

    def _panels(
        self,
        layers: list[Any],
        at: Location,
        default_weights: str | None,
    ) -> None:
        shown: list[tuple[object, object]] = []
        for index, value in enumerate(layers):
            panel = _panel(value)
            if panel is None:
                shown.append((None, index))  # never equal to another entry
                continue
            where: Location = (*at, index, "layer") if isinstance(value, dict) else (*at, index)
            self.network.layer(panel.layer, where)
            if panel.weights is not None:
                self.network.weights(panel.weights, (*at, index, "weights"))
            shown.append((panel.layer, panel.weights or default_weights))
        self._repeats(at, shown, "panel")


def _names(mapping: object) -> list[str]:
    """The keys of a mapping the file wrote (none where it wrote something else)."""
    return [str(name) for name in mapping] if isinstance(mapping, dict) else []
