"""A test page: one similarity view per entry of the manifest in $CLASSROOM_TEST_VIEWS.

The manifest's default views (every view not marked ``"default": false``), or those its
address names (``?views=key,key``).

It shows, as plain text the tests can wait for, how often the script ran and how many events
of each kind reached Python, and offers a button that only reruns the script.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from classroom.component import (
    across_panel,
    activations_panel,
    map_panel,
    similarity_view,
    tiles_panel,
    view_args,
)
from classroom.component.contract import (
    AcrossPanel,
    ActivationsPanel,
    MapPanel,
    TilesPanel,
    ViewState,
)
from classroom.store import FeatureStore
from classroom.techniques.result import TechniqueMap


def _technique_map(entry: dict[str, Any]) -> TechniqueMap:
    """A technique's map (or tiles) saved as .npy by the test, with what the panel shows."""
    return TechniqueMap(
        technique=entry["technique"],
        title=entry.get("title", entry["technique"]),
        meaning=entry["meaning"],
        values=np.load(entry["npy"]),
        value_range=(entry["range"][0], entry["range"][1]),
        scale=entry["scale"],
        tile_names=tuple(entry.get("names", ())),
    )


st.set_page_config(page_title="similarity view test page", layout="wide")
store = FeatureStore()
manifest = json.loads(Path(os.environ["CLASSROOM_TEST_VIEWS"]).read_text())

runs = st.session_state.setdefault("runs", 0) + 1
st.session_state["runs"] = runs
events: Counter[str] = st.session_state.setdefault("events", Counter())

st.button("Rerun")
wanted = [key for key in st.query_params.get("views", "").split(",") if key]
shown = [
    view
    for view in manifest["views"]
    if view["key"] in wanted or (not wanted and view.get("default", True))
]
for view in shown:
    layers = [store.read_entry(entry_id) for entry_id in view["entries"]]
    present = [layer for layer in layers if layer is not None]
    if len(present) != len(layers):
        st.error(f"missing entries for {view['key']}")
        continue
    # Panels of other kinds: technique maps and tiles (saved as .npy), activation grids, other
    # images.
    extras: list[MapPanel | ActivationsPanel | AcrossPanel | TilesPanel] = [
        map_panel(_technique_map(entry), store=store) for entry in view.get("maps", [])
    ]
    extras += [tiles_panel(_technique_map(entry), store=store) for entry in view.get("tiles", [])]
    extras += [activations_panel(layer) for layer in view.get("activations", [])]
    for across in view.get("across", []):
        others = [store.read_entry(entry_id) for entry_id in across["entries"]]
        found = [other for other in others if other is not None]
        captions = [f"image {number + 1}" for number in range(len(found))]
        extras.append(across_panel(across["layer"], found, store=store, captions=captions))
    event = similarity_view(
        view_args(
            view["view_id"],
            present,
            store=store,
            preset=ViewState.model_validate(view.get("preset", {})),
            chart_layer=view.get("chart_layer"),
            extra_panels=extras,
        ),
        key=view["key"],
    )
    if event is not None:
        events[event.kind] += 1
        st.session_state["last_event"] = event.model_dump_json()

st.text(f"runs: {runs}")
st.text(
    "events: " + " ".join(f"{kind}={events[kind]}" for kind in ("pin", "lock", "release", "step"))
)
st.text(f"last event: {st.session_state.get('last_event', '')}")
