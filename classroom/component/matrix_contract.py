"""The typed contract of the scatter-plot matrix frame (issue 14, Seein' In's coordinated views).

The collection page draws a layer-by-layer scatter-plot matrix in the browser's WebGL 2
renderer: Python sends :class:`MatrixArgs` (small JSON: names, sizes, URLs), the browser
fetches the points and the thumbnails as store files, brushes and highlights on its own, and
sends one :class:`SelectionEvent` when a brush is released. Part of the same JSON Schema as
the similarity view's (:func:`classroom.component.contract.contract_schema`), so the TypeScript
types cannot drift from these models.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from classroom.component.wire import NonNegative, Positive, Wire

__all__ = [
    "CellGrid",
    "MatrixArgs",
    "MatrixLayer",
    "SelectionEvent",
    "Thumbnails",
    "parse_selection",
]

Box = Annotated[list[NonNegative], Field(min_length=4, max_length=4)]
Rgb = Annotated[list[Annotated[int, Field(ge=0, le=255)]], Field(min_length=3, max_length=3)]


class MatrixLayer(Wire):
    """One layer's matrix: its chosen dimensions, plotted against each other.

    Its values are rows ``first_row`` .. ``first_row + len(dimensions) - 1`` of the points
    file (one row per dimension, one column per point).
    """

    layer: str
    title: str = Field(description="The matrix's title for people (layer and weight set).")
    dimensions: Annotated[list[str], Field(min_length=1, max_length=8)]
    first_row: Positive = Field(description="Row 0 of the points file holds the classes.")
    pair: bool = Field(
        False,
        description="One plot of two dimensions (the first on x), not a matrix: a 2-D map "
        "such as the embedding view's.",
    )

    @model_validator(mode="after")
    def _a_pair_is_two(self) -> Self:
        if self.pair and len(self.dimensions) != 2:
            raise ValueError(f"{self.title}: a pair plots 2 dimensions, not {self.dimensions}")
        return self


class CellGrid(Wire):
    """Points are cells of the images' maps: point ``p`` is cell ``p % (rows * columns)``
    (row-major) of image ``p // (rows * columns)``; each cell's receptive field, in image
    pixels, comes from the network registry
    (:func:`classroom.collections.patches.receptive_box`)."""

    rows: Positive
    columns: Positive
    boxes: list[Box] = Field(description="Per cell, row-major: [left, top, right, bottom).")

    @model_validator(mode="after")
    def _one_box_per_cell(self) -> Self:
        if len(self.boxes) != self.rows * self.columns:
            raise ValueError(f"{len(self.boxes)} boxes for {self.rows}x{self.columns} cells")
        return self


class Thumbnails(Wire):
    """Every image of the collection in one PNG atlas, ``columns`` tiles a row, image order."""

    url: str
    tile_width: Positive
    tile_height: Positive
    columns: Positive
    images: Positive


class MatrixArgs(Wire):
    """A scatter-plot matrix per layer, side by side, whose points share indices."""

    matrix_id: str = Field(description="Changes when Python shows other points.")
    url: str = Field(description="The points: little-endian float32, `rows` x `count`.")
    count: Positive
    rows: Positive
    layers: Annotated[list[MatrixLayer], Field(min_length=1, max_length=6)]
    class_names: Annotated[list[str], Field(min_length=1)]
    palette: Annotated[list[Rgb], Field(min_length=1)]
    cells: CellGrid | None = Field(None, description="Set when points are cells, not images.")
    thumbnails: Thumbnails
    selection: list[NonNegative] = Field(description="The points selected when the view opens.")

    @model_validator(mode="after")
    def _rows_fit(self) -> Self:
        for layer in self.layers:
            if layer.first_row + len(layer.dimensions) > self.rows:
                raise ValueError(f"{layer.title}: its dimensions lie past the file's rows")
        per_image = 1 if self.cells is None else self.cells.rows * self.cells.columns
        if self.count != per_image * self.thumbnails.images:
            raise ValueError(
                f"{self.count} points for {self.thumbnails.images} images of {per_image} each"
            )
        if any(index >= self.count for index in self.selection):
            raise ValueError(f"a selected point is not among the {self.count} points")
        return self


class SelectionEvent(Wire):
    """The brush was released: the points it selected (every cell and layer showed them)."""

    id: str = Field(description="Unique per event, so that Python handles each event once.")
    kind: Literal["selection"]
    points: list[NonNegative]


_ADAPTER: TypeAdapter[SelectionEvent] = TypeAdapter(SelectionEvent)


def parse_selection(raw: object) -> SelectionEvent | None:
    """The frame's latest selection, or ``None`` when there is none (or it is malformed)."""
    if raw is None:
        return None
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError:
        return None
