"""The step navigator's side of the contract: what Back and Next get, and what they report.

Part of the JSON Schema that :func:`classroom.component.contract.contract_schema` generates
(and TypeScript's types with it), kept apart from the view's models because the navigator is
a frame of its own with nothing else in common with the view.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from classroom.component.wire import NonNegative, Positive, Wire

__all__ = ["NavigatorArgs", "NavigatorValue"]


class NavigatorArgs(Wire):
    """Back and Next for a lesson: where the session is, and how to lay the buttons out."""

    step: NonNegative = Field(description="The step on screen, 0-based.")
    count: Positive
    lesson_title: str
    presenter: bool = Field(
        default=False, description="One row above the step; else a column (the sidebar)."
    )


class NavigatorValue(Wire):
    """What the step navigator reports: every Back and Next press of its frame so far (buttons,
    PageUp, PageDown), and the similarity views of the page that went deaf.

    Counts, not events: presses that arrive while the page is still busy with the previous
    one add up instead of replacing each other, so Python moves by ``net`` minus what it
    already applied for this ``instance`` (a frame loaded anew starts again from 0).
    """

    instance: Annotated[str, Field(min_length=1, max_length=64)]
    net: int = Field(description="Next presses minus Back presses since the frame loaded.")
    lost_views: NonNegative = Field(
        default=0,
        description=(
            "View frames that Streamlit did not answer (a frame it moved is reloaded and no "
            "longer heard); Python then draws the view anew."
        ),
    )
