"""CoinGecko API v3: market snapshots (`/coins/markets`, `/simple/price`) and OHLC candles for backfill."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Unpack

from pydantic import FiniteFloat, TypeAdapter

from app.core.marketdata import Candle, MarketStats
from app.integrations.http import ApiClient, HttpOptions, interval
from app.integrations.parsing import Shape, epoch, fraction, wall_time

if TYPE_CHECKING:
    from app.config import Settings

SOURCE = "coingecko"
KEYLESS_PER_MINUTE = 10.0  # the keyless tier varies (5-15 calls/min); Demo keys get the configured rate
PAGE_SIZE = 250  # the largest `per_page` /coins/markets accepts


class _CoinMarket(Shape):
    id: str
    current_price: FiniteFloat | None = None
    market_cap: FiniteFloat | None = None
    total_volume: FiniteFloat | None = None
    price_change_percentage_24h: FiniteFloat | None = None
    last_updated: datetime | None = None


class _CoinDetails(_CoinMarket):
    market_cap_rank: int | None = None
    fully_diluted_valuation: FiniteFloat | None = None
    circulating_supply: FiniteFloat | None = None
    total_supply: FiniteFloat | None = None
    max_supply: FiniteFloat | None = None


@dataclass(frozen=True, slots=True)
class CoinFundamentals:
    """One coin's market figures from `/coins/markets` (USD), stamped with CoinGecko's `last_updated`."""

    coin_id: str
    ts: float
    price: float | None
    market_cap: float | None
    volume_24h: float | None
    rank: int | None
    fully_diluted_valuation: float | None
    circulating_supply: float | None
    total_supply: float | None
    max_supply: float | None


class _SimplePrice(Shape):
    usd: FiniteFloat | None = None
    usd_market_cap: FiniteFloat | None = None
    usd_24h_vol: FiniteFloat | None = None
    usd_24h_change: FiniteFloat | None = None
    last_updated_at: int | None = None


_MARKETS = TypeAdapter(list[_CoinMarket])
_DETAILS = TypeAdapter(list[_CoinDetails])
_SIMPLE = TypeAdapter(dict[str, _SimplePrice])
_OHLC = TypeAdapter(list[tuple[int, FiniteFloat, FiniteFloat, FiniteFloat, FiniteFloat]])


def ohlc_granularity(days: int) -> int:
    """Seconds per candle that `/coins/{id}/ohlc` returns for `days` (chosen by CoinGecko, not by us):
    30 minutes for 1-2 days, 4 hours for 3-30 days, 4 days beyond.

    >>> ohlc_granularity(7)
    14400
    """
    return 1800 if days <= 2 else 14400 if days <= 30 else 4 * 86400


class CoinGeckoClient(ApiClient):
    """CoinGecko, keyless or with a Demo key (sent as `x-cg-demo-api-key`)."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        key = settings.coingecko_api_key
        rate = settings.coingecko_requests_per_minute
        super().__init__(
            settings.coingecko_api_url,
            settings,
            headers={"x-cg-demo-api-key": key} if key else None,
            min_interval=interval(rate if key else min(rate, KEYLESS_PER_MINUTE)),
            **options,
        )

    async def markets(self, symbols: Mapping[str, str]) -> list[MarketStats]:
        """USD snapshots of the coins in `symbols` (CoinGecko id -> canonical symbol); coins CoinGecko
        has no price for are left out."""
        ids = sorted(symbols)
        stats: list[MarketStats] = []
        for start in range(0, len(ids), PAGE_SIZE):
            params: dict[str, str | int] = {
                "vs_currency": "usd",
                "ids": ",".join(ids[start : start + PAGE_SIZE]),
                "per_page": PAGE_SIZE,
            }
            rows = await self.http.get_json("/coins/markets", _MARKETS, params=params)
            now = wall_time()
            stats += [
                MarketStats(
                    symbol=symbols[row.id],
                    source=SOURCE,
                    ts=epoch(row.last_updated) if row.last_updated else now,
                    price=row.current_price,
                    market_cap=row.market_cap,
                    volume_24h=row.total_volume,
                    change_24h=fraction(row.price_change_percentage_24h),
                )
                for row in rows
                if row.current_price is not None and row.id in symbols
            ]
        return stats

    async def simple_price(self, symbols: Mapping[str, str]) -> list[MarketStats]:
        """As `markets`, from the lighter `/simple/price` (ids -> canonical symbols)."""
        if not symbols:
            return []
        params = {
            "ids": ",".join(sorted(symbols)),
            "vs_currencies": "usd",
            **{
                f"include_{what}": "true"
                for what in ("market_cap", "24hr_vol", "24hr_change", "last_updated_at")
            },
        }
        body = await self.http.get_json("/simple/price", _SIMPLE, params=params)
        now = wall_time()
        return [
            MarketStats(
                symbol=symbols[coin],
                source=SOURCE,
                ts=float(quote.last_updated_at) if quote.last_updated_at else now,
                price=quote.usd,
                market_cap=quote.usd_market_cap,
                volume_24h=quote.usd_24h_vol,
                change_24h=fraction(quote.usd_24h_change),
            )
            for coin, quote in body.items()
            if quote.usd is not None and coin in symbols
        ]

    async def ohlc(self, coin_id: str, days: int) -> list[Candle]:
        """USD candles of the last `days` days at `ohlc_granularity(days)`, oldest first, volume 0 (the
        endpoint has none). CoinGecko stamps each candle with its *close* time; ours are open times."""
        rows = await self.http.get_json(
            f"/coins/{coin_id}/ohlc", _OHLC, params={"vs_currency": "usd", "days": days}
        )
        step = ohlc_granularity(days)
        return [Candle(ms // 1000 - step, o, h, low, c, 0.0) for ms, o, h, low, c in rows]

    async def fundamentals(self, coin_id: str) -> CoinFundamentals | None:
        """Market cap, volume, supply and rank of one coin (None: CoinGecko does not list it)."""
        params: dict[str, str | int] = {"vs_currency": "usd", "ids": coin_id, "per_page": 1}
        rows = await self.http.get_json("/coins/markets", _DETAILS, params=params)
        row = next((r for r in rows if r.id == coin_id), None)
        if row is None:
            return None
        return CoinFundamentals(
            coin_id=row.id,
            ts=epoch(row.last_updated) if row.last_updated else wall_time(),
            price=row.current_price,
            market_cap=row.market_cap,
            volume_24h=row.total_volume,
            rank=row.market_cap_rank,
            fully_diluted_valuation=row.fully_diluted_valuation,
            circulating_supply=row.circulating_supply,
            total_supply=row.total_supply,
            max_supply=row.max_supply,
        )
