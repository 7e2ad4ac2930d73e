"""``classroom models``: the registry for people, and which weights are on this machine.

Plain text (it is read in a terminal and pasted into messages): every family with its paper,
every architecture with its weights (size, and whether the file is in the torch hub cache)
and its layers (stride, channels, receptive field, grid rule, what they tend to show).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from classroom.networks import registry
from classroom.networks.base import UNTRAINED, Architecture, NetworkFamily
from classroom.networks.weights import hub_checkpoint_path

__all__ = ["describe_models", "models_markdown"]


def _weights_lines(architecture: Architecture) -> Iterator[str]:
    for index, pretrained in enumerate(architecture.pretrained):
        names = pretrained.name
        aliases = [name for name in architecture.weights_names()[:1] if name != UNTRAINED]
        if index == 0 and aliases:
            names = f"{aliases[0]} = {names}"
        path = hub_checkpoint_path(architecture.name, pretrained.name)
        where = f"on this machine: {path}" if path.is_file() else f"not on this machine ({path})"
        size = f"{pretrained.size_mb:.0f} MB, " if pretrained.size_mb else ""
        notes = [pretrained.label] if pretrained.label else []
        if not pretrained.classes:
            notes.append("features only: no classifier")
        note = f" ({'; '.join(notes)})" if notes else ""
        yield f"    {names}{note}: {size}{where}"
    yield f"    {UNTRAINED}: seeded random weights (seed 0), labelled untrained"


def _layer_lines(architecture: Architecture, family: NetworkFamily) -> Iterator[str]:
    width = max(len(layer.name) for layer in architecture.layers)
    for layer in architecture.layers:
        default = "*" if layer.name in family.defaults(architecture) else " "
        field = f"{layer.receptive_field:>5} px" if layer.receptive_field else "      ?"
        yield (
            f"   {default}{layer.name:<{width}}  stride {layer.stride:>2}  "
            f"{layer.channels:>5} channels  receptive field {field}  "
            f"grid {layer.grid_rule:<21}  {layer.shows}".rstrip()
        )


def _architecture_lines(architecture: Architecture, family: NetworkFamily) -> Iterator[str]:
    yield f"  {architecture.name}  ({architecture.title}, {architecture.num_classes} classes)"
    yield "   weights:"
    yield from _weights_lines(architecture)
    yield "   layers (* the default panels; n = image pixels along an axis):"
    yield from _layer_lines(architecture, family)


def describe_models(names: Sequence[str] = ()) -> list[str]:
    """The lines ``classroom models`` prints, for every architecture or only ``names``.

    ``names`` may be architectures (``vgg16``) or families (``vgg``).

    Raises:
        ValueError: for a name that is neither.
    """
    families = {family.name for family in registry.FAMILIES}
    for name in names:
        if name not in families:
            registry.validate_architecture(name)
    lines: list[str] = []
    for family in registry.FAMILIES:
        chosen = [
            architecture
            for architecture in family.architectures
            if not names or family.name in names or architecture.name in names
        ]
        if not chosen:
            continue
        lines.append(f"{family.title}: {family.source}")
        for architecture in chosen:
            lines.extend(_architecture_lines(architecture, family))
        lines.append("")
    lines.append(
        "A lesson names a model with `model:`, layers with `layers:` and weights with `weights:` "
        "(docs/lessons.md). Pretrained weights are downloaded once into the torch hub cache; "
        "`--weights-file` and `--untrained` work without them."
    )
    return lines


def _markdown_family(family: NetworkFamily) -> Iterator[str]:
    yield f"## {family.title}"
    yield ""
    yield f"{family.source}."
    yield ""
    for architecture in family.architectures:
        weights = ", ".join(f"`{name}`" for name in architecture.weights_names())
        defaults = ", ".join(f"`{name}`" for name in family.defaults(architecture))
        yield f"### `{architecture.name}`: {architecture.title}"
        yield ""
        yield (
            f"Weights: {weights}. Classifier: `{architecture.head}`, "
            f"{architecture.num_classes} classes. Default layers (early, middle, late): "
            f"{defaults}."
        )
        yield ""
        yield "| layer | node | stride | channels | receptive field | grid | shows |"
        yield "|---|---|---|---|---|---|---|"
        for layer in architecture.layers:
            yield (
                f"| `{layer.name}` | `{layer.node}` | {layer.stride} | {layer.channels} | "
                f"{layer.receptive_field} px | `{layer.grid_rule}` | {layer.shows} |"
            )
        yield ""


def models_markdown() -> str:
    """``docs/networks.md``: the registry as a reference page (``classroom models --markdown``)."""
    lines = [
        "<!-- Generated by `classroom models --markdown > docs/networks.md`; do not edit. -->",
        "# Networks",
        "",
        "Every network a lesson's `model:` can name, from the network registry",
        "(`classroom/networks/`). For each layer: the graph node it is taken from, its stride",
        "(image pixels per cell), its channels, the side of its theoretical receptive field,",
        "and its grid: how many cells an image axis of `n` pixels gets. A ceil grid's last",
        "cell may cover fewer than `stride` pixels; a floor grid leaves up to `stride - 1`",
        "pixels (plus the trim) at the right and bottom edges without a cell.",
        "`tests/test_network_geometry.py` checks every number against torch.",
        "",
    ]
    for family in registry.FAMILIES:
        lines.extend(_markdown_family(family))
    return "\n".join(lines).rstrip() + "\n"
