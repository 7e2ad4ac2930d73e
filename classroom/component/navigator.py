"""The step navigator: Back and Next for a lesson, counted in the browser.

Streamlit buttons report a click as a trigger, and two clicks (or a presenter remote's
PageDown pressed twice) that reach the server before the page has caught up with the first
one become one trigger or are dropped with an interrupted run. The navigator sends instead the
running count of presses of its frame (:class:`~classroom.component.contract.StepPresses`);
the page moves by what it has not applied yet, so every press counts however busy it is.

The navigator also hears PageUp and PageDown anywhere in the page (the component is served from
the app's own origin) and the similarity view hands it the ones pressed inside the view.
"""

from __future__ import annotations

from pydantic import ValidationError

from classroom.component import declare
from classroom.component.contract import NavigatorArgs, StepPresses

__all__ = ["parse_presses", "step_navigator", "unapplied"]


def step_navigator(args: NavigatorArgs, *, key: str) -> StepPresses | None:
    """Draw Back and Next; returns the presses of the navigator's frame so far, if any.

    The same bundle as the similarity view: a ``steps`` argument tells it to draw this.
    """
    navigator = declare("step_navigator")
    raw = navigator(steps=args.model_dump(by_alias=True, mode="json"), key=key, default=None)
    return parse_presses(raw)


def parse_presses(raw: object) -> StepPresses | None:
    """The navigator's value, or None when it has none (or it is malformed)."""
    if raw is None:
        return None
    try:
        return StepPresses.model_validate(raw)
    except ValidationError:
        return None


def unapplied(presses: StepPresses, applied: StepPresses | None) -> int:
    """The steps to move now: the presses not applied yet (all of them for a new frame)."""
    if applied is None or applied.instance != presses.instance:
        return presses.net
    return presses.net - applied.net
