"""What activation maximization maximizes: a class score, a channel, or one neuron.

Plain data, no torch: the command line, the app and the store key read targets without
loading a network. The three kinds are the lecture's (``network-visualization-lecture``,
"Activation Maximization"): a class score ``S_k(I)`` *before* the softmax (maximizing the
probability instead could be done by lowering every other class), a channel of a layer (the
mean of its whole map, so the image may show the feature anywhere, as often as it likes), and a
neuron (one channel at one cell, so the feature must appear inside that cell's receptive field).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from classroom.wording import suggest

__all__ = ["KINDS", "Target", "TargetKind", "parse_target"]

TargetKind = Literal["class", "channel", "neuron"]
KINDS: Final[tuple[TargetKind, ...]] = ("class", "channel", "neuron")
_FORMS: Final = "class:NAME, channel:LAYER:INDEX or neuron:LAYER:INDEX:ROW:COLUMN"


@dataclass(frozen=True)
class Target:
    """One thing to maximize.

    Attributes:
        kind: ``class``, ``channel`` or ``neuron``.
        name: the class name (``circle``) for a class; the layer name (``block3``) otherwise.
        index: the class's output index, or the channel's index in the layer.
        cell: ``(row, column)`` of the neuron's cell in the layer's grid; None otherwise.
    """

    kind: TargetKind
    name: str
    index: int
    cell: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}; the kinds are {_FORMS}")
        if self.index < 0:
            raise ValueError(f"a target's index must not be negative, not {self.index}")
        if (self.kind == "neuron") != (self.cell is not None):
            raise ValueError("a neuron (and only a neuron) has a cell (row, column)")
        if self.cell is not None and min(self.cell) < 0:
            raise ValueError(f"a neuron's cell must not be negative, not {self.cell}")

    @property
    def layer(self) -> str | None:
        """The layer whose output is maximized; None for a class score (the network's output)."""
        return None if self.kind == "class" else self.name

    @property
    def spec(self) -> str:
        """The target as the command line writes it (and the store key records it)."""
        if self.kind == "class":
            return f"class:{self.name}"
        if self.cell is None:
            return f"channel:{self.name}:{self.index}"
        return f"neuron:{self.name}:{self.index}:{self.cell[0]}:{self.cell[1]}"

    @property
    def shown(self) -> str:
        """For people: ``class "circle"``, ``channel 7 of block3``."""
        if self.kind == "class":
            return f'class "{self.name}"'
        if self.cell is None:
            return f"channel {self.index} of {self.name}"
        return f"channel {self.index} of {self.name} at cell {self.cell}"


def _integer(text: str, what: str, spec: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(
            f"target {spec!r}: the {what} must be a whole number, not {text!r}"
        ) from None
    if value < 0:
        raise ValueError(f"target {spec!r}: the {what} must not be negative, not {value}")
    return value


def parse_target(spec: str, classes: tuple[str, ...], layers: dict[str, int]) -> Target:
    """The target ``spec`` names, checked against a network's classes and layers.

    Args:
        spec: ``class:NAME`` (or ``class:INDEX``), ``channel:LAYER:INDEX`` or
            ``neuron:LAYER:INDEX:ROW:COLUMN``.
        classes: the network's class names, in output order (empty: it has no classifier).
        layers: the network's layers and their channel counts.

    Raises:
        ValueError: naming the problem, with the closest class or layer name.
    """
    kind, _, rest = spec.partition(":")
    parts = rest.split(":") if rest else []
    if kind == "class" and len(parts) == 1:
        if not classes:
            raise ValueError(f"target {spec!r}: this network's weights have no class names")
        name = parts[0]
        if name in classes:
            return Target("class", name, classes.index(name))
        if name.isdigit() and int(name) < len(classes):
            return Target("class", classes[int(name)], int(name))
        raise ValueError(
            f"target {spec!r}: no class {name!r}{suggest(name, classes)} "
            f"(its classes: {', '.join(classes[:10])}{', ...' if len(classes) > 10 else ''})"
        )
    if kind in ("channel", "neuron") and len(parts) == (2 if kind == "channel" else 4):
        layer = parts[0]
        if layer not in layers:
            raise ValueError(
                f"target {spec!r}: no layer {layer!r}{suggest(layer, tuple(layers))} "
                f"(its layers: {', '.join(layers)})"
            )
        index = _integer(parts[1], "channel", spec)
        if index >= layers[layer]:
            raise ValueError(
                f"target {spec!r}: {layer} has {layers[layer]} channels (0 to "
                f"{layers[layer] - 1}), not {index + 1}"
            )
        if kind == "channel":
            return Target("channel", layer, index)
        cell = (_integer(parts[2], "row", spec), _integer(parts[3], "column", spec))
        return Target("neuron", layer, index, cell)
    raise ValueError(f"target {spec!r} is not one of {_FORMS}")
