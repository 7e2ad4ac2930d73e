"""What every network family declares, and the shared work a family's module does not repeat.

A family (:class:`NetworkFamily`) is one module under ``classroom/networks/families/``: a
subclass that declares its architectures as plain data (:class:`Architecture`: layers, weights,
classes) and overrides only the hooks where it differs from the base, the way TorchCAM's
methods each override one small hook of a base class:

* :meth:`NetworkFamily.build`: the ``torch.nn.Module`` (default: torchvision's builder);
* :meth:`NetworkFamily.input_batch`: an RGB picture as the network takes it (default: the
  weights' own normalisation, no resize and no crop, IFeaLiD section 2.1);
* :meth:`NetworkFamily.feature_graph`: the computation up to the requested layers (default:
  torchvision's ``create_feature_extractor``);
* :meth:`NetworkFamily.to_map`: one output as an ``(H, W, D)`` array (default: from NCHW).

Everything here but those hooks is plain data, so the lesson checks, the JSON Schema,
``classroom models`` and the app's labels read it without importing torch.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final

from classroom.networks.layers import Layer
from classroom.networks.twins import modules_sharing_tensors
from classroom.wording import suggest

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch
    from PIL import Image
    from torch import nn

__all__ = [
    "IMAGENET",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "PACKAGE_DIR",
    "UNTRAINED",
    "Architecture",
    "FeatureGraph",
    "NetworkFamily",
    "Pretrained",
]

#: The lesson format's name for an ImageNet family's default pretrained weights.
IMAGENET: Final = "imagenet"
#: Seeded random weights, labelled as such wherever they are shown.
UNTRAINED: Final = "untrained"
#: The normalisation of torchvision's ImageNet presets (``weights.transforms()``).
IMAGENET_MEAN: Final = (0.485, 0.456, 0.406)
IMAGENET_STD: Final = (0.229, 0.224, 0.225)
#: The ``classroom`` package directory, where shipped weights files live.
PACKAGE_DIR: Final = Path(__file__).resolve().parent.parent

Triple = tuple[float, float, float]
#: The computation up to some layers: an input batch -> ``{layer name: output}``.
FeatureGraph = Callable[["torch.Tensor"], Mapping[str, "torch.Tensor"]]


@dataclass(frozen=True)
class Pretrained:
    """One set of pretrained weights, as plain data (torchvision's enum member, written down).

    ``tests/test_network_registry.py`` fails when this drifts from torchvision's enums.

    Attributes:
        name: the weights enum member (``IMAGENET1K_V2``), or the family's own name for
            weights it ships.
        url: where torchvision downloads the state dict from ("" for shipped weights).
        size_mb: the download's size in MB (torchvision's ``_file_size``).
        mean, std: the input normalisation these weights were trained with (their
            ``transforms()``), per RGB channel of pixel values scaled to 0..1.
        classes: the class names of the classifier, in output order; empty when the weights'
            classifier is unusable (torchvision's VGG-16 ``IMAGENET1K_FEATURES``).
        shipped: for weights classroom ships: the file's path inside the ``classroom``
            package.
        label: how people see these weights; default ``ImageNet (IMAGENET1K_V2)``.
    """

    name: str
    url: str = ""
    size_mb: float = 0.0
    mean: Triple = IMAGENET_MEAN
    std: Triple = IMAGENET_STD
    classes: tuple[str, ...] = ()
    shipped: str = ""
    label: str = ""

    @property
    def file_name(self) -> str:
        """The state dict's file name (torchvision keeps downloads under it)."""
        if self.shipped:
            return PurePosixPath(self.shipped).name
        return PurePosixPath(urllib.parse.urlparse(self.url).path).name

    @property
    def host(self) -> str:
        return urllib.parse.urlparse(self.url).netloc

    @property
    def shipped_file(self) -> Path | None:
        """The shipped file, or None for downloaded weights."""
        return PACKAGE_DIR / self.shipped if self.shipped else None

    @property
    def shown(self) -> str:
        return self.label or f"ImageNet ({self.name})"


@dataclass(frozen=True)
class Architecture:
    """One architecture of a family: what a lesson's ``model:`` names.

    Attributes:
        name: torchvision's model name (``resnet101``), the lesson's ``model:`` value.
        title: for people (``ResNet-101``).
        layers: the layers a lesson can show, from the input upwards.
        pretrained: its pretrained weights; the first is the default (torchvision's
            ``DEFAULT``).
        num_classes: the classifier's classes with the pretrained weights.
        head: the classifier's last module path; its ``weight`` has one row per class (a
            fine-tuned checkpoint with other classes differs there).
        default_layers: early, middle and late, where they differ from the family's.
        gflops: billions of operations for one 224 x 224 picture (torchvision's ``_ops`` of
            the default weights); 0 where unknown. It sizes the first guess of how long a
            preparation takes, before one has been timed.
    """

    name: str
    title: str
    layers: tuple[Layer, ...]
    pretrained: tuple[Pretrained, ...] = ()
    num_classes: int = 1000
    head: str = "fc"
    default_layers: tuple[str, ...] = ()
    gflops: float = 0.0
    _by_name: Mapping[str, Layer] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {layer.name: layer for layer in self.layers})
        if len(self._by_name) != len(self.layers):
            raise ValueError(f"{self.name}: two layers have the same name")

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers)

    def layer(self, name: str) -> Layer:
        """The layer called ``name``.

        Raises:
            ValueError: naming the architecture's layers (and the closest one).
        """
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(
                f"{self.name} has no layer '{name}'{suggest(name, self.layer_names)} "
                f"(its layers: {', '.join(self.layer_names)})"
            ) from None

    @property
    def default_pretrained(self) -> Pretrained | None:
        return self.pretrained[0] if self.pretrained else None

    def weights(self, name: str) -> Pretrained:
        """The pretrained weights ``name`` (``imagenet`` is the default).

        Raises:
            ValueError: naming the weights this architecture has.
        """
        default = self.default_pretrained
        if default is not None and (name == "DEFAULT" or name in self._aliases()):
            return default
        for pretrained in self.pretrained:
            if pretrained.name == name:
                return pretrained
        known = self.weights_names()
        raise ValueError(
            f"unknown weights '{name}' for {self.name}{suggest(name, known)} (choose one of "
            f"{', '.join(known)}, or a weights file in the datasets directory)"
        )

    def weights_names(self) -> tuple[str, ...]:
        """Every name a lesson's ``weights:`` may use for this architecture."""
        names = (pretrained.name for pretrained in self.pretrained)
        return (*self._aliases(), UNTRAINED, *names)

    def _aliases(self) -> tuple[str, ...]:
        """``imagenet`` for the default weights of torchvision's ImageNet weights."""
        default = self.default_pretrained
        return (IMAGENET,) if default is not None and not default.shipped else ()


