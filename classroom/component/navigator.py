"""The step navigator: Back and Next for a lesson, counted in the browser.

Streamlit buttons report a click as a trigger, and two clicks (or a presenter remote's
PageDown pressed twice) that reach the server before the page has caught up with the first
one become one trigger or are dropped with an interrupted run. The navigator sends instead the
running count of presses of its frame
(:class:`~classroom.component.navigator_contract.NavigatorValue`); the page moves by what it
has not applied yet, so every press counts however busy it is.

The navigator also hears PageUp and PageDown anywhere in the page (the component is served from
the app's own origin) and the similarity view hands it the ones pressed inside the view.

It is also the page's messenger for a view that went deaf: a component frame that the page
moved is reloaded, and Streamlit no longer hears it (it listens to the window the frame had
when it was mounted), so it never gets its arguments and stays blank. Such a view tells the
navigator, which counts it (``lost_views``), and the page draws the view anew.
"""

from __future__ import annotations

from pydantic import ValidationError

from classroom.component import declare
from classroom.component.navigator_contract import NavigatorArgs, NavigatorValue

__all__ = ["lost_views", "parse_presses", "step_navigator", "unapplied"]


def step_navigator(args: NavigatorArgs, *, key: str) -> NavigatorValue | None:
    """Draw Back and Next; returns the presses of the navigator's frame so far, if any.

    The same bundle as the similarity view: a ``steps`` argument tells it to draw this.
    """
    navigator = declare("step_navigator")
    # One JSON string, as the view's arguments: Streamlit checks every other argument for a
    # dataframe, which imports pandas (a second or more on the first page of a process).
    raw = navigator(steps=args.model_dump_json(by_alias=True), key=key, default=None)
    return parse_presses(raw)


def parse_presses(raw: object) -> NavigatorValue | None:
    """The navigator's value, or None when it has none (or it is malformed)."""
    if raw is None:
        return None
    try:
        return NavigatorValue.model_validate(raw)
    except ValidationError:
        return None


def unapplied(presses: NavigatorValue, applied: NavigatorValue | None) -> int:
    """The steps to move now: the presses not applied yet (all of them for a new frame)."""
    if applied is None or applied.instance != presses.instance:
        return presses.net
    return presses.net - applied.net


def lost_views(value: NavigatorValue, applied: NavigatorValue | None) -> int:
    """How many views went deaf since the page last heard (all of them for a new frame)."""
    if applied is None or applied.instance != value.instance:
        return value.lost_views
    return value.lost_views - applied.lost_views
