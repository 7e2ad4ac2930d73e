"""Every layer's geometry in the registry against what torch really does.

* The grid: each architecture runs on the meta device (shapes only: no memory, little time)
  at every size from 32 to 63 pixels (every remainder of the largest stride, 32) and at odd
  and even sizes around 96, 224 and 1024, and each layer's output must have exactly the
  registry's ``cells(n)`` cells and its channels. Just below a layer's smallest size, torch
  gives it no cell.
* The receptive field and its centre (slow): the gradient of one cell with respect to the
  input is non-zero exactly on the pixels that cell sees, so its extent on a real (untrained)
  forward pass must be the registry's ``receptive_field`` pixels centred on
  ``centre + i * stride``, clipped to the image.
* The production path (slow): every architecture, built untrained as preparation builds it,
  extracts every layer of an odd-sized picture with the registry's grid.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
import torch
from PIL import Image

from classroom import networks
from classroom.extraction import FeatureExtractor
from classroom.networks import Architecture, Layer, NetworkFamily, registry
from tests.conftest import picture

ARCHITECTURES = [
    (family, architecture) for family in registry.FAMILIES for architecture in family.architectures
]
#: (height, width): every size from 32 to 63 (every remainder of stride 32) once, then odd
#: and even sizes around 96, the ImageNet crop and 1024.
SIZES = [(32 + i, 63 - i) for i in range(16)] + [(95, 96), (97, 224), (225, 1023), (1024, 1025)]


class _DeepestReachedError(Exception):
    """Raised by the deepest layer's hook: nothing after it needs computing."""


def _id(entry: tuple[NetworkFamily, Architecture]) -> str:
    return entry[1].name


@functools.cache
def _meta_model(family: NetworkFamily, architecture: Architecture) -> torch.nn.Module:
    with torch.device("meta"):
        return family.build(architecture, architecture.num_classes).eval()


def _layer_outputs(
    model: torch.nn.Module, layers: tuple[Layer, ...], height: int, width: int
) -> dict[str, tuple[int, ...]]:
    """Each layer's output shape for an input of ``height`` x ``width`` pixels (the network
    runs up to the deepest layer only, as extraction does)."""
    shapes: dict[str, tuple[int, ...]] = {}
    handles = []
    for layer in layers:

        def keep(_module: object, _inputs: object, output: Any, name: str = layer.name) -> None:
            shapes[name] = tuple(output.shape[1:])
            if len(shapes) == len(layers):
                raise _DeepestReachedError

        handles.append(model.get_submodule(layer.node).register_forward_hook(keep))
    try:
        with torch.no_grad():
            model(torch.empty(1, 3, height, width, device="meta"))
    except _DeepestReachedError:
        pass
    finally:
        for handle in handles:
            handle.remove()
    return shapes


@pytest.mark.parametrize("entry", ARCHITECTURES, ids=_id)
def test_every_grid_is_what_torch_produces(entry: tuple[NetworkFamily, Architecture]) -> None:
    family, architecture = entry
    model = _meta_model(family, architecture)
    for height, width in SIZES:
        shapes = _layer_outputs(model, architecture.layers, height, width)
        for layer in architecture.layers:
            expected = (layer.channels, layer.cells(height), layer.cells(width))
            assert shapes[layer.name] == expected, (layer.name, height, width)


@pytest.mark.parametrize("entry", ARCHITECTURES, ids=_id)
def test_below_a_layers_smallest_size_torch_gives_no_cell(
    entry: tuple[NetworkFamily, Architecture],
) -> None:
    """At the edge: one pixel less than ``min_pixels`` and the layer has no cell at all."""
    family, architecture = entry
    model = _meta_model(family, architecture)
    deepest = max(architecture.layers, key=lambda layer: layer.min_pixels)
    assert deepest.cells(deepest.min_pixels) == 1
    assert deepest.cells(deepest.min_pixels - 1) == 0
    shapes = _layer_outputs(model, architecture.layers, deepest.min_pixels, 64)
    assert shapes[deepest.name][1] == 1
    with pytest.raises(RuntimeError):
        _layer_outputs(model, architecture.layers, deepest.min_pixels - 1, 64)


# -- receptive fields, measured ---------------------------------------------------------------

#: The first architecture of every family, and others whose fields differ: bottleneck
#: ResNets, VGG-19 (four convolutions a block), VGG with batch norm (other nodes).
MEASURED = [family.architectures[0].name for family in registry.FAMILIES]
MEASURED += ["resnet50", "vgg16_bn", "vgg19"]


