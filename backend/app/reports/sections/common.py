"""Shared by the section builders: origins from the API's source objects, times from epoch seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from app.reports.document import Origin


class Sourced(Protocol):
    @property
    def source(self) -> str: ...

    @property
    def as_of(self) -> datetime | None: ...


def origin_of(sourced: Sourced | None, mode: str | None = None) -> Origin | None:
    """A SourceOut / PriceSource as an Origin (snapshot or live from the provider layer)."""
    if sourced is None:
        return None
    return Origin(sourced.source, sourced.as_of, mode or getattr(sourced, "mode", None))


def at(ts: int | float) -> datetime:
    return datetime.fromtimestamp(int(ts), UTC)


def finite(value: float | None) -> float | None:
    return None if value is None or value != value or value in (float("inf"), float("-inf")) else value


def when(text: str) -> datetime:
    """An API date ("2026-12-03", UTC midnight) or time ("2026-12-03T10:00:00Z") as a UTC datetime."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
