"""The typed contract between Python and the similarity-view component.

Python sends :class:`ViewArgs` on every rerun; the browser sends back a :class:`ViewEvent`
only on deliberate actions (pin, lock, release, step, and asking for a channel's generated
image), never while the pointer merely moves.
The step navigator's models (:mod:`classroom.component.navigator_contract`) and the
scatter matrix's (:mod:`classroom.component.matrix_contract`) live beside it. The JSON Schema
of all (``frontend/src/contract.schema.json``) is generated from these models and the
TypeScript types are generated from that schema, so the two sides cannot drift apart silently:
``tests/test_contract.py`` fails when the committed schema is stale and the TypeScript build
fails when the frontend uses a field the schema lacks.

Coordinates are pixels of the *analysis image* (the image the features were computed on,
after EXIF rotation and the size cap), origin top-left.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Self

from pydantic import Field, TypeAdapter, model_validator

from classroom.component.wire import NonNegative, Positive, Wire
from classroom.json_schema import plain
from classroom.metrics import Metric

__all__ = [
    "AcrossImage",
    "AcrossPanel",
    "ActivationsPanel",
    "ChannelEvent",
    "Colormap",
    "LayerSource",
    "MapPanel",
    "MetricLegend",
    "Panel",
    "Pixel",
    "ReceptiveField",
    "SimilarityPanel",
    "TechniquePanel",
    "TilesPanel",
    "ViewArgs",
    "ViewEvent",
    "ViewImage",
    "ViewState",
    "contract_schema",
    "parse_event",
]


#: The contract models' base (kept under its old name: models elsewhere subclass it).
_Wire = Wire


class Pixel(_Wire):
    """A pixel of the analysis image."""

    x: NonNegative
    y: NonNegative


class ViewState(_Wire):
    """Where the reference pixel is and whether it is pinned or locked.

    ``reference`` follows the pointer; ``pinned`` keeps a second feature vector in the bar
    chart for comparison; ``locked`` freezes the heat maps on the pinned pixel.
    """

    reference: Pixel | None = None
    pinned: Pixel | None = None
    locked: bool = False


class ViewImage(_Wire):
    """The analysis image shown beneath the heat maps."""

    url: str
    width: Positive
    height: Positive
    caption: str = ""


Span = Annotated[list[float], Field(min_length=2, max_length=2)]


class ReceptiveField(_Wire):
    """A layer's theoretical receptive field, from the network registry (never recomputed).

    Cell ``(i, j)`` sees the ``size`` x ``size`` square centred on
    ``(centre + i * jump, centre + j * jump)`` in continuous image coordinates. ``columns`` and
    ``rows`` are those squares' spans per column and row of cells, computed by
    :func:`classroom.similarity.receptive_field_spans`: the browser draws them and computes
    nothing about receptive fields itself.
    """

    size: Positive
    jump: Positive
    centre: float
    columns: list[Span] = Field(description="Per column of cells: [x start, x end).")
    rows: list[Span] = Field(description="Per row of cells: [y start, y end).")


class LayerSource(_Wire):
    """One panel: a prepared feature map and where the browser fetches it.

    ``entry_id`` names the bytes (the store entry): the browser fetches each entry once per
    session and reuses it across reruns and steps.
    """

    layer: str
    about: str = Field(
        description="One line about the layer for people: stride, receptive field, what it "
        "tends to show (from the network registry)."
    )
    url: str
    entry_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    nbytes: Positive
    width: Positive
    height: Positive
    channels: Positive
    stride: Positive
    precision: Literal[8, 16, 32]
    weights_label: str
    untrained: bool
    receptive_field: ReceptiveField | None = Field(
        None, description="Where the registry knows it (not for a model file's layers)."
    )


class Colormap(_Wire):
    """A 256-entry colour table (RGB, 0-255), the same one the numpy reference uses."""

    name: str
    colours: Annotated[
        list[
            Annotated[list[Annotated[int, Field(ge=0, le=255)]], Field(min_length=3, max_length=3)]
        ],
        Field(min_length=256, max_length=256),
    ]


class MetricLegend(_Wire):
    """A metric the view offers, and what its colour scale means (the legend says it)."""

    name: Metric
    title: str
    meaning: str


class SimilarityPanel(_Wire):
    """A panel of the multi-layer view: every cell of a layer compared with the reference."""

    kind: Literal["similarity"]
    layer: str = Field(description="One of the view's `layers`, by name.")


class TechniquePanel(_Wire):
    """What every panel of a technique's result carries (a map, tiles): which technique, its
    words for the legend, where the browser fetches the values, their range and colour table.
    Not a kind of its own: :class:`MapPanel` and :class:`TilesPanel` extend it, each naming its
    ``kind`` (first in the schema, as in every panel), then these fields, then its own."""

    kind: str
    technique: str
    title: str
    meaning: str = Field(description="What the colours mean (a high value), for the legend.")
    url: str
    map_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    value_range: Annotated[list[float], Field(min_length=2, max_length=2)]
    colormap: Colormap


class MapPanel(TechniquePanel):
    """A technique's map over the image (``classroom.techniques.result.TechniqueMap``).

    The browser fetches the values (``width`` x ``height`` little-endian float32, rows from the
    top, at the image's resolution) from ``url`` and colours them over ``value_range`` with the
    panel's own colour table and axis.
    """

    kind: Literal["map"]
    width: Positive
    height: Positive
    scale: Literal["sequential", "diverging"]


class ActivationsPanel(_Wire):
    """A layer's activation maps: its channels as small images, strongest first, in pages."""

    kind: Literal["activations"]
    layer: str = Field(description="One of the view's `layers`, by name (its data is reused).")
    page_size: Annotated[int, Field(ge=1, le=1024)] = 64


class TilesPanel(TechniquePanel):
    """A technique's tiles (a bank of filters, a page of channels) as a grid, and the tile under
    the pointer (or chosen with the arrow keys) enlarged beside it, one square per value.

    The browser fetches ``count`` x ``tile_height`` x ``tile_width`` x ``channels``
    little-endian float32 values (tile by tile, rows from the top) from ``url``. ``picture``
    tiles are their own RGB colours (0 to 1, first-layer filters); the others are coloured
    over ``value_range`` with ``colormap``, as ``classroom.techniques.figure`` colours them.
    """

    kind: Literal["tiles"]
    count: Positive
    tile_width: Positive
    tile_height: Positive
    channels: Literal[1, 3]
    scale: Literal["picture", "sequential", "diverging"]
    tile_names: list[str] = Field(description="One per tile, e.g. 'filter 7'.")

    @model_validator(mode="after")
    def _one_name_per_tile(self) -> Self:
        if len(self.tile_names) != self.count or (self.channels == 3) != (self.scale == "picture"):
            raise ValueError(
                f"{self.technique}: {self.count} tiles need {self.count} names, and colour "
                f"tiles (3 channels) are pictures: got {len(self.tile_names)} names, "
                f"{self.channels} channels as {self.scale}"
            )
        return self


class AcrossImage(_Wire):
    """Another image of the step and its map of the panel's layer (same network, same layer)."""

    image: ViewImage
    source: LayerSource


class AcrossPanel(_Wire):
    """Cross-image similarity: the reference pixel's vector in one of the view's layers,
    compared with every cell of *other* images' maps of that layer.

    One reference vector (taken from the stage's ``layer``, under the view's reference pixel),
    many images: a class sees that the cell of one image's circle lights up the circles of the
    others. The browser runs the stage's own passes and metric over each image and stretches
    all of them over one shared min/max, so images can be compared with each other.
    """

    kind: Literal["across"]
    layer: str = Field(
        description="One of the view's `layers`, by name: where the reference vector comes from."
    )
    images: Annotated[list[AcrossImage], Field(min_length=1, max_length=16)]


Panel = Annotated[
    SimilarityPanel | MapPanel | ActivationsPanel | AcrossPanel | TilesPanel,
    Field(discriminator="kind"),
]


class ViewArgs(_Wire):
    """Everything the component needs to draw one view."""

    view_id: str = Field(
        description=(
            "Changes when Python moves to another view (step, image); "
            "the component then applies `preset`."
        )
    )
    image: ViewImage
    layers: Annotated[list[LayerSource], Field(min_length=1)] = Field(
        description="The feature data the view fetches, one similarity panel each."
    )
    panels: Annotated[list[Panel], Field(min_length=1)] = Field(
        description="What the view shows, each panel by its kind: a similarity panel per "
        "layer (the synchronized stage), then maps, tiles and activation grids."
    )
    preset: ViewState = ViewState()
    chart_layer: str | None = None
    colormap: Colormap
    model: str = Field(description="The network's title for people, e.g. ResNet-101.")
    presenter: bool = False
    metric: Metric = Field(
        "angular",
        description="How cells are compared with the reference when the view opens (the "
        "lesson step's choice); the user may pick another of `metrics`.",
    )
    metrics: Annotated[list[MetricLegend], Field(min_length=1)]

    @model_validator(mode="after")
    def _panels_name_the_layers(self) -> Self:
        names = [layer.layer for layer in self.layers]
        similar = [panel.layer for panel in self.panels if isinstance(panel, SimilarityPanel)]
        if similar != names:
            raise ValueError(f"the similarity panels {similar} must be the layers {names}")
        for panel in self.panels:
            if isinstance(panel, ActivationsPanel) and panel.layer not in names:
                raise ValueError(f"activations of {panel.layer!r}, which is not among {names}")
            if isinstance(panel, AcrossPanel):
                self._check_across(panel, names)
            if isinstance(panel, MapPanel) and (panel.width, panel.height) != (
                self.image.width,
                self.image.height,
            ):
                raise ValueError(
                    f"the {panel.technique} map is {panel.width}x{panel.height}, the image "
                    f"{self.image.width}x{self.image.height}: a map is at the image's resolution"
                )
        return self

    def _check_across(self, panel: AcrossPanel, names: list[str]) -> None:
        """Every other image's map is the same layer as the reference's, with its channels."""
        if panel.layer not in names:
            raise ValueError(f"across images from {panel.layer!r}, which is not among {names}")
        reference = self.layers[names.index(panel.layer)]
        for other in panel.images:
            source = other.source
            if (source.layer, source.channels) != (reference.layer, reference.channels):
                raise ValueError(
                    f"{other.image.caption or other.image.url}: its map is {source.layer} with "
                    f"{source.channels} channels; the reference is {reference.layer} with "
                    f"{reference.channels}: compare a layer with the same layer"
                )


class _Event(_Wire):
    id: str = Field(description="Unique per event, so that Python handles each event once.")
    state: ViewState


class PinEvent(_Event):
    kind: Literal["pin"]


class LockEvent(_Event):
    kind: Literal["lock"]


class ReleaseEvent(_Event):
    kind: Literal["release"]


class StepEvent(_Event):
    kind: Literal["step"]
    delta: Literal[-1, 1]


class ChannelEvent(_Event):
    """Asking "what does this channel want to see?": a double-click (or Enter) on a channel's
    tile in an activations panel or its bar in the bar chart asks for its generated image."""

    kind: Literal["channel"]
    layer: str = Field(description="The channel's layer, by name (one of the view's `layers`).")
    channel: NonNegative = Field(description="The channel's index in its layer.")


AnyEvent = PinEvent | LockEvent | ReleaseEvent | StepEvent | ChannelEvent
ViewEvent = Annotated[AnyEvent, Field(discriminator="kind")]
_EVENT_ADAPTER: TypeAdapter[ViewEvent] = TypeAdapter(ViewEvent)


def parse_event(raw: object) -> AnyEvent | None:
    """The event the component returned, or ``None`` when there is none (or it is malformed)."""
    if raw is None:
        return None
    try:
        return _EVENT_ADAPTER.validate_python(raw)
    except ValueError:
        return None


def contract_schema() -> dict[str, Any]:
    """The JSON Schema of the contract (view, navigator, matrix; both ways), by alias.

    All are described as serialized (every field present), which is what crosses the wire.
    Fields carry no titles nor defaults (see :func:`classroom.json_schema.plain`).
    """
    args_schema = ViewArgs.model_json_schema(
        by_alias=True, ref_template="#/$defs/{model}", mode="serialization"
    )
    event_schema = _EVENT_ADAPTER.json_schema(
        by_alias=True, ref_template="#/$defs/{model}", mode="serialization"
    )
    definitions: dict[str, Any] = {**args_schema.pop("$defs", {}), **event_schema.pop("$defs", {})}
    definitions["ViewArgs"] = args_schema
    definitions["ViewEvent"] = event_schema
    from classroom.component.matrix_contract import MatrixArgs, SelectionEvent
    from classroom.component.navigator_contract import NavigatorArgs, NavigatorValue

    for model in (NavigatorArgs, NavigatorValue, MatrixArgs, SelectionEvent):
        model_schema = model.model_json_schema(
            by_alias=True, ref_template="#/$defs/{model}", mode="serialization"
        )
        definitions.update(model_schema.pop("$defs", {}))
        definitions[model.__name__] = model_schema
    definitions = plain(definitions)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ClassroomContract",
        "description": "Generated by `python -m classroom.component.contract`; do not edit.",
        "$defs": dict(sorted(definitions.items())),
    }


if __name__ == "__main__":
    print(json.dumps(contract_schema(), indent=2, sort_keys=False))
