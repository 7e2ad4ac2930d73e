"""The similarity view's metrics by name: plain data, so lesson checks need no numpy.

``classroom.similarity.compare`` computes them (the numpy reference); the lesson format, the
contract and the view's legend name them from here.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["METRICS", "Metric"]

#: How the view compares each cell with the reference (angular: the paper's; the others: its
#: section 4's future work).
Metric = Literal["angular", "cosine", "euclidean", "dot"]
METRICS: Final[tuple[Metric, ...]] = ("angular", "cosine", "euclidean", "dot")
