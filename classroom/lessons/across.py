"""The lesson format's cross-image similarity (issue 14): a step's ``across:`` block.

A step can ask its reference pixel to light up other images of the lesson::

    steps:
      - image: circle-a
        reference: [30, 34]
        across:
          images: [circle-b, square-a, square-b]   # ids under images:
          layer: block3                             # one of the step's layers; default its last

Or it names one of the lesson's collections instead of listing images::

        across:
          collection: shapes    # a name under collections:
          count: 8              # how many of its images: one per class in turn

The view then shows, under its panels, the other images' maps of ``layer`` compared with the
reference pixel's vector in that layer, all on one colour scale. This module holds the entry
(pass 1), its check against the lesson (pass 2, no torch) and its resolved form; which images
of a collection are shown, and their files, come from
:mod:`classroom.preparation.across_collections`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field

from classroom.lessons.safe_yaml import Location
from classroom.wording import suggest

__all__ = ["DEFAULT_COLLECTION_COUNT", "MAX_ACROSS", "AcrossEntry", "AcrossStep", "check_across"]

#: Other images one step lights up: enough for a class to compare, few enough to see.
MAX_ACROSS: Final = 16
#: A collection's images one step lights up unless it says: a few of each class of the shapes.
DEFAULT_COLLECTION_COUNT: Final = 8


class AcrossEntry(BaseModel):
    """Other images of the lesson that the reference pixel lights up, in one of the layers."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    images: Annotated[list[str], Field(min_length=1, max_length=MAX_ACROSS)] | None = Field(
        None,
        description="Ids of the lesson's images (under images:), other than the step's own.",
        json_schema_extra={"uniqueItems": True},
    )
    collection: str | None = Field(
        None,
        description="Instead of images: a collection of the lesson (under collections:), whose "
        "images are lit up, one per class in turn.",
    )
    count: Annotated[int, Field(ge=1, le=MAX_ACROSS)] = Field(
        DEFAULT_COLLECTION_COUNT, description="collection: how many of its images."
    )
    layer: str | None = Field(
        None,
        description="The layer whose reference vector lights them up: one of the step's "
        "layers; default the step's last (deepest) layer.",
    )


class AcrossStep(BaseModel):
    """A step's resolved ``across:``: the other images (lesson images, or ``count`` images of
    a collection), the layer and its panel's weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    images: list[str]
    layer: str
    weights: str
    collection: str | None = None
    count: int = DEFAULT_COLLECTION_COUNT


def check_across(
    value: dict[str, Any],
    at: Location,
    *,
    image_ids: Sequence[str],
    step_image: str | None,
    step_layers: Sequence[str] | None,
    collections: Sequence[str] = (),
) -> list[tuple[Location, str]]:
    """Problems of one step's ``across:`` mapping that its schema cannot see.

    Args:
        value: the step's ``across:`` as written (pass 1 reports wrong types).
        image_ids: the lesson's image ids.
        step_image: the image the step shows.
        step_layers: the step's layers where known (its own, else the lesson's).
        collections: the names of the lesson's collections.
    """
    issues: list[tuple[Location, str]] = []
    collection = value.get("collection")
    if ("images" in value) == ("collection" in value):
        issues.append((at, "across: needs either images: (ids) or collection: (a name), not both"))
    elif isinstance(collection, str) and collection not in collections:
        known = ", ".join(collections) or "none"
        issues.append(
            (
                (*at, "collection"),
                f"no collection '{collection}' under collections:"
                f"{suggest(collection, list(collections))} (known: {known})",
            )
        )
    if "count" in value and "collection" not in value:
        issues.append(((*at, "count"), "count: is for a collection; list the images instead"))
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
