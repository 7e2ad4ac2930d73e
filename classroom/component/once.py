"""Handing a component's events out once: a component keeps returning its last value on every
rerun, so the script would otherwise act on the same pin or selection again and again."""

from __future__ import annotations

__all__ = ["first_time"]


def first_time(prefix: str, key: str, event_id: str) -> bool:
    """Whether the event ``event_id`` of the element ``key`` is new to this session (and note
    it, so that the next rerun's repeat of it is not)."""
    import streamlit as st

    handled = prefix + key
    if st.session_state.get(handled) == event_id:
        return False
    st.session_state[handled] = event_id
    return True
