"""Where a figure came from: one source string and the oldest as-of time of a provider-backed answer."""

from __future__ import annotations

from datetime import datetime

from app.analysis.service import Provenance


def of(part: Provenance, fallback: str) -> tuple[str, datetime | None]:
    """'CoinGecko (snapshot)', 'CoinGecko, CoinMarketCap (live)'...; the oldest as-of, since a figure is only
    as fresh as its stalest input."""
    if not part.sources:
        return f"{fallback} (unavailable)", None
    names = ", ".join(sorted({s.source for s in part.sources.values()}))  # keyed by field: price, rank...
    return f"{names} ({part.mode})", min(s.as_of for s in part.sources.values())
