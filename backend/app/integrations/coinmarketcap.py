"""CoinMarketCap Pro API: latest USD quotes (`/v1/cryptocurrency/quotes/latest`) as market snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Unpack

from pydantic import FiniteFloat, TypeAdapter

from app.core.marketdata import MarketStats
from app.integrations.budget import per_hundred
from app.integrations.http import ApiClient, HttpError, HttpOptions, interval
from app.integrations.parsing import Shape, epoch, fraction

if TYPE_CHECKING:
    from app.config import Settings

SOURCE = "coinmarketcap"


class _Quote(Shape):
    price: FiniteFloat | None = None
    volume_24h: FiniteFloat | None = None
    percent_change_24h: FiniteFloat | None = None
    market_cap: FiniteFloat | None = None
    last_updated: datetime | None = None


class _Coin(Shape):
    id: int
    symbol: str
    quote: dict[str, _Quote]
    last_updated: datetime | None = None


class _Status(Shape):
    timestamp: datetime
    error_code: int
    error_message: str | None = None


class _Quotes(Shape):
    status: _Status
    data: dict[str, _Coin] = {}


_QUOTES = TypeAdapter(_Quotes)


class CoinMarketCapClient(ApiClient):
    """CoinMarketCap with a Pro API key (every plan, the free Basic one included, needs a key)."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        if not settings.coinmarketcap_api_key:
            raise ValueError("CoinMarketCap needs an API key (CRYPTOMON_COINMARKETCAP_API_KEY)")
        super().__init__(
            settings.coinmarketcap_api_url,
            settings,
            headers={"X-CMC_PRO_API_KEY": settings.coinmarketcap_api_key, "Accept": "application/json"},
            min_interval=interval(settings.coinmarketcap_requests_per_minute),
            **options,
        )

    async def quotes(self, symbols: Mapping[int, str]) -> list[MarketStats]:
        """USD snapshots of the coins in `symbols` (CoinMarketCap id -> canonical symbol). Ids CMC does not
        know are skipped rather than failing the whole request."""
        if not symbols:
            return []
        params = {"id": ",".join(str(i) for i in sorted(symbols)), "convert": "USD", "skip_invalid": "true"}
        body = await self.http.get_json(
            "/v1/cryptocurrency/quotes/latest", _QUOTES, params=params, credits=per_hundred(len(symbols))
        )
        if body.status.error_code:
            raise HttpError(f"CoinMarketCap error {body.status.error_code}: {body.status.error_message}")
        fallback = epoch(body.status.timestamp)
        stats: list[MarketStats] = []
        for coin in body.data.values():
            usd = coin.quote.get("USD")
            if coin.id not in symbols or usd is None or usd.price is None:
                continue
            stamped = usd.last_updated or coin.last_updated
            stats.append(
                MarketStats(
                    symbol=symbols[coin.id],
                    source=SOURCE,
                    ts=epoch(stamped) if stamped else fallback,
                    price=usd.price,
                    market_cap=usd.market_cap,
                    volume_24h=usd.volume_24h,
                    change_24h=fraction(usd.percent_change_24h),
                )
            )
        return stats
