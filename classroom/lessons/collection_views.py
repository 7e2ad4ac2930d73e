"""The lesson format's collections and collection views (issue 14), in a block of their own.

A lesson may declare ``collections:`` (named sets of labelled images) and give a step a
``view:`` that shows one of them across the network instead of the one-image similarity view::

    collections:
      digits:
        source: digits          # digits | shapes | folder
        count: 300
    steps:
      - text: Each dot is one digit ...
        view:
          kind: embedding       # embedding | matrix | neighbours | average | patches
          collection: digits
          layers: [block1, block3]
          method: tsne

The models check types (pass 1); :func:`check_views` checks names against the registry and the
lesson (pass 2), without torch. Everything a view needs that the file leaves out gets its
default here, so the app reads a resolved :class:`CollectionView`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from classroom.networks import registry
from classroom.networks.choice import is_weights_file
from classroom.wording import suggest

__all__ = [
    "TRAINED_MODELS",
    "CollectionEntry",
    "CollectionView",
    "LessonCollection",
    "ViewKind",
    "check_views",
    "resolve_collection",
    "resolve_view_weights",
]

ViewKind = Literal["embedding", "matrix", "neighbours", "average", "patches"]
#: The networks whose collections classroom can compute (batched, with trained and untrained
#: weights): the ones it trains itself.
TRAINED_MODELS: Final = ("digits", "shapes")
_CLASSES: Final = {
    "digits": tuple(str(digit) for digit in range(10)),
    "shapes": ("circle", "square", "triangle", "star", "cross"),
}
#: Points a view draws per layer and weights: t-SNE and the browser stay quick up to here.
MAX_COLLECTION: Final = 5000
MAX_DIMENSIONS: Final = 8
_Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
_Layer = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)]
#: ``trained``, ``untrained``, or a weights file's path (a name with a suffix or a folder).
_Weights = Annotated[str, Field(min_length=1, max_length=255)]
_WEIGHT_NAMES: Final = ("trained", "untrained")


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class CollectionEntry(_FileModel):
    """A named set of labelled images the lesson's views look across."""

    source: Literal["digits", "shapes", "folder"] = Field(
        description="digits: scikit-learn's handwritten digits the digits network did not "
        "train on; shapes: generated shapes; folder: images under the datasets directory."
    )
    count: Annotated[int, Field(ge=10, le=MAX_COLLECTION)] = Field(
        300, description="How many images (digits, shapes)."
    )
    seed: Annotated[int, Field(ge=0)] = Field(0, description="Which images (a seeded draw).")
    folder: str | None = Field(
        None,
        description="source: folder: the folder inside the datasets directory; labels from "
        "labels.csv (file,label rows) or sub-folders.",
    )
    side: Annotated[int, Field(ge=32, le=256)] = Field(
        96, description="Image side in pixels (shapes, folder); digits are always 32."
    )


class CollectionView(_FileModel):
    """A view of a collection across the network, instead of the similarity view."""

    kind: ViewKind = Field(
        description="embedding: 2-D maps (PCA, t-SNE, UMAP) linked across layers; matrix: a "
        "scatter-plot matrix of feature dimensions; neighbours: the k nearest images in each "
        "layer and in pixel space; average: a selection's average input and activation grid; "
        "patches: the images whose cells fire most for a channel, with receptive fields."
    )
    collection: _Name = Field(description="A collection of the lesson.")
    layers: Annotated[list[_Layer], Field(min_length=1, max_length=3)] | None = Field(
        None, description="Layers shown side by side, linked; default: the lesson's layers."
    )
    weights: Annotated[list[_Weights], Field(min_length=1, max_length=2)] = Field(
        ["trained"],
        description="trained, untrained, or a checkpoint of the network's weights of your own "
        "(a state dict file inside the datasets directory, e.g. models/tuned.pth); two of them "
        "side by side: an A/B of two weight sets.",
        json_schema_extra={"uniqueItems": True},
    )
    method: Literal["pca", "tsne", "umap"] = Field("tsne", description="embedding: the map.")
    dimensions: (
        Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=8)] | None
    ) = Field(None, description="matrix: the channels plotted; default the first four.")
    points: Literal["images", "cells"] = Field(
        "images",
        description="matrix: one point per image (its pooled vector) or per cell of its map "
        "(hovering a cell's point shows its receptive field).",
    )
    measure: Literal["slant", "ink"] | None = Field(
        None,
        description="matrix: also plot a property measured from the pixels, and the channel "
        "of the first layer that follows it most closely.",
    )
    among: Annotated[list[str], Field(min_length=1)] | None = Field(
        None, description="Only images of these classes (matrix, patches, average)."
    )
    select: Annotated[list[str], Field(min_length=1)] | None = Field(
        None, description="Classes selected when the step opens (all views)."
    )
    channel: Annotated[int, Field(ge=0)] | None = Field(
        None, description="patches: the channel; default 0."
    )
    k: Annotated[int, Field(ge=1, le=24)] = Field(8, description="neighbours: how many.")
    query: Annotated[int, Field(ge=0)] = Field(
        0, description="neighbours: the query image's index in the collection."
    )


class LessonCollection(CollectionEntry):
    """A collection with its folder resolved to an absolute path."""

    name: str
    path: Path | None = None


