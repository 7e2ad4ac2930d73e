"""Networks: the registry of families, their layers and weights, and loading them.

* :mod:`~classroom.networks.layers`: a layer and its geometry (stride, grid, receptive field);
* :mod:`~classroom.networks.base`: what a family declares, and the shared work of running one;
* :mod:`~classroom.networks.families`: one module per family (ResNet, VGG, AlexNet, DenseNet,
  ConvNeXt, MobileNet, EfficientNet);
* :mod:`~classroom.networks.registry`: the list of families, lookups by architecture;
* :mod:`~classroom.networks.choice`: which network a lesson names (an architecture, or a
  model file);
* :mod:`~classroom.networks.weights`: weights names, files, downloads and identities;
* :mod:`~classroom.networks.loading`: building a network and loading its weights safely;
* :mod:`~classroom.networks.model_files`: a lesson's own TorchScript or ``torch.export`` file;
* :mod:`~classroom.networks.twins`: new module objects over a loaded network's weights, for
  whatever changes modules while the page and the worker threads share the network;
* :mod:`~classroom.networks.listing`: ``classroom models``.

Importing this package imports no torch: the registry is plain data, and only building or
running a network imports torch (``classroom check`` validates lessons without it).
"""

from __future__ import annotations

from classroom.networks.base import (
    IMAGENET,
    UNTRAINED,
    Architecture,
    NetworkFamily,
    Pretrained,
)
from classroom.networks.choice import FileLayer, ModelFile, NetworkChoice, is_weights_file
from classroom.networks.layers import Layer
from classroom.networks.loading import LoadedNetwork, build_model, build_network, load_state_dict
from classroom.networks.registry import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    FAMILIES,
    architecture,
    family_of,
    layer,
    validate_architecture,
)
from classroom.networks.weights import (
    DEFAULT_SEED,
    ResolvedWeights,
    WeightsFileError,
    WeightsIdentity,
    WeightsUnavailableError,
    download_note,
    hub_checkpoint_path,
    resolve_weights,
    ships_weights,
    untrained_weights,
    validate_weights_name,
)

__all__ = [
    "ARCHITECTURES",
    "DEFAULT_ARCHITECTURE",
    "DEFAULT_SEED",
    "FAMILIES",
    "IMAGENET",
    "UNTRAINED",
    "Architecture",
    "FileLayer",
    "Layer",
    "LoadedNetwork",
    "ModelFile",
    "NetworkChoice",
    "NetworkFamily",
    "Pretrained",
    "ResolvedWeights",
    "WeightsFileError",
    "WeightsIdentity",
    "WeightsUnavailableError",
    "architecture",
    "build_model",
    "build_network",
    "download_note",
    "family_of",
    "hub_checkpoint_path",
    "is_weights_file",
    "layer",
    "load_state_dict",
    "resolve_weights",
    "ships_weights",
    "untrained_weights",
    "validate_architecture",
    "validate_weights_name",
]
