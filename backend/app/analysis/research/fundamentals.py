"""Market figures of an asset (market cap, volume, supply, rank) from CoinGecko and CoinMarketCap."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from app.analysis.research.provenance import Findings, Origin
from app.analysis.research.providers import NAMES, Providers, Unavailable
from app.integrations.coingecko import CoinGeckoClient
from app.integrations.coinmarketcap import CoinMarketCapClient

if TYPE_CHECKING:
    from app.market.service import Asset

# Two aggregators' figures are compared only when taken within a day of each other.
COMPARABLE_SECONDS = 86400
DETAIL_FIELDS = {
    "rank": "rank",
    "circulatingSupply": "circulating_supply",
    "totalSupply": "total_supply",
    "maxSupply": "max_supply",
    "fullyDilutedValuation": "fully_diluted_valuation",
}


async def _coingecko(providers: Providers, asset: Asset) -> tuple[dict[str, Any], Origin]:
    coin_id = asset.coingecko_id
    if not coin_id:
        raise Unavailable("coingecko", f"{asset.symbol} has no CoinGecko id in the asset registry")

    async def call() -> tuple[dict[str, Any], float | None]:
        async with providers.client("coingecko") as client:
            assert isinstance(client, CoinGeckoClient)
            found = await client.fundamentals(coin_id)
        if found is None:
            raise Unavailable("coingecko", f"CoinGecko does not list {coin_id}")
        return asdict(found), found.ts

    return await providers.fetch("coingecko", f"markets:{coin_id}", call)


async def _coinmarketcap(providers: Providers, asset: Asset) -> tuple[dict[str, Any], Origin]:
    cmc_id = asset.coinmarketcap_id
    if not cmc_id:
        raise Unavailable("coinmarketcap", f"{asset.symbol} has no CoinMarketCap id in the asset registry")

    async def call() -> tuple[dict[str, Any], float | None]:
        async with providers.client("coinmarketcap") as client:
            assert isinstance(client, CoinMarketCapClient)
            quotes = await client.quotes({cmc_id: asset.symbol})
        if not quotes:
            raise Unavailable("coinmarketcap", f"CoinMarketCap has no quote for id {cmc_id}")
        q = quotes[0]
        return {"price": q.price, "market_cap": q.market_cap, "volume_24h": q.volume_24h}, q.ts

    return await providers.fetch("coinmarketcap", f"quotes:{cmc_id}", call)


async def gather(providers: Providers, asset: Asset, sources: set[str], found: Findings) -> None:
    """Puts price, marketCap, volume24h and fundamentals.* into `found`; CoinGecko first (it has supply and
    rank), CoinMarketCap when CoinGecko gives nothing, and the spread between them when both answer."""
    wanted = [
        (name, fetch)
        for name, fetch in (("COINGECKO", _coingecko), ("COINMARKETCAP", _coinmarketcap))
        if name in sources
    ]
    results = await asyncio.gather(*(fetch(providers, asset) for _, fetch in wanted), return_exceptions=True)
    answered: list[tuple[str, dict[str, Any], Origin]] = []
    for (name, _), result in zip(wanted, results, strict=True):
        if isinstance(result, Unavailable):
            found.miss(NAMES[result.provider], result.reason, "marketCap", "volume24h")
        elif isinstance(result, BaseException):
            raise result
        else:
            answered.append((name, *result))
    if not answered:
        return
    _, used, origin = answered[0]
    found.put("price", used.get("price"), origin)
    found.put("marketCap", used.get("market_cap"), origin)
    found.put("volume24h", used.get("volume_24h"), origin)
    for field, key in DETAIL_FIELDS.items():
        if key in used:
            found.put(f"fundamentals.{field}", used[key], origin)
    if len(answered) > 1:
        for field, key in (("marketCap", "market_cap"), ("volume24h", "volume_24h")):
            found.conflicts.append(compare(field, [(o, p.get(key)) for _, p, o in answered]))


def compare(field: str, values: list[tuple[Origin, float | None]]) -> dict[str, Any]:
    """Which figure was used (the first) and the spread: (max - min) / used, when the figures were taken
    within a day of each other; otherwise no spread, and why."""
    known = [(o, v) for o, v in values if v is not None]
    out: dict[str, Any] = {
        "field": field,
        "used": values[0][0].source,
        "values": [{"source": o.source, "value": v, "asOf": o.out()["asOf"]} for o, v in values],
        "spread": None,
        "note": None,
    }
    if len(known) < 2 or values[0][1] in (None, 0):
        out["note"] = "only one source gave a figure"
        return out
    times = [o.as_of for o, _ in known]
    if max(times) - min(times) > COMPARABLE_SECONDS:
        days = (max(times) - min(times)) / 86400
        out["note"] = f"not compared: the figures were taken {days:,.0f} days apart"
        return out
    figures = [v for _, v in known]
    out["spread"] = (max(figures) - min(figures)) / float(values[0][1])
    return out