def resolve_collection(name: str, entry: CollectionEntry, datasets_dir: Path) -> LessonCollection:
    """``entry`` with its name and, for a folder, its absolute path."""
    path = (datasets_dir / entry.folder).resolve() if entry.folder is not None else None
    return LessonCollection(name=name, path=path, **entry.model_dump())


def resolve_view_weights(view: CollectionView, datasets_dir: Path) -> list[str]:
    """The view's weights as the collections take them: a name, or a checkpoint's absolute
    path (a file's name resolved inside ``datasets_dir``)."""
    return [
        str((datasets_dir / name).resolve()) if is_weights_file(name) else name
        for name in view.weights
    ]


Problem = tuple[tuple[str | int, ...], str]


def _check_weights(
    where: tuple[str | int, ...], view: CollectionView, datasets_dir: Path
) -> list[Problem]:
    """Each weights entry is a name the collections know, or a checkpoint file that exists."""
    problems: list[Problem] = []
    for index, name in enumerate(view.weights):
        here = (*where, "weights", index)
        if name in view.weights[:index]:
            problems.append((here, f"'{name}' is already listed"))
        elif not is_weights_file(name):
            if name not in _WEIGHT_NAMES:
                problems.append(
                    (
                        here,
                        f"'{name}' is neither trained nor untrained{suggest(name, _WEIGHT_NAMES)}"
                        ", nor a checkpoint file (models/tuned.pth)",
                    )
                )
        else:
            path = (datasets_dir / name).resolve()
            if not path.is_relative_to(datasets_dir.resolve()):
                problems.append((here, f"{name} is outside the datasets directory"))
            elif not path.is_file():
                problems.append((here, f"no checkpoint file {path}"))
    return problems


def _check_collection(name: str, entry: CollectionEntry, datasets_dir: Path) -> list[Problem]:
    here: tuple[str | int, ...] = ("collections", name)
    if entry.source != "folder":
        if entry.folder is not None:
            return [
                ((*here, "folder"), f"only a folder collection has a folder, not {entry.source}")
            ]
        return []
    if entry.folder is None:
        return [
            ((*here, "folder"), "a folder collection needs folder: (inside the datasets directory)")
        ]
    path = (datasets_dir / entry.folder).resolve()
    if not path.is_relative_to(datasets_dir.resolve()):
        return [((*here, "folder"), f"{entry.folder} is outside the datasets directory")]
    if not path.is_dir():
        return [((*here, "folder"), f"no folder {path}")]
    return []


def _check_view(
    where: tuple[str | int, ...],
    view: CollectionView,
    model: str,
    collections: dict[str, CollectionEntry],
    datasets_dir: Path,
) -> list[Problem]:
    problems: list[Problem] = []
    names = list(collections)
    problems.extend(_check_weights(where, view, datasets_dir))
    if view.collection not in collections:
        problems.append(
            (
                (*where, "collection"),
                f"no collection '{view.collection}' under collections:"
                f"{suggest(view.collection, names)} (known: {', '.join(names) or 'none'})",
            )
        )
    architecture = registry.architecture(model)
    layers = view.layers or list(architecture.default_layers)
    channels = []
    known = architecture.layer_names
    for index, layer in enumerate(layers):
        if layer not in known:
            problems.append(
                (
                    (*where, "layers", index),
                    f"the {model} network has no layer '{layer}'{suggest(layer, known)}"
                    f" (its layers: {', '.join(known)})",
                )
            )
        else:
            channels.append(architecture.layer(layer).channels)
    fewest = min(channels, default=0)
    for index, dimension in enumerate(view.dimensions or []):
        if channels and dimension >= fewest:
            problems.append(
                ((*where, "dimensions", index), f"channel {dimension} is not below {fewest}")
            )
    if view.channel is not None and channels and view.channel >= fewest:
        problems.append(((*where, "channel"), f"channel {view.channel} is not below {fewest}"))
    entry = collections.get(view.collection)
    classes = _CLASSES.get(entry.source) if entry is not None else None
    for field in ("among", "select"):
        for index, name in enumerate(getattr(view, field) or []):
            if classes is not None and name not in classes:
                problems.append(
                    (
                        (*where, field, index),
                        f"no class '{name}' in the collection{suggest(name, classes)}"
                        f" (classes: {', '.join(classes)})",
                    )
                )
    if entry is not None and entry.source in TRAINED_MODELS and entry.source != model:
        problems.append(
            (
                (*where, "collection"),
                f"the {entry.source} collection is not for the {model} network",
            )
        )
    return problems


def check_views(
    model: str,
    collections: dict[str, CollectionEntry] | None,
    views: list[tuple[int, CollectionView]],
    datasets_dir: Path,
) -> list[Problem]:
    """Pass 2 for collections and views: names, layers, channels and classes exist.

    ``views`` are ``(step index, view)``; every problem is located (``steps``, index, ``view``,
    field).
    """
    collections = collections or {}
    problems: list[Problem] = []
    for name, entry in collections.items():
        problems.extend(_check_collection(name, entry, datasets_dir))
    if views and model not in TRAINED_MODELS:
        step = views[0][0]
        return [
            *problems,
            (
                ("steps", step, "view"),
                f"collection views need a network classroom trains itself "
                f"({', '.join(TRAINED_MODELS)}), not {model}",
            ),
        ]
    for step, view in views:
        problems.extend(
            _check_view(("steps", step, "view"), view, model, collections, datasets_dir)
        )
    return problems
