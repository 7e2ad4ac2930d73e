"""How an image is generated: steps, size, seed, facets and the regularizers, as plain data.

Each regularizer can be switched on and off on its own, so a lesson can show what each one
buys. They are the lecture's (Simonyan et al. 2014; Yosinski et al., "Understanding Neural
Networks Through Deep Visualization", 2015) and the now-standard ones of Olah et al.,
"Feature Visualization" (Distill, 2017):

* ``l2``: the penalty ``lambda / 2 * ||I - grey||^2`` (the lecture's formula; an image far from
  grey costs something, so only pixels that raise the score move far);
* ``blur_every`` / ``blur_sigma``: a Gaussian blur of the image every few steps (Yosinski's
  periodic blur: high frequencies the network happens to like are smoothed away);
* ``clip_pixels`` / ``clip_gradients``: the share of pixels with the smallest deviation from
  grey set back to grey, and of gradient entries with the smallest magnitude set to zero
  (Yosinski's clipping of small norms and small contributions);
* ``jitter`` / ``transforms``: each step sees the image shifted by up to ``jitter`` pixels
  (and, with ``transforms``, slightly scaled and turned), so the image must work wherever it
  is looked at (transformation robustness);
* ``fourier``: the image is optimised as a decorrelated parameterisation: a Fourier spectrum
  scaled by ``1 / frequency`` and a colour decorrelation, so that plain gradient steps change
  low frequencies and natural colour directions as easily as high ones (Olah et al. 2017).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Final

from classroom.maximization.targets import Target

__all__ = ["PRESETS", "Regularizers", "Settings", "cache_key"]


@dataclass(frozen=True)
class Regularizers:
    """Which regularizers are on, and how strongly (all off: the lecture's bare ascent)."""

    l2: float = 0.0
    blur_every: int = 0
    blur_sigma: float = 1.0
    clip_pixels: float = 0.0
    clip_gradients: float = 0.0
    jitter: int = 0
    transforms: bool = False
    fourier: bool = False

    def __post_init__(self) -> None:
        if not self.l2 >= 0:
            raise ValueError(f"the L2 weight must not be negative, not {self.l2}")
        if self.blur_every < 0 or not self.blur_sigma > 0:
            raise ValueError("blur_every must be >= 0 (0: off) and blur_sigma > 0")
        for name in ("clip_pixels", "clip_gradients"):
            share = getattr(self, name)
            if not 0 <= share < 1:
                raise ValueError(f"{name} is a share of entries in [0, 1), not {share}")
        if self.jitter < 0:
            raise ValueError(f"jitter is a number of pixels >= 0, not {self.jitter}")
        if self.fourier and self.clip_pixels:
            raise ValueError(
                "clip_pixels works on pixels; with the Fourier parameterisation the image's "
                "pixels are not the parameters (switch one of them off)"
            )

    @property
    def switched_on(self) -> tuple[str, ...]:
        """The names of the regularizers that are on, for labels."""
        names = []
        if self.l2:
            names.append(f"L2 {self.l2:g}")
        if self.blur_every:
            names.append(f"blur sigma {self.blur_sigma:g} every {self.blur_every}")
        if self.clip_pixels:
            names.append(f"pixel clipping {self.clip_pixels:.0%}")
        if self.clip_gradients:
            names.append(f"gradient clipping {self.clip_gradients:.0%}")
        if self.jitter:
            names.append(f"jitter {self.jitter} px")
        if self.transforms:
            names.append("scale and rotation")
        if self.fourier:
            names.append("Fourier parameterisation")
        return tuple(names)


#: Named regularizer sets a lesson or the command line can use.
PRESETS: Final[dict[str, Regularizers]] = {
    "none": Regularizers(),
    "blur": Regularizers(blur_every=4, blur_sigma=1.0),
    "lecture": Regularizers(l2=0.01, blur_every=4, blur_sigma=0.5, clip_gradients=0.1),
    "robust": Regularizers(l2=0.01, blur_every=4, blur_sigma=0.5, jitter=4, transforms=True),
    "fourier": Regularizers(jitter=4, transforms=True, fourier=True),
}


@dataclass(frozen=True)
class Settings:
    """One run of gradient ascent.

    Attributes:
        steps: gradient steps (0: the starting points, unoptimised).
        size: the generated image's side in pixels.
        learning_rate: Adam's step size, in the parameterisation's units.
        seed: seeds the noise start, jitter and transforms: the same seed, the same image.
        facets: how many images: the first starts from noise, the others from the collection's
            images that activate the target most (the lecture's multifaceted visualization).
        preview_every: a preview goes to the progress callback every so many steps.
        regularizers: see :class:`Regularizers`.
    """

    steps: int = 128
    size: int = 96
    learning_rate: float = 0.05
    seed: int = 0
    facets: int = 1
    preview_every: int = 16
    regularizers: Regularizers = field(default_factory=lambda: PRESETS["robust"])

    def __post_init__(self) -> None:
        if self.steps < 0 or self.facets < 1 or self.preview_every < 1:
            raise ValueError("steps must be >= 0, facets >= 1 and preview_every >= 1")
        if not 16 <= self.size <= 1024:
            raise ValueError(f"the image side must be 16 to 1024 pixels, not {self.size}")
        if not self.learning_rate > 0:
            raise ValueError(f"the learning rate must be positive, not {self.learning_rate}")

    def with_regularizers(self, **changes: object) -> Settings:
        return replace(self, regularizers=replace(self.regularizers, **changes))  # type: ignore[arg-type]


def cache_key(network: str, weights_id: str, target: Target, settings: Settings) -> str:
    """The store key of a result: network, weights, target, regularizers, seed and steps.

    Everything that changes the pixels is in it (and the preview interval, which does not, is
    left out), so a cached result is what running again would give.
    """
    described = {
        "network": network,
        "weights": weights_id,
        "target": target.spec,
        "settings": {k: v for k, v in asdict(settings).items() if k != "preview_every"},
        "version": 1,
    }
    text = json.dumps(described, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
