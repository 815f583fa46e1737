"""Every route's JSON success body is typed all the way down, so the web app's types can be generated.

An object without declared properties (a `dict[str, Any]`, or `Any`) fails unless it is a field marked
`JsonObject` (keys defined by the user or a plug-in). Maps with typed values (`dict[str, Model]`) pass.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.config import Settings
from app.core.schemas import FREE_FORM
from app.main import create_app

Schema = dict[str, Any]


def loose_spots(schema: Schema, schemas: dict[str, Schema], where: str, seen: frozenset[str]) -> list[str]:
    """The paths inside `schema` whose content is not described (free-form objects, `Any`)."""
    ref = schema.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        return [] if name in seen else loose_spots(schemas[name], schemas, where, seen | {name})
    if schema.get(FREE_FORM):
        return []
    found = [
        spot
        for key in ("anyOf", "oneOf", "allOf")
        for part in schema.get(key, [])
        for spot in loose_spots(part, schemas, where, seen)
    ]
    if not {"type", "$ref", "anyOf", "oneOf", "allOf", "const", "enum"} & schema.keys():
        return [*found, f"{where} (any)"]
    if schema.get("type") == "array":
        found += loose_spots(schema.get("items", {}), schemas, f"{where}[]", seen)
    if schema.get("type") == "object":
        properties: dict[str, Schema] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        if (not properties and not isinstance(extra, dict)) or extra == {}:
            found.append(f"{where} (free-form object)")
        for name, sub in properties.items():
            found += loose_spots(sub, schemas, f"{where}.{name}", seen)
        if isinstance(extra, dict) and extra:
            found += loose_spots(extra, schemas, f"{where}.*", seen)
    return found


def untyped_responses(spec: Schema) -> list[str]:
    schemas = spec["components"]["schemas"]
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json")
                if status.startswith("2") and body is not None:
                    where = f"{method.upper()} {path} {status}"
                    found += loose_spots(body.get("schema", {}), schemas, where, frozenset())
    return found


def test_every_json_success_body_is_typed(embedded_settings: Settings) -> None:
    assert untyped_responses(create_app(embedded_settings).openapi()) == []


@pytest.mark.parametrize(
    ("schema", "loose"),
    [
        ({"type": "object", "additionalProperties": True}, True),
        ({"type": "object"}, True),
        ({}, True),
        ({"type": "object", "additionalProperties": True, FREE_FORM: True}, False),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, False),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, False),
        ({"type": "array", "items": {"type": "object", "additionalProperties": True}}, True),
    ],
)
def test_the_check_sees_a_free_form_body(schema: Schema, loose: bool) -> None:
    spec = {
        "components": {"schemas": {}},
        "paths": {
            "/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": schema}}}}}}
        },
    }
    assert bool(untyped_responses(spec)) is loose
