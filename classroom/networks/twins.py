"""A twin of a network's module tree: new module objects over the same weights.

The page and the worker threads share one loaded network (:class:`LoadedNetwork`). Whatever
changes a *module* while running it must therefore happen on a module of its own, or another
thread sees it: torchvision's ``create_feature_extractor`` switches the modules it traces to
training mode and back; Captum registers hooks on ReLUs and on the layer it explains; the
techniques switch in-place ReLUs off; a model file's layers are caught by forward hooks. A
twin gives each of them its own modules (``training`` flags, hook tables, attributes) while the
parameters and buffers, the memory that matters (ResNet-101: 170 MB), stay one copy.

* :func:`modules_sharing_tensors` shares the ``Parameter`` objects themselves: a traced
  feature graph keeps running on the network's own weights (a change to a weight shows).
* :func:`modules_sharing_storage` gives the twin new ``Parameter`` objects that view the same
  storage without gradient: a technique's backward pass then never writes ``.grad`` into (nor
  flips ``requires_grad`` of) tensors another thread is using, and skips the weight gradients
  it does not need.

Each module is copied shallowly, not with ``copy.deepcopy``: a ``torch.export`` model (an
unflattened program) keeps symbolic fake tensors in its graph's metadata, which deepcopy
cannot copy, and a shallow copy costs no time for the graph code it shares, which no one
changes while running it. A module that keeps its parameters in a second place too (an
RNN's ``_flat_weights``) would still reach the originals there; the networks classroom
runs are convolutional and keep them only in ``_parameters``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from torch import nn

__all__ = ["modules_sharing_storage", "modules_sharing_tensors"]


def modules_sharing_tensors(model: nn.Module) -> nn.Module:
    """A twin of ``model``'s module tree whose modules hold ``model``'s own tensors."""
    return _twin(model, lambda parameter: parameter, {})


def modules_sharing_storage(model: nn.Module) -> nn.Module:
    """A twin of ``model``'s module tree over the same storage, with no weight gradients."""
    from torch import nn

    def detached(parameter: nn.Parameter) -> nn.Parameter:
        return nn.Parameter(parameter.detach(), requires_grad=False)

    return _twin(model, detached, {})


def _twin(
    module: nn.Module,
    parameter_of: Callable[[nn.Parameter], nn.Parameter],
    made: dict[int, object],
) -> nn.Module:
    """``module`` copied shallowly, its containers (hook tables, child and tensor tables) made
    its own; a module or parameter that appears twice in the tree is twinned once (``made``)."""
    known = made.get(id(module))
    if known is not None:
        return known  # type: ignore[return-value]
    twin = copy.copy(module)
    made[id(module)] = twin
    for name, value in vars(module).items():
        if isinstance(value, dict | set | list):
            # Hook tables, the sets of non-persistent buffers: the twin's own from now on.
            vars(twin)[name] = copy.copy(value)
    parameters = vars(twin)["_parameters"]
    for name, parameter in module._parameters.items():
        if parameter is not None:
            if id(parameter) not in made:
                made[id(parameter)] = parameter_of(parameter)
            parameters[name] = made[id(parameter)]
    children = vars(twin)["_modules"]
    for name, child in module._modules.items():
        if child is not None:
            children[name] = _twin(child, parameter_of, made)
    return twin
