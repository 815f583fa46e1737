"""The response envelope of the seed: every HTTP body is success+data or error+code+message."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import orjson
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.core.clock import isoformat_z, utcnow
from app.core.errors import ErrorCode
from app.core.schemas import UtcDateTime

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    status: Literal["success"] = "success"
    data: T
    timestamp: UtcDateTime = Field(default_factory=utcnow)


class FieldError(BaseModel):
    field: str
    message: str


class ErrorEnvelope(BaseModel):
    status: Literal["error"] = "error"
    code: ErrorCode
    message: str
    field: str | None = None
    details: list[FieldError] | None = None
    timestamp: UtcDateTime


def ok(data: T) -> Envelope[T]:
    return Envelope[T](data=data)


def raw_ok(data: Any, status_code: int = 200) -> Response:
    """The success envelope serialised by orjson, for large payloads of plain JSON types (no Decimal).

    Skips pydantic's per-field work; the route still declares its response_model for the OpenAPI schema.
    """
    body = {"status": "success", "data": data, "timestamp": isoformat_z(utcnow())}
    return Response(orjson.dumps(body), media_type="application/json", status_code=status_code)


ENVELOPE_HEAD = '{"status":"success","data":'


def envelope_tail() -> str:
    """What follows `data` in a success envelope made now."""
    return f',"timestamp":"{isoformat_z(utcnow())}"}}'


def raw_json_ok(data_json: str) -> Response:
    """The success envelope around `data` that is already JSON text (e.g. a cached page)."""
    return Response((ENVELOPE_HEAD + data_json + envelope_tail()).encode(), media_type="application/json")


def error_body(
    code: ErrorCode,
    message: str,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    body = ErrorEnvelope(
        code=code,
        message=message,
        field=field,
        details=[FieldError(**d) for d in details] if details else None,
        timestamp=timestamp or utcnow(),
    )
    return body.model_dump(mode="json", exclude_none=True)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description}
    for status, description in {
        400: "Bad request",
        401: "Missing, invalid or expired token",
        403: "Not yours",
        404: "Not found",
        413: "Body over the size limit",
        415: "Body is not JSON",
        422: "Validation error naming the field",
        429: "Rate limited",
        500: "Internal error",
    }.items()
}
