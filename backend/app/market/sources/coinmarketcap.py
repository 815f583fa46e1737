"""CoinMarketCap latest quotes (price, market cap, 24h volume and change), polled; needs an API key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.core.marketdata import MarketStats
from app.integrations import coinmarketcap
from app.integrations.coinmarketcap import CoinMarketCapClient
from app.market.sources import register
from app.market.sources.polling import PollingSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset


def _ids(assets: Sequence[Asset]) -> dict[int, str]:
    return {asset.coinmarketcap_id: asset.symbol for asset in assets if asset.coinmarketcap_id}


class CoinMarketCapSource(PollingSource[CoinMarketCapClient]):
    """One quotes call per poll for every asset (credits are counted per 100 ids)."""

    name = coinmarketcap.SOURCE

    @property
    def interval(self) -> float:
        return self.settings.coinmarketcap_poll_seconds

    def disabled_reason(self, assets: Sequence[Asset]) -> str | None:
        if not self.settings.coinmarketcap_api_key:
            return "disabled: no API key (set CRYPTOMON_COINMARKETCAP_API_KEY)"
        return None if _ids(assets) else "no assets have a CoinMarketCap id"

    def open_client(self) -> CoinMarketCapClient:
        return CoinMarketCapClient(self.settings, **self.http_options)

    async def fetch(self, client: CoinMarketCapClient, assets: Sequence[Asset]) -> list[MarketStats]:
        return await client.quotes(_ids(assets))


@register("coinmarketcap")
def create(settings: Settings) -> CoinMarketCapSource:
    return CoinMarketCapSource(settings)
