"""What every technique shares: its declaration (plain data) and the inputs it computes from.

A technique is one module under ``classroom/techniques/`` with one :class:`Technique`
subclass, listed once in :mod:`~classroom.techniques.registry`. The subclass declares, as plain
data, its name, the family of the seed lecture's taxonomy it belongs to, whether it reads a
layer, a class or a reference pixel, and its own parameters (a pydantic model). Everything
that names techniques (the lesson format and its JSON Schema, ``classroom check``, the store
key, ``classroom compute``, the app's picker) is derived from those declarations, so none of
them imports torch. Only :meth:`Technique.compute` runs the network, the way each TorchCAM
method overrides one small hook of a shared base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import torch
    from PIL import Image

    from classroom.networks import LoadedNetwork, ResolvedWeights
    from classroom.store import FeatureStore
    from classroom.techniques.request import TechniqueRequest
    from classroom.techniques.result import TechniqueResult

__all__ = [
    "FAMILIES",
    "Family",
    "NoParameters",
    "Progress",
    "Technique",
    "TechniqueInputs",
    "TechniqueParameters",
]

#: The families of the seed documents (lecture and taxonomy), so a lesson can compare them.
Family = Literal[
    "prediction",
    "parameters",
    "activations",
    "input modification",
    "deconvolutional",
    "receptive field",
    "feature similarity",
    "input reconstruction",
]
FAMILIES: Final[tuple[Family, ...]] = (
    "prediction",
    "parameters",
    "activations",
    "input modification",
    "deconvolutional",
    "receptive field",
    "feature similarity",
    "input reconstruction",
)

#: Progress of a long computation: ``(done, total)`` in the technique's own units.
Progress = Callable[[int, int], None]


class TechniqueParameters(BaseModel):
    """A technique's own parameters: strict, frozen, documented fields with defaults.

    Subclasses add fields with ``Field(default, description=...)``; the descriptions become the
    lesson schema's and ``classroom compute --help``'s text.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class NoParameters(TechniqueParameters):
    """The parameters of a technique that has none beyond layer, target and reference."""


@dataclass(frozen=True)
class TechniqueInputs:
    """What a technique computes from (built once by :mod:`~classroom.techniques.running`).

    Attributes:
        network: the loaded network (eval mode, CPU).
        image: the analysis image (upright RGB, at most ``max_side`` on its longest side).
        batch: ``image`` as the network takes it, ``(1, 3, H, W)``, normalised.
        mean, std: that normalisation (per RGB channel, of pixels scaled to 0..1).
        layer: the layer to explain, or None (the technique's default).
        target: the class index to explain, or None (the predicted class).
        reference: the reference pixel ``(x, y)`` in analysis-image pixels, or None.
        class_names: the classifier's class names (empty for a network that does not classify).
        progress: called as a long computation advances.
        store: where a technique that ignores the image keeps its own results (see
            :attr:`Technique.uses_image`); None: it keeps none.
    """

    network: LoadedNetwork
    image: Image.Image
    batch: torch.Tensor
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    layer: str | None
    target: int | None
    reference: tuple[int, int] | None
    class_names: tuple[str, ...]
    progress: Progress | None = None
    store: FeatureStore | None = None

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` of the analysis image."""
        width, height = self.image.size
        return width, height

    def class_name(self, index: int) -> str:
        return self.class_names[index] if index < len(self.class_names) else f"class {index}"


class Technique:
    """One technique of the toolbox, declared as plain data, computed by :meth:`compute`.

    Attributes:
        name: the registry name: the lesson format's ``technique:``, the CLI's argument.
        title: for people (``Grad-CAM``).
        family: where the seed documents place it (see :data:`FAMILIES`).
        summary: one sentence: what it shows.
        uses_layer: reads a layer (``--layer``, ``layer:``).
        needs_layer: and cannot run without one: the default is then the architecture's last
            default layer.
        uses_target: explains one class (``--target``; default: the predicted class).
        uses_reference: reads a reference pixel (``--reference``, the step's reference).
        needs_reference: and cannot run without one.
        needs_classifier: needs class scores (a network whose forward pass classifies).
        uses_image: reads the analysis image. One that does not (maximize makes its own) has a
            result that depends on the network and request alone: it keeps that result in the
            store under its own key (:meth:`read_cached`), so one result serves every image,
            the command line and the app's background worker, and its top-5 is of what it made.
        library: which library computes it, for ``docs/techniques.md``.
        cost: its cost in forward/backward passes, for ``docs/techniques.md``.
        parameters: the pydantic model of its own parameters.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    family: ClassVar[Family] = "prediction"
    summary: ClassVar[str] = ""
    uses_layer: ClassVar[bool] = False
    needs_layer: ClassVar[bool] = False
    uses_target: ClassVar[bool] = False
    uses_reference: ClassVar[bool] = False
    needs_reference: ClassVar[bool] = False
    needs_classifier: ClassVar[bool] = False
    uses_image: ClassVar[bool] = True
    library: ClassVar[str] = ""
    cost: ClassVar[str] = ""
    parameters: ClassVar[type[TechniqueParameters]] = NoParameters

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        """The technique's maps for ``inputs`` (the caller adds the top-5 predictions).

        Raises:
            ValueError: for inputs the technique cannot explain, with a message for people.
        """
        raise NotImplementedError(f"{type(self).__name__} does not compute")

    def read_cached(
        self,
        weights: ResolvedWeights,
        request: TechniqueRequest,
        class_names: tuple[str, ...],
        store: FeatureStore,
    ) -> TechniqueResult | None:
        """A technique that does not use the image: its result as its own cache holds it,
        without loading the network; None when it is not there (or unknown without the
        network). Techniques that use the image are cached by preparation and never asked."""
        return None