def _measurable_model(architecture: Architecture) -> torch.nn.Module:
    """An untrained network whose every path carries gradient, and only local ones.

    In float64: DenseNet's longest path multiplies some 60 small weights, which underflows
    in float32 and would end the measured field early. ConvNeXt scales each block's branch
    by 1e-6 at initialisation, which would let the gradient of its far paths underflow: the
    scale is set to 1. Squeeze-and-excitation (MobileNetV3, EfficientNet) weighs channels by
    an average over the whole image, which is not the convolutions' receptive field the
    registry gives: it is bypassed. Batch norm is
    in eval mode (running statistics 0 and 1): an affine map per channel.
    """
    from torchvision.ops import SqueezeExcitation

    family = registry.family_of(architecture.name)
    torch.manual_seed(0)
    model = family.build(architecture, architecture.num_classes).double().eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("layer_scale"):
                parameter.fill_(1.0)
    for module in model.modules():
        if isinstance(module, SqueezeExcitation):
            module.forward = lambda values: values
    return model


def _supports(
    model: torch.nn.Module, layers: tuple[Layer, ...], width: int
) -> dict[tuple[str, int], tuple[int, int]]:
    """``(layer, cell) -> (first, last)`` pixel columns that the first and last cell of a row
    of each layer see, all from one forward and one backward pass.

    Each (layer, cell) is the target of its own image in the batch: images of a batch do
    not mix in eval mode, so the gradient on image ``b`` comes from its target alone.
    """
    height = max(layer.min_pixels for layer in layers)
    outputs: dict[str, torch.Tensor] = {}
    handles = []
    for layer in layers:

        def keep(
            _module: object, _inputs: object, output: torch.Tensor, name: str = layer.name
        ) -> None:
            outputs[name] = output
            if len(outputs) == len(layers):
                raise _DeepestReachedError

        handles.append(model.get_submodule(layer.node).register_forward_hook(keep))
    targets = [(layer.name, end) for layer in layers for end in (0, -1)]
    inputs = torch.randn(len(targets), 3, height, width, dtype=torch.float64, requires_grad=True)
    try:
        model(inputs)
    except _DeepestReachedError:
        pass
    finally:
        for handle in handles:
            handle.remove()
    total = torch.stack(
        [outputs[name][index, :, :, end].sum() for index, (name, end) in enumerate(targets)]
    ).sum()
    (gradient,) = torch.autograd.grad(total, inputs)
    found = {}
    for index, (name, end) in enumerate(targets):
        columns = torch.nonzero(gradient[index].abs().sum(dim=(0, 1)) > 0).flatten()
        cell = end % outputs[name].shape[3]
        found[(name, cell)] = (int(columns.min()), int(columns.max()))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", MEASURED)
def test_receptive_fields_are_where_the_gradient_reaches(name: str) -> None:
    """The first cell's field ends, and the last cell's field starts, where the registry says.

    The image is wide enough that neither of those two ends is clipped for any layer (the
    other end of each field may be: the first cell's field starts left of the image).
    """
    architecture = networks.architecture(name)
    model = _measurable_model(architecture)
    width = max(
        math.ceil((layer.centre or 0) + (layer.receptive_field or 0) / 2) + 3 * layer.stride
        for layer in architecture.layers
    )
    supports = _supports(model, architecture.layers, width)
    for layer in architecture.layers:
        assert layer.receptive_field is not None
        assert layer.centre is not None
        half = layer.receptive_field / 2
        for (name_, cell), (first, last) in supports.items():
            if name_ != layer.name:
                continue
            centre = layer.centre + cell * layer.stride
            if cell == 0:
                assert last == math.ceil(centre + half) - 1, (layer.name, "cell 0's right end")
            else:
                assert first == max(0, math.ceil(centre - half)), (layer.name, f"cell {cell}")


# -- the production path ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("entry", ARCHITECTURES, ids=_id)
def test_every_architecture_extracts_every_layer_of_an_odd_picture(
    entry: tuple[NetworkFamily, Architecture],
) -> None:
    _, architecture = entry
    network = networks.build_network(networks.untrained_weights(architecture.name))
    width, height = 67, 45
    maps = FeatureExtractor(network, architecture.layer_names)(
        Image.fromarray(picture(width, height))
    )
    for layer in architecture.layers:
        values = maps[layer.name]
        assert values.shape == (layer.cells(height), layer.cells(width), layer.channels)
        assert values.flags.c_contiguous
        assert bool(torch.isfinite(torch.from_numpy(values)).all())
