"""What to compute: a technique by name, its layer, class, reference pixel and parameters.

Plain data with no torch: lessons, the CLI and the app build requests; the store keys
results by :attr:`TechniqueRequest.key_text`; :mod:`~classroom.techniques.running` computes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from classroom.techniques.base import Technique, TechniqueParameters
from classroom.techniques.registry import technique

__all__ = ["TechniqueRequest", "parameter_problems"]


def parameter_problems(error: ValidationError) -> str:
    """A pydantic error as one line people read: ``patch: ...; fill: ...``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'parameters'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


@dataclass(frozen=True)
class TechniqueRequest:
    """One technique's result for one image, asked for by name.

    Attributes:
        technique: the registry name.
        layer: the layer it explains (None: the technique's default).
        target: the class to explain, by name or index (None: the predicted class).
        reference: the reference pixel ``(x, y)`` in original-image pixels (None: none).
        options: the technique's own parameters as written (validated on construction).
    """

    technique: str
    layer: str | None = None
    target: str | None = None
    reference: tuple[int, int] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.parameters  # noqa: B018 - validates, raising ValueError for people

    @property
    def entry(self) -> Technique:
        return technique(self.technique)

    @property
    def parameters(self) -> TechniqueParameters:
        """The options validated by the technique's parameter model.

        Raises:
            ValueError: naming the technique and each problem.
        """
        try:
            return self.entry.parameters.model_validate(dict(self.options))
        except ValidationError as error:
            raise ValueError(f"{self.technique}: {parameter_problems(error)}") from None

    @property
    def key_text(self) -> str:
        """Canonical text of everything that changes the result (defaults filled in)."""
        entry = self.entry
        return json.dumps(
            {
                "technique": self.technique,
                "layer": self.layer if entry.uses_layer else None,
                "target": self.target if entry.uses_target else None,
                "reference": list(self.reference)
                if self.reference is not None and entry.uses_reference
                else None,
                "parameters": self.parameters.model_dump(mode="json"),
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @property
    def label(self) -> str:
        """How people see the request: ``grad_cam (block4, circle)``."""
        details = [str(part) for part in (self.layer, self.target) if part is not None]
        details += [f"{key}={value}" for key, value in sorted(self.options.items())]
        return f"{self.technique} ({', '.join(details)})" if details else self.technique
