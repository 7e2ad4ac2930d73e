"""The Python <-> browser contract: generated files are current, events parse strictly.

The frontend's TypeScript types are generated from ``frontend/src/contract.schema.json`` and its
runtime guard is tested (vitest) on ``frontend/src/fixtures/view-args.json``; both files are
made here from the real models. Run with ``CLASSROOM_UPDATE_GENERATED=1`` to rewrite them.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from classroom.component import view_args
from classroom.component.contract import (
    ChannelEvent,
    LockEvent,
    Pixel,
    StepEvent,
    TechniquePanel,
    ViewArgs,
    ViewState,
    contract_schema,
    parse_event,
)
from classroom.store import FeatureStore
from harness.synthetic import LayerSpec, prepare_view
from tests.conftest import REPO_ROOT
from tests.generated import check_generated

SCHEMA_FILE = REPO_ROOT / "frontend" / "src" / "contract.schema.json"
FIXTURE_FILE = REPO_ROOT / "frontend" / "src" / "fixtures" / "view-args.json"


def fixture_args(store: FeatureStore) -> ViewArgs:
    """Real ViewArgs for a small two-layer view (fixed key, so the entry ids are stable)."""
    layers = prepare_view(
        store,
        image_width=40,
        image_height=28,
        layers=(LayerSpec("conv2_x", 4, 6), LayerSpec("conv3_x", 8, 12)),
        image_sha256="ab" * 32,
    )
    return view_args(
        "lesson-1/step-2",
        layers,
        store=store,
        preset=ViewState(reference=Pixel(x=5, y=7), pinned=Pixel(x=30, y=20), locked=True),
        chart_layer="conv3_x",
        caption="A test image",
    )


def test_committed_schema_is_current() -> None:
    check_generated(SCHEMA_FILE, contract_schema())


def test_committed_view_args_fixture_is_current() -> None:
    args = fixture_args(FeatureStore())
    check_generated(FIXTURE_FILE, args.model_dump(by_alias=True, mode="json"))


def test_every_field_is_required_on_the_wire() -> None:
    """The browser may rely on every field being present: Python always sends all of them."""
    definitions = contract_schema()["$defs"]
    for name in (
        "ViewArgs",
        "ViewState",
        "LayerSource",
        "ViewImage",
        "StepEvent",
        "SimilarityPanel",
        "MapPanel",
        "ActivationsPanel",
        "MetricLegend",
        "ReceptiveField",
    ):
        definition = definitions[name]
        assert set(definition["required"]) == set(definition["properties"]), name


def test_args_use_camel_case_and_round_trip() -> None:
    args = fixture_args(FeatureStore())
    wire = args.model_dump(by_alias=True, mode="json")
    assert {"viewId", "chartLayer"} <= wire.keys()
    assert {"entryId", "weightsLabel"} <= wire["layers"][0].keys()
    assert ViewArgs.model_validate(wire) == args


def test_parse_event_accepts_each_kind() -> None:
    state = {"reference": {"x": 1, "y": 2}, "pinned": None, "locked": True}
    assert isinstance(parse_event({"id": "a", "kind": "lock", "state": state}), LockEvent)
    step = parse_event({"id": "b", "kind": "step", "delta": -1, "state": state})
    assert isinstance(step, StepEvent)
    assert step.delta == -1
    assert step.state.reference == Pixel(x=1, y=2)
    channel = parse_event(
        {"id": "c", "kind": "channel", "layer": "block2", "channel": 5, "state": state}
    )
    assert isinstance(channel, ChannelEvent)
    assert (channel.layer, channel.channel) == ("block2", 5)


_STATE = {"reference": None, "pinned": None, "locked": False}


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "pin",
        {"id": "a", "kind": "hover", "state": {}},
        {"id": "a", "kind": "step", "delta": 2, "state": {}},
        {"id": "a", "kind": "pin", "state": {"reference": {"x": -1, "y": 0}}},
        {"id": "a", "kind": "pin", "state": {}, "extra": 1},
        {"id": "a", "kind": "channel", "layer": "block2", "state": _STATE},
        {"id": "a", "kind": "channel", "layer": "block2", "channel": -1, "state": _STATE},
    ],
)
def test_parse_event_rejects_malformed_values(raw: object) -> None:
    assert parse_event(raw) is None


def test_layer_source_rejects_a_bad_entry_id() -> None:
    wire = fixture_args(FeatureStore()).model_dump(by_alias=True, mode="json")
    wire["layers"][0]["entryId"] = "../../etc/passwd"
    with pytest.raises(ValidationError, match="entryId"):
        ViewArgs.model_validate(wire)


def test_panels_are_a_union_keyed_by_kind() -> None:
    """TypeScript narrows a panel by `kind`: the schema must say it is the discriminator."""
    panels = contract_schema()["$defs"]["ViewArgs"]["properties"]["panels"]["items"]
    assert panels["discriminator"]["propertyName"] == "kind"
    kinds = {
        name: contract_schema()["$defs"][name]["properties"]["kind"]["const"]
        for name in ("SimilarityPanel", "MapPanel", "ActivationsPanel", "TilesPanel")
    }
    assert kinds == {
        "SimilarityPanel": "similarity",
        "MapPanel": "map",
        "ActivationsPanel": "activations",
        "TilesPanel": "tiles",
    }


def test_map_and_tiles_panels_describe_their_shared_fields_alike() -> None:
    """Both kinds take the shared fields from one model: same names, order and schema."""
    definitions = contract_schema()["$defs"]
    shared = [field.alias or name for name, field in TechniquePanel.model_fields.items()]
    assert shared[0] == "kind"
    map_fields, tiles_fields = (
        definitions[name]["properties"] for name in ("MapPanel", "TilesPanel")
    )
    assert list(map_fields)[: len(shared)] == list(tiles_fields)[: len(shared)] == shared
    for name in shared[1:]:
        assert map_fields[name] == tiles_fields[name], name
