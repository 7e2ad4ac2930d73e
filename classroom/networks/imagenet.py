"""torchvision's ImageNet weights as plain data: download URLs, sizes, normalisation, classes.

Written down here (rather than asked of torchvision's weights enums) so that checking a lesson,
listing the networks or labelling a panel never imports torch; ``tests/test_network_registry.py``
compares every entry with torchvision's enums and fails when they drift apart. The class
names (``imagenet_classes.txt``) are torchvision's ``meta["categories"]``, in output order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from classroom.networks.base import IMAGENET_MEAN, IMAGENET_STD, Pretrained

__all__ = ["DOWNLOADS", "IMAGENET_CLASSES", "imagenet_weights"]

DOWNLOADS: Final = "https://download.pytorch.org/models/"
#: The 1,000 ImageNet-1k classes, in the order of a classifier's outputs.
IMAGENET_CLASSES: Final = tuple(
    (Path(__file__).resolve().parent / "imagenet_classes.txt").read_text("utf-8").splitlines()
)


def imagenet_weights(
    name: str,
    file_name: str,
    size_mb: float,
    *,
    mean: tuple[float, float, float] = IMAGENET_MEAN,
    std: tuple[float, float, float] = IMAGENET_STD,
    classifies: bool = True,
) -> Pretrained:
    """One of torchvision's ImageNet weights: ``name`` is its enum member, ``file_name`` the
    file under ``download.pytorch.org/models/``."""
    return Pretrained(
        name=name,
        url=DOWNLOADS + file_name,
        size_mb=size_mb,
        mean=mean,
        std=std,
        classes=IMAGENET_CLASSES if classifies else (),
    )
