#!/usr/bin/env python3
"""Derive a layer's geometry (stride, grid rule, receptive field, centre) from a torchvision
network's graph: what a family module writes down in ``classroom/networks/families/``.

    .venv/bin/python tools/receptive_fields.py resnet50                 # the registry's layers
    .venv/bin/python tools/receptive_fields.py vgg16 features.4 features.9   # any nodes

Receptive-field arithmetic (Araujo, Norris and Sim, Distill 2019) over the traced graph: a
``k`` x ``k`` operation of stride ``s``, padding ``p`` and dilation ``d`` on cells ``j``
pixels apart grows the field by ``(k - 1) d j``, moves the first centre by
``((k - 1) d / 2 - p) j`` and multiplies ``j`` by ``s``; its ``floor((m + 2p - k') / s) + 1``
cells (``ceil`` in ceil mode) compose into ``floor((n + a) / stride)`` for a whole number ``a``.
Where paths join (a residual sum, a concatenation) the widest field counts; a global average
(squeeze-and-excitation) is not a receptive field and is left out. The registry's numbers are
checked against torch itself by ``tests/test_network_geometry.py``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional
from torchvision.models import get_model
from torchvision.models.feature_extraction import create_feature_extractor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classroom.networks import registry

_SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)


def _first(value: int | tuple[int, ...]) -> int:
    return value if isinstance(value, int) else value[0]


@dataclass(frozen=True)
class Geometry:
    """Cells ``floor((n + offset) / stride)``, a field of ``field`` pixels centred on
    ``centre + i * stride`` (continuous coordinates: pixel ``i`` spans ``[i, i + 1)``)."""

    stride: int = 1
    field: int = 1
    centre: float = 0.5
    offset: int = 0
    pooled: bool = False  # a global average: no spatial geometry left

    def then(self, module: nn.Module) -> Geometry:
        kernel, step = _first(module.kernel_size), _first(module.stride)  # type: ignore[arg-type]
        padding = _first(module.padding)  # type: ignore[arg-type]
        dilation = _first(getattr(module, "dilation", 1))
        reach = dilation * (kernel - 1) + 1
        extra = (
            2 * padding - reach + (2 * step - 1 if getattr(module, "ceil_mode", False) else step)
        )
        return Geometry(
            stride=self.stride * step,
            field=self.field + (reach - 1) * self.stride,
            centre=self.centre + ((reach - 1) / 2 - padding) * self.stride,
            offset=self.offset + extra * self.stride,
        )

    def through(self, module: nn.Module) -> Geometry:
        """Through a module the tracer keeps whole (torchvision's Conv2dNormActivation)."""
        geometry = self
        for part in module.modules():
            if isinstance(part, _SPATIAL):
                geometry = geometry.then(part)
        return geometry

    @property
    def rule(self) -> str:
        """As the registry writes it: rounding and trim (``ceil((n - 4) / 8)``)."""
        candidates = [("ceil", self.stride - 1 - self.offset), ("floor", -self.offset)]
        rounding, trim = min(
            (candidate for candidate in candidates if candidate[1] >= 0), key=lambda c: c[1]
        )
        usable = f"(n - {trim})" if trim else "n"
        return f"{rounding}({usable} / {self.stride})"


def derive(model: nn.Module, node: str) -> Geometry:
    graph = create_feature_extractor(model, return_nodes={node: "out"})
    modules = dict(graph.named_modules())
    geometry: dict[torch.fx.Node, Geometry] = {}
    for current in graph.graph.nodes:
        inputs = [geometry[arg] for arg in current.all_input_nodes if arg in geometry]
        if current.op == "placeholder":
            geometry[current] = Geometry()
            continue
        if current.op == "output":
            (result,) = [geometry[arg] for arg in current.all_input_nodes]
            return result
        if not inputs:
            continue
        spatial = [item for item in inputs if not item.pooled] or inputs
        widest = max(spatial, key=lambda item: item.field)
        module = modules.get(str(current.target)) if current.op == "call_module" else None
        if isinstance(module, _SPATIAL):
            geometry[current] = widest.then(module)
        elif (
            isinstance(module, nn.AdaptiveAvgPool2d)
            or current.target is functional.adaptive_avg_pool2d
        ):
            geometry[current] = Geometry(pooled=True)
        elif module is not None:
            geometry[current] = widest.through(module)
        else:
            geometry[current] = widest
    raise ValueError(f"{node} is not an output of the graph")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("architecture", help="a torchvision model name, e.g. vgg16")
    parser.add_argument("nodes", nargs="*", help="graph nodes (default: the registry's layers)")
    arguments = parser.parse_args()
    model = get_model(arguments.architecture, weights=None).eval()
    if arguments.nodes:
        named = [(node, node) for node in arguments.nodes]
    else:
        layers = registry.architecture(arguments.architecture).layers
        named = [(layer.name, layer.node) for layer in layers]
    for name, node in named:
        geometry = derive(model, node)
        with torch.no_grad():
            channels = create_feature_extractor(model, {node: "out"})(torch.zeros(1, 3, 64, 64))
        print(
            f"{name:<14} {node:<24} stride {geometry.stride:>2}  channels "
            f"{channels['out'].shape[1]:>4}  receptive field {geometry.field:>4}  centre "
            f"{geometry.centre:>5}  grid {geometry.rule}"
        )


if __name__ == "__main__":
    main()
