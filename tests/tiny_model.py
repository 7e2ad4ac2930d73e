"""A small CNN of one's own (strides 2 and 4, and a classifier), saved as a model file by the
tests of lessons' own models and of the network the page and the worker threads share."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["TinyClassifier", "TinyFeatures"]


class TinyClassifier(nn.Module):
    """A small CNN of one's own: strides 2 and 4, and a classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.early = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU())
        self.late = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.Tanh())
        self.head = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores: torch.Tensor = self.head(self.late(self.early(x)).mean(dim=(2, 3)))
        return scores


class TinyFeatures(nn.Module):
    """The tiny network's two maps by name: a feature model, as one exports for classroom
    (create_feature_extractor makes one of any network)."""

    def __init__(self, tiny: TinyClassifier) -> None:
        super().__init__()
        self.early = tiny.early
        self.late = tiny.late

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        early = self.early(x)
        return {"early": early, "late": self.late(early)}
