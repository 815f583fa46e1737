"""Typed parsing shared by the API clients: one exception for bad shapes, validation, UTC epochs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from app.core.clock import get_clock

T = TypeVar("T")


class MalformedMessage(ValueError):
    """A message or response body that does not have the shape the provider documents."""


class Shape(BaseModel):
    """Base of the provider response models: unknown fields ignored, NaN/inf rejected, immutable."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True, populate_by_name=True)


def parse_json(adapter: TypeAdapter[T], raw: str | bytes, what: str) -> T:
    """Validate raw JSON text against `adapter`; any failure is a `MalformedMessage` naming `what`."""
    try:
        return adapter.validate_json(raw)
    except ValidationError as exc:
        raise MalformedMessage(f"{what}: {_summary(exc)}; got {_excerpt(raw)}") from exc


def epoch(value: datetime) -> float:
    """Epoch seconds; a timestamp without a zone is UTC (every provider here means UTC)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def fraction(percent: float | None) -> float | None:
    """A percentage as a fraction (aggregators report 24h change in percent; MarketStats wants 0.08)."""
    return None if percent is None else percent / 100


def wall_time() -> float:
    """Now, in epoch seconds, from the process clock (tests freeze it)."""
    return get_clock().now().timestamp()


def _summary(exc: ValidationError) -> str:
    # The full pydantic report of a 100-row body is unreadable in a status line: first error and a count.
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _excerpt(raw: str | bytes, limit: int = 120) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return repr(text[:limit] + ("…" if len(text) > limit else ""))
