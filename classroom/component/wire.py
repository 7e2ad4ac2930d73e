"""What every model of the component's contract shares: camelCase on the wire, every field
sent, nothing extra; and the integer kinds the contracts use. Its own module, so that the
view's contract and the matrix's (which the view's schema includes) both import it and
neither imports the other."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["NonNegative", "Positive", "Wire"]


class Wire(BaseModel):
    """camelCase on the wire (TypeScript's convention), snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        # Both sides always send every field, so the schema (and the TypeScript types made
        # from it) mark fields with defaults as required too.
        json_schema_serialization_defaults_required=True,
    )


NonNegative = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]
