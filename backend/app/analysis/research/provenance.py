"""Where a number came from: its source, as-of time, and whether a cache or a bundled snapshot gave it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Origin:
    """`as_of`: the provider's own time for the figure (UTC epoch seconds), else when it was fetched."""

    source: str
    as_of: float
    cached: bool = False
    snapshot: bool = False

    def as_cached(self) -> Origin:
        return replace(self, cached=True)

    def out(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "asOf": datetime.fromtimestamp(self.as_of, UTC).isoformat().replace("+00:00", "Z"),
            "cached": self.cached,
            "mode": "snapshot" if self.snapshot else "live",
        }


@dataclass(frozen=True, slots=True)
class Missing:
    """A source that gave nothing, and why (not configured, down, rate-limited, no snapshot...)."""

    source: str
    reason: str
    fields: tuple[str, ...] = ()


@dataclass(slots=True)
class Findings:
    """What an analysis found: values by field path, the origin of each, and the sources that failed."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Origin] = field(default_factory=dict)
    unavailable: list[Missing] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def put(self, name: str, value: Any, origin: Origin) -> None:
        self.values[name] = value
        if value is not None:
            self.sources[name] = origin

    def miss(self, source: str, reason: str, *fields: str) -> None:
        self.unavailable.append(Missing(source, reason, fields))

    def get(self, name: str) -> Any:
        return self.values.get(name)
