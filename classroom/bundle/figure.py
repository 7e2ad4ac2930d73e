"""A step's panels as one picture for slides or papers: ``classroom figure``.

The colours come from :mod:`classroom.similarity`, the numpy reference the browser tests hold
the WebGL renderer to, so a figure shows what the view shows: each panel at the analysis
image's pixels, every pixel coloured by its cell's angular similarity to the reference cell,
stretched to the map's minimum and maximum and looked up in the same colour table. Around
them: the layer, network and weights of each panel, a marker at the reference pixel, each
panel's colour scale with its numbers, and the picture's credit. Drawn with Pillow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from classroom.bundle.errors import FigureError
from classroom.bundle.figure_across import AcrossImage, across_colours, across_images, across_rows
from classroom.lessons import Lesson, LessonError, Step, load_lesson
from classroom.networks.labels import model_title
from classroom.similarity import Colormap, angular_similarity, colour_lut, colourise, stretch
from classroom.store import FeatureStore, PreparedLayer

__all__ = [
    "Figure",
    "FigureError",
    "Layout",
    "PanelPlacement",
    "panel_colours",
    "render_step",
    "write_figure",
]

Layout = Literal["slide", "column"]
_MARGIN: Final = 24
_GAP: Final = 20
_LINE: Final = 22
_BAR: Final = 14
_MARKER: Final = 7
_SUFFIXES: Final = (".png", ".pdf")


@dataclass(frozen=True)
class PanelPlacement:
    """Where one panel lies in the figure, and what it shows.

    Attributes:
        box: ``(x0, y0, x1, y1)`` of the panel's pixels in the figure (end exclusive).
        marker: the box the reference marker is drawn in (figure pixels), over the panel.
        low, high: the similarity range its colour scale stretches (the numbers on it).
    """

    layer: PreparedLayer
    label: str
    box: tuple[int, int, int, int]
    marker: tuple[int, int, int, int]
    low: float
    high: float


@dataclass(frozen=True)
class Figure:
    """The drawn figure, and where its step panels and its cross-image images lie."""

    image: Image.Image
    panels: tuple[PanelPlacement, ...]
    across: tuple[PanelPlacement, ...] = ()


def panel_colours(
    layer: PreparedLayer,
    pixel: tuple[int, int],
    size: tuple[int, int],
    colormap: Colormap = "viridis",
) -> tuple[npt.NDArray[np.uint8], float, float]:
    """The panel as the view paints it: ``(height, width, 3)`` colours and the stretch range.

    ``pixel`` and ``size`` are in analysis-image pixels; each pixel takes its cell's colour
    (the last cell for pixels past a floor-rounding network's grid).
    """
    width, height = size
    stride = layer.header.info.stride
    grid_w, grid_h = layer.header.width, layer.header.height
    vectors = layer.encoded().code_vectors()
    cell_x = min(pixel[0] // stride, grid_w - 1)
    cell_y = min(pixel[1] // stride, grid_h - 1)
    stretched, low, high = stretch(angular_similarity(vectors, vectors[cell_y, cell_x]))
    cells = colourise(stretched, colormap)
    rows = np.minimum(np.arange(height) // stride, grid_h - 1)
    columns = np.minimum(np.arange(width) // stride, grid_w - 1)
    return np.ascontiguousarray(cells[rows][:, columns]), low, high


def _fit(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    width: int,
    lines: int = 2,
) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width`` pixels, the last cut with …."""
    result: list[str] = []
    words = text.split()
    while words and len(result) < lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    if words or (result and draw.textlength(result[-1], font=font) > width):
        last = result[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        result[-1] = last + "…"
    return result


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def render_step(
    lesson: Lesson,
    step: Step,
    prepared: Sequence[PreparedLayer],
    analysis_size: tuple[int, int],
    pixel: tuple[int, int],
    *,
    colormap: Colormap = "viridis",
    layout: Layout = "slide",
    across: Sequence[AcrossImage] = (),
) -> Figure:
    """Draw ``step``'s panels (``prepared``: each panel's map, in order) around ``pixel``,
    and under them the other images ``across`` lit up by the reference (the step's
    ``across:``), compared in its layer."""
    width, height = analysis_size
    font, small = _font(16), _font(13)
    count, column = len(step.panels), layout == "column"
    cell_w, cell_h = width, 3 * _LINE + height + 6 + _BAR + _LINE
    top = _MARGIN + _LINE + 8
    body_w = cell_w if column else count * cell_w + (count - 1) * _GAP
    body_h = count * cell_h + (count - 1) * _GAP if column else cell_h
    row_w = max(body_w, 4 * width)  # the cross-image rows' widest
    _, block_w, block_h = across_rows([other.size for other in across], row_w, _LINE)
    across_top = top + body_h + _GAP
    if across:
        body_w, body_h = max(body_w, block_w), body_h + _GAP + _LINE + block_h + 6 + _BAR + _LINE
    natural = (2 * _MARGIN + body_w, top + body_h + _LINE + _MARGIN)
    canvas_w, canvas_h = natural
    if layout == "slide":  # 16:9, the content centred
        canvas_w, canvas_h = (
            max(canvas_w, -(-canvas_h * 16 // 9)),
            max(canvas_h, canvas_w * 9 // 16),
        )
    shift_x, shift_y = (canvas_w - natural[0]) // 2, (canvas_h - natural[1]) // 2
    figure = Image.new("RGB", (canvas_w, canvas_h), "white")
    draw = ImageDraw.Draw(figure)
    draw.text(
        (_MARGIN + shift_x, _MARGIN + shift_y),
        _fit(draw, f"{lesson.title}: {step.title}", font, body_w, lines=1)[0],
        "black",
        font,
    )
    lut = colour_lut(colormap)
    placements: list[PanelPlacement] = []
    for index, (panel, layer) in enumerate(zip(step.panels, prepared, strict=True)):
        x0 = _MARGIN + shift_x + (0 if column else index * (cell_w + _GAP))
        y0 = top + shift_y + (index * (cell_h + _GAP) if column else 0)
        info = layer.header.info
        title = model_title(layer.header.key.model)
        draw.text((x0, y0), panel.layer, "black", font)
        about = _fit(draw, f"{title} · {info.weights_label}", small, width)
        for line_number, line in enumerate(about):
            draw.text((x0, y0 + (1 + line_number) * _LINE), line, "dimgray", small)
        colours, low, high = panel_colours(layer, pixel, (width, height), colormap)
        box = (x0, y0 + 3 * _LINE, x0 + width, y0 + 3 * _LINE + height)
        figure.paste(Image.fromarray(colours, "RGB"), box[:2])
        mx, my = box[0] + pixel[0], box[1] + pixel[1]
        marker = (mx - _MARKER - 1, my - _MARKER - 1, mx + _MARKER + 2, my + _MARKER + 2)
        ring = (mx - _MARKER, my - _MARKER, mx + _MARKER, my + _MARKER)
        draw.ellipse(ring, outline="white", width=3)
        draw.ellipse(
            (mx - _MARKER + 2, my - _MARKER + 2, mx + _MARKER - 2, my + _MARKER - 2),
            outline="black",
            width=1,
        )
        bar_y = box[3] + 6
        ramp = lut[np.minimum(np.arange(width) * 256 // max(width, 1), 255)]
        bar = np.broadcast_to(ramp[None, :, :], (_BAR, width, 3))
        figure.paste(Image.fromarray(np.ascontiguousarray(bar), "RGB"), (x0, bar_y))
        draw.text((x0, bar_y + _BAR + 2), f"{low:.2f}", "black", small)
        draw.text(
            (x0 + width, bar_y + _BAR + 2), f"{high:.2f} similarity", "black", small, anchor="ra"
        )
        placements.append(
            PanelPlacement(
                layer, f"{panel.layer} · {title} · {info.weights_label}", box, marker, low, high
            )
        )
    drawn_across = (
        _draw_across(
            figure,
            (prepared[[panel.layer for panel in step.panels].index(step.across.layer)], pixel),
            across,
            origin=(_MARGIN + shift_x, across_top + shift_y),
            room=(body_w, row_w, block_h),
            colormap=colormap,
        )
        if across and step.across is not None
        else []
    )
    image = lesson.image(step.image)
    credit = f"Image: {image.caption}. {image.attribution}"
    draw.text(
        (_MARGIN + shift_x, shift_y + natural[1] - _MARGIN - _LINE + 4),
        _fit(draw, credit, small, body_w, lines=1)[0],
        "dimgray",
        small,
    )
    return Figure(figure, tuple(placements), tuple(drawn_across))


def _draw_across(
    figure: Image.Image,
    reference: tuple[PreparedLayer, tuple[int, int]],
    across: Sequence[AcrossImage],
    *,
    origin: tuple[int, int],
    room: tuple[int, int, int],
    colormap: Colormap,
) -> list[PanelPlacement]:
    """The cross-image block at ``origin``: a title, the images in rows, one colour scale.

    Args:
        reference: the step's map of the compared layer and the reference pixel (analysis
            pixels).
        room: the body's width, the widest a row may be, and the block's image rows' height.
    """
    draw = ImageDraw.Draw(figure)
    font, small = _font(16), _font(13)
    body_w, row_w, block_h = room
    pictures, low, high = across_colours(*reference, across, colormap=colormap)
    places, block_w, _ = across_rows([other.size for other in across], row_w, _LINE)
    x0, y0 = origin
    about = f"{reference[0].header.key.layer}: other images lit up by the reference pixel"
    draw.text((x0, y0), _fit(draw, about, font, body_w, lines=1)[0], "black", font)
    placements = []
    for other, picture, (dx, dy) in zip(across, pictures, places, strict=True):
        left, top = x0 + dx, y0 + _LINE + dy
        box = (left, top, left + other.size[0], top + other.size[1])
        caption = _fit(draw, other.caption, small, other.size[0], lines=1)[0]
        draw.text((left, top - _LINE + 4), caption, "dimgray", small)
        figure.paste(Image.fromarray(picture, "RGB"), (left, top))
        placements.append(PanelPlacement(other.layer, other.caption, box, box, low, high))
    bar_y = y0 + _LINE + block_h + 6
    bar_w = max(min(block_w, row_w), 1)
    ramp = colour_lut(colormap)[np.minimum(np.arange(bar_w) * 256 // bar_w, 255)]
    bar = np.broadcast_to(ramp[None, :, :], (_BAR, bar_w, 3))
    figure.paste(Image.fromarray(np.ascontiguousarray(bar), "RGB"), (x0, bar_y))
    draw.text((x0, bar_y + _BAR + 2), f"{low:.2f}", "black", small)
    draw.text((x0 + bar_w, bar_y + _BAR + 2), f"{high:.2f} similarity", "black", small, anchor="ra")
    return placements


def _find_step(lesson: Lesson, step_id: str) -> Step:
    for step in lesson.steps:
        if step.id == step_id:
            return step
    if step_id.isdigit() and 1 <= int(step_id) <= len(lesson.steps):
        return lesson.steps[int(step_id) - 1]
    names = ", ".join(step.id for step in lesson.steps)
    raise FigureError(f"{lesson.path}: no step {step_id!r} (the steps are {names})")


def write_figure(
    lesson_path: Path,
    step_id: str,
    output: Path,
    *,
    store_root: Path | None = None,
    datasets_dir: Path | None = None,
    untrained: bool = False,
    reference: tuple[int, int] | None = None,
    colormap: Colormap = "viridis",
    layout: Layout = "slide",
) -> Figure:
    """Draw a prepared step of the lesson at ``lesson_path`` into ``output`` (.png or .pdf).

    ``reference`` is in the original picture's pixels, as lessons give them (default: the
    step's own, else the picture's centre).

    Raises:
        FigureError: the lesson, step, output type or a prepared map is wrong or missing.
    """
    from classroom import networks
    from classroom.preparation import load_prepared
    from classroom.preparation.requests import requests_for_lesson

    if output.suffix.lower() not in _SUFFIXES:
        raise FigureError(f"{output}: a figure is written as {' or '.join(_SUFFIXES)}")
    try:
        lesson = load_lesson(lesson_path, datasets_dir=datasets_dir)
    except LessonError as error:
        raise FigureError(f"{lesson_path} has problems:\n{error}") from None
    step = _find_step(lesson, step_id)
    path = lesson.image(step.image).path
    requests = {
        request.weights: request for request in requests_for_lesson(lesson) if request.image == path
    }
    store = FeatureStore(store_root)
    prepared: list[PreparedLayer] = []
    analysis = None
    for panel in step.panels:
        try:
            loaded = load_prepared(requests[panel.weights], store, untrained=untrained)
        except (networks.WeightsUnavailableError, networks.WeightsFileError) as error:
            raise FigureError(str(error)) from None
        if loaded is None:
            flag = " --untrained" if untrained else ""
            raise FigureError(
                f"{lesson_path}: step {step.id!r} is not prepared; run "
                f"`classroom prepare {lesson_path}{flag}` first"
            )
        prepared.append(loaded.layers[panel.layer])
        analysis = analysis or loaded
    assert analysis is not None  # a step has at least one panel
    original = (
        reference
        or step.reference
        or (analysis.original_size[0] // 2, analysis.original_size[1] // 2)
    )
    if not all(
        0 <= value < limit for value, limit in zip(original, analysis.original_size, strict=True)
    ):
        raise FigureError(
            f"the reference {original} is outside the {analysis.original_size} picture"
        )
    pixel = analysis.analysis_pixel(*original)
    others = across_images(lesson, step, store, untrained=untrained)
    drawn = render_step(
        lesson,
        step,
        prepared,
        analysis.size,
        pixel,
        colormap=colormap,
        layout=layout,
        across=others,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    drawn.image.save(output)
    return drawn