class NetworkFamily:
    """A family of architectures: declarations, plus the shared work of running them.

    Subclasses set the class attributes and override a hook only where the family differs.

    Attributes:
        name: the family's name (``resnet``).
        title: for people (``ResNet``).
        source: the paper, for the docs and ``classroom models``.
        architectures: its architectures; the lesson format's ``model:`` names them.
        default_layers: early, middle and late: what a lesson that names no layers shows
            (an architecture may name its own).
        default_weights: what a lesson that names no weights uses.
        channels_last: run in channels-last memory order (see
            :class:`~classroom.extraction.FeatureExtractor`); off where a network must compute
            exactly as its own forward pass does (a model file).
    """

    name: str = ""
    title: str = ""
    source: str = ""
    architectures: tuple[Architecture, ...] = ()
    default_layers: tuple[str, str, str] = ("", "", "")
    default_weights: str = IMAGENET
    channels_last: bool = True

    def defaults(self, architecture: Architecture) -> tuple[str, ...]:
        """The layers a lesson of ``architecture`` shows when it names none."""
        return architecture.default_layers or self.default_layers

    def architecture(self, name: str) -> Architecture:
        for architecture in self.architectures:
            if architecture.name == name:
                return architecture
        raise ValueError(f"the {self.title} family has no architecture '{name}'")

    # -- hooks: torch is imported inside them only ---------------------------------------------

    def build(self, architecture: Architecture, num_classes: int) -> nn.Module:
        """The network with freshly initialised weights and ``num_classes`` outputs.

        The caller seeds the random generators (untrained weights) or loads a state dict.
        """
        from torchvision.models import get_model_builder

        model: nn.Module = get_model_builder(architecture.name)(
            weights=None, num_classes=num_classes
        )
        return model

    def input_batch(self, image: Image.Image, mean: Triple, std: Triple) -> torch.Tensor:
        """An RGB picture as the network takes it: a ``(1, 3, H, W)`` float batch, normalised.

        No resize and no crop: the analysis image goes in at its full size.
        """
        import torch
        from torchvision.transforms.v2 import functional as tf

        if image.mode != "RGB":
            raise ValueError(f"the extractor needs an RGB picture, not mode {image.mode}")
        pixels = tf.to_dtype(tf.to_image(image), torch.float32, scale=True)
        batch: torch.Tensor = tf.normalize(pixels, list(mean), list(std))
        return batch.unsqueeze(0)

    def feature_graph(self, model: nn.Module, layers: Sequence[Layer]) -> FeatureGraph:
        """The computation up to the deepest of ``layers``, returning each by name.

        ``create_feature_extractor`` traces the network and keeps only the graph up to the
        deepest requested node, so asking for early layers never runs the later ones.
        """
        from torchvision.models.feature_extraction import create_feature_extractor

        # create_feature_extractor traces both modes: it switches the model it is given to
        # training mode and back. The page and the worker thread share one loaded network, so
        # for that moment another thread's forward pass (or its private copy for a technique)
        # would run batch norm on the batch's statistics, and overwrite the running ones. It
        # therefore traces new module objects that share the model's parameters and buffers.
        graph: FeatureGraph = create_feature_extractor(
            modules_sharing_tensors(model),
            return_nodes={layer.node: layer.name for layer in layers},
        )
        return graph

    def check_grid(self, layer: Layer, image: tuple[int, int], grid: tuple[int, int]) -> None:
        """Raise ``RuntimeError`` unless a map's ``(width, height)`` grid is the layer's.

        The registry's geometry is what the browser's labels and the docs say; a network that
        disagrees with it must not be shown as if it agreed.
        """
        width, height = image
        expected = (layer.cells(width), layer.cells(height))
        if grid != expected:
            raise RuntimeError(
                f"{layer.name} of a {width} x {height} image has a {grid[0]} x {grid[1]} grid, "
                f"not the {expected[0]} x {expected[1]} of its rule {layer.grid_rule}"
            )

    def to_map(self, output: torch.Tensor) -> npt.NDArray[np.float32]:
        """One image's output ``(1, D, H, W)`` as an ``(H, W, D)`` float32 array.

        A view where the output is channels-last in memory already, else one copy.
        """
        import numpy as np

        return np.ascontiguousarray(output[0].permute(1, 2, 0).numpy(), dtype=np.float32)
