"""CoinGecko market snapshots (price, market cap, 24h volume and change), polled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.core.marketdata import MarketStats
from app.integrations import coingecko
from app.integrations.coingecko import CoinGeckoClient
from app.market.sources import register
from app.market.sources.polling import PollingSource

if TYPE_CHECKING:
    from app.config import Settings
    from app.market.symbols import Asset


def _ids(assets: Sequence[Asset]) -> dict[str, str]:
    return {asset.coingecko_id: asset.symbol for asset in assets if asset.coingecko_id}


class CoinGeckoSource(PollingSource[CoinGeckoClient]):
    """One `/coins/markets` call per poll covers up to 250 assets."""

    name = coingecko.SOURCE

    @property
    def interval(self) -> float:
        return self.settings.coingecko_poll_seconds

    def disabled_reason(self, assets: Sequence[Asset]) -> str | None:
        return None if _ids(assets) else "no assets have a CoinGecko id"

    def open_client(self) -> CoinGeckoClient:
        return CoinGeckoClient(self.settings, **self.http_options)

    async def fetch(self, client: CoinGeckoClient, assets: Sequence[Asset]) -> list[MarketStats]:
        return await client.markets(_ids(assets))


@register("coingecko")
def create(settings: Settings) -> CoinGeckoSource:
    return CoinGeckoSource(settings)
