"""JSON Schemas that TypeScript types are generated from (the component's contract, the
feature-file header): what both share.

``json-schema-to-typescript`` turns every titled field into a type alias of its own, and
copies a referenced type where a default sits beside the ``$ref``; neither says anything the
wire needs, so :func:`plain` removes both.
"""

from __future__ import annotations

from typing import Any

__all__ = ["plain"]


def plain(schema: Any) -> Any:
    """``schema`` without per-field titles and defaults."""
    if isinstance(schema, list):
        return [plain(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    cleaned = {key: plain(value) for key, value in schema.items() if key != "default"}
    if "properties" in cleaned:
        cleaned["properties"] = {
            name: {key: value for key, value in field.items() if key != "title"}
            for name, field in cleaned["properties"].items()
        }
    return cleaned
