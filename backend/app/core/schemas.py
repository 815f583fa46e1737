"""Base schemas and field types: camelCase JSON, strict requests, Decimal numbers, UTC times, bounded ids
and user JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, field_validator
from pydantic.alias_generators import to_camel

from app.core.bounds import MAX_DB_ID, MAX_JSON_BYTES, MAX_JSON_DEPTH, bounded_user_json, reject_unstorable
from app.core.clock import isoformat_z


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _decimal_to_json(value: Decimal) -> int | float:
    # JSON numbers as in the seed ("threshold": 50000); exact in the database, float only on the wire.
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


UtcDateTime = Annotated[
    datetime, AfterValidator(_as_utc), PlainSerializer(isoformat_z, return_type=str, when_used="json")
]
DecimalNumber = Annotated[Decimal, PlainSerializer(_decimal_to_json, return_type=float, when_used="json")]


class ApiModel(BaseModel):
    """Base of every response schema: snake_case in Python, camelCase in JSON."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, from_attributes=True
    )


class RequestModel(ApiModel):
    """Base of every request schema: camelCase keys only; unknown fields are rejected, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_by_name=False)

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        # Every string of every request body, nested ones included (PostgreSQL refuses U+0000).
        return reject_unstorable(value)


DbId = Annotated[int, Interval(ge=1, le=MAX_DB_ID)]
"""A row id wherever a request carries one (path, query or body): BIGINT's range, so 2**63 is a 422
naming the field rather than an overflow in the database driver."""


FREE_FORM = "x-free-form"  # marks an object whose keys are the user's or a plug-in's, not the API's

JsonObject = Annotated[dict[str, Any], Field(json_schema_extra={FREE_FORM: True})]
"""A free-form JSON object as a *field* (e.g. an alert's `metadata`, a strategy's `parameters`): keys are
defined by the user or by the plug-in that reads them, so the API cannot list them. Only for such fields;
tests/core/test_openapi_types.py fails on any other object without declared properties."""

UserJsonObject = Annotated[
    JsonObject,
    AfterValidator(bounded_user_json),
    Field(
        description=f"A JSON object of at most {MAX_JSON_DEPTH} levels of nesting and {MAX_JSON_BYTES} bytes",
        json_schema_extra={"x-max-depth": MAX_JSON_DEPTH, "x-max-bytes": MAX_JSON_BYTES},
    ),
]
"""A free-form JSON object a *request* takes from the user (an alert's `metadata`, a strategy's
`parameters`): bounded in depth and size, so it cannot fill the database or overflow a serializer."""
