"""``predict``: the network's five most probable classes, with the weights' class names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from classroom.techniques.base import Technique, TechniqueInputs, TechniqueParameters

if TYPE_CHECKING:
    from classroom.techniques.result import TechniqueResult

__all__ = ["Predict"]


class Predict(Technique):
    name = "predict"
    title = "Top-5 classes"
    family = "prediction"
    summary = "The five classes the network finds most probable, with their probabilities."
    needs_classifier = True
    library = "torch (softmax of one forward pass)"
    cost = "1 forward pass"

    def compute(self, inputs: TechniqueInputs, parameters: TechniqueParameters) -> TechniqueResult:
        from classroom.techniques.result import TechniqueResult

        return TechniqueResult(maps=())  # the runner adds the top-5 to every result
