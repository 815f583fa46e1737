"""alternative.me Crypto Fear & Greed Index (`/fng/`): daily sentiment readings from 0 to 100."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Unpack

from pydantic import Field, TypeAdapter

from app.integrations.http import ApiClient, HttpError, HttpOptions, interval
from app.integrations.parsing import MalformedMessage, Shape

if TYPE_CHECKING:
    from app.config import Settings

SOURCE = "alternative.me"
PATH = "/fng/"


@dataclass(frozen=True, slots=True)
class FearGreedReading:
    """One day's index: `ts` is the day's start (00:00 UTC) in epoch seconds."""

    ts: int
    value: int
    classification: str


class _Reading(Shape):
    # Every field arrives as a string ("47", "1745280000"); lax validation turns them into ints.
    value: Annotated[int, Field(ge=0, le=100)]
    value_classification: str
    timestamp: int


class _Metadata(Shape):
    error: str | None = None


class _Index(Shape):
    data: list[_Reading] | None = None
    metadata: _Metadata | None = None


_INDEX = TypeAdapter(_Index)


class FearGreedClient(ApiClient):
    """alternative.me, keyless."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        rate = interval(settings.feargreed_requests_per_minute)
        super().__init__(settings.feargreed_api_url, settings, min_interval=rate, **options)

    async def readings(self, limit: int = 1) -> list[FearGreedReading]:
        """The latest `limit` daily readings, newest first as the API gives them (0 = the whole history).
        Days the API skipped are simply absent."""
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        body = await self.http.get_json(PATH, _INDEX, params={"limit": limit, "format": "json"})
        # `metadata.error` is the API's own failure report, whatever the HTTP status was.
        if body.metadata is not None and body.metadata.error is not None:
            raise HttpError(f"alternative.me error: {body.metadata.error}")
        if body.data is None:
            raise MalformedMessage(f"GET {PATH}: data: Field required")
        return [FearGreedReading(row.timestamp, row.value, row.value_classification) for row in body.data]
