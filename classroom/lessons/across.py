"""The lesson format's cross-image similarity (issue 14): a step's ``across:`` block.

A step can ask its reference pixel to light up other images of the lesson::

    steps:
      - image: circle-a
        reference: [30, 34]
        across:
          images: [circle-b, square-a, square-b]   # ids under images:
          layer: block3                             # one of the step's layers; default its last

The view then shows, under its panels, the other images' maps of ``layer`` compared with the
reference pixel's vector in that layer, all on one colour scale. This module holds the entry
(pass 1), its check against the lesson (pass 2, no torch) and its resolved form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field

from classroom.lessons.safe_yaml import Location
from classroom.wording import suggest

__all__ = ["MAX_ACROSS", "AcrossEntry", "AcrossStep", "check_across"]

#: Other images one step lights up: enough for a class to compare, few enough to see.
MAX_ACROSS: Final = 16


class AcrossEntry(BaseModel):
    """Other images of the lesson that the reference pixel lights up, in one of the layers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    images: Annotated[list[str], Field(min_length=1, max_length=MAX_ACROSS)] = Field(
        description="Ids of the lesson's images (under images:), other than the step's own.",
        json_schema_extra={"uniqueItems": True},
    )
    layer: str | None = Field(
        None,
        description="The layer whose reference vector lights them up: one of the step's "
        "layers; default the step's last (deepest) layer.",
    )


class AcrossStep(BaseModel):
    """A step's resolved ``across:``: the other images, the layer and its panel's weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    images: list[str]
    layer: str
    weights: str


def check_across(
    value: dict[str, Any],
    at: Location,
    *,
    image_ids: Sequence[str],
    step_image: str | None,
    step_layers: Sequence[str] | None,
) -> list[tuple[Location, str]]:
    """Problems of one step's ``across:`` mapping that its schema cannot see.

    Args:
        value: the step's ``across:`` as written (pass 1 reports wrong types).
        image_ids: the lesson's image ids.
        step_image: the image the step shows.
        step_layers: the step's layers where known (its own, else the lesson's).
    """
    issues: list[tuple[Location, str]] = []
    written = value.get("images")
    images: list[object] = written if isinstance(written, list) else []
    for index, image in enumerate(images):
        if not isinstance(image, str):
            continue  # pass 1 reports it
        if image not in image_ids:
            issues.append(
                (
                    (*at, "images", index),
                    f"no image '{image}' under images:{suggest(image, list(image_ids))}",
                )
            )
        elif image == step_image:
            issues.append(
                (
                    (*at, "images", index),
                    f"'{image}' is the step's own image; name the other images to light up",
                )
            )
        elif image in images[:index]:
            issues.append(((*at, "images", index), f"'{image}' is already listed"))
    layer = value.get("layer")
    if isinstance(layer, str) and step_layers is not None and layer not in step_layers:
        issues.append(
            (
                (*at, "layer"),
                f"'{layer}' is not one of the step's layers ({', '.join(step_layers)}): the "
                f"reference vector comes from a panel{suggest(layer, list(step_layers))}",
            )
        )
    return issues
