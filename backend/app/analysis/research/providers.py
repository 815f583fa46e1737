"""The providers as the research sees them: live clients or the bundled snapshots, behind a TTL cache."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import httpx

from app.analysis.research.provenance import Origin
from app.analysis.research.snapshots import SNAPSHOT_ORIGIN, SnapshotTransport, recorded, recorded_at
from app.core.clock import utcnow
from app.integrations.budget import Provider as BudgetProvider
from app.integrations.budget import budget_for
from app.integrations.coingecko import CoinGeckoClient
from app.integrations.coinmarketcap import CoinMarketCapClient
from app.integrations.defillama import DefiLlamaClient
from app.integrations.esplora import EsploraClient
from app.integrations.etherscan import EtherscanClient
from app.integrations.feargreed import FearGreedClient
from app.integrations.http import ApiClient, HttpError, HttpOptions
from app.integrations.reddit import RedditClient
from app.integrations.rss import NewsFeeds
from app.integrations.x import XClient

if TYPE_CHECKING:
    from app.config import Settings
    from app.core.cache import Cache

log = logging.getLogger(__name__)
T = TypeVar("T")

# Seconds a provider's answer is reused: how fast each figure really moves, against each free tier's budget.
TTL: Final = {
    "coingecko": 60,
    "coinmarketcap": 300,
    "etherscan": 60,
    "esplora": 60,
    "defillama": 600,
    "feargreed": 3600,
    "reddit": 300,
    "rss": 600,
    "x": 300,
}
# The display name of each provider in `sources` and `unavailable`.
NAMES: Final = {
    "coingecko": "CoinGecko",
    "coinmarketcap": "CoinMarketCap",
    "etherscan": "Etherscan",
    "esplora": "Esplora",
    "defillama": "DeFiLlama",
    "feargreed": "alternative.me",
    "reddit": "Reddit",
    "rss": "RSS",
    "x": "X",
}
_URL_SETTING: Final = {
    "coingecko": "coingecko_api_url",
    "coinmarketcap": "coinmarketcap_api_url",
    "etherscan": "etherscan_api_url",
    "esplora": "esplora_api_url",
    "defillama": "defillama_api_url",
    "feargreed": "feargreed_api_url",
    "reddit": "reddit_api_url",
    "x": "x_api_url",
}
_CLIENTS: Final[dict[str, Callable[..., ApiClient]]] = {
    "coingecko": CoinGeckoClient,
    "coinmarketcap": CoinMarketCapClient,
    "etherscan": EtherscanClient,
    "esplora": EsploraClient,
    "defillama": DefiLlamaClient,
    "feargreed": FearGreedClient,
    "reddit": RedditClient,
    "x": XClient,
}
# Snapshots are read without a key; the clients still refuse to be built without one.
_SNAPSHOT_KEYS: Final = {"coinmarketcap_api_key": "snapshot", "etherscan_api_key": "snapshot"}


class Unavailable(Exception):
    """A provider gave nothing: `reason` says why, in words a user can act on."""

    def __init__(self, provider: str, reason: str) -> None:
        super().__init__(reason)
        self.provider = provider
        self.reason = reason


async def _no_wait(_: float) -> None:
    return None


class Providers:
    """Opens each provider's client for one analysis, live (`research_live`) or on the bundled snapshots,
    and keeps every answer in the cache for the provider's TTL."""

    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        *,
        seams: dict[str, HttpOptions] | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.live = settings.research_live
        self.seams = seams or {}  # per provider: a transport and sleep instead of the network (tests)

    @property
    def mode(self) -> str:
        return "live" if self.live else "snapshot"

    def _options(self, provider: str) -> HttpOptions:
        if self.live:
            budget = budget_for(cast(BudgetProvider, provider), self.settings, self.cache)
            return {"budget": budget, **self.seams.get(provider, {})}
        if not recorded(provider):
            raise Unavailable(provider, f"offline: no {NAMES[provider]} snapshot is bundled")
        return {"transport": SnapshotTransport(provider), "sleep": _no_wait}

    def _settings(self, provider: str) -> Settings:
        if self.live:
            return self.settings
        update: dict[str, Any] = dict(_SNAPSHOT_KEYS)
        if provider in _URL_SETTING:
            update[_URL_SETTING[provider]] = SNAPSHOT_ORIGIN
        return self.settings.model_copy(update=update)

    def client(self, provider: str) -> ApiClient:
        options = self._options(provider)
        try:
            return _CLIENTS[provider](self._settings(provider), **options)
        except ValueError as exc:  # a key or token that is not configured
            raise Unavailable(provider, str(exc)) from exc

    def feeds(self) -> NewsFeeds:
        options = self._options("rss")
        urls = None if self.live else [r.url for r in recorded("rss") if r.url]
        return NewsFeeds(self.settings, urls, **options)

    async def fetch(
        self,
        provider: str,
        key: str,
        call: Callable[[], Awaitable[tuple[T, float | None]]],
    ) -> tuple[T, Origin]:
        """`call()` gives (JSON-able payload, the provider's own as-of time or None); cached per mode.
        Unavailable when the provider is down, refuses, or answers garbage."""
        cache_key = f"research:{self.mode}:{provider}:{key}"
        held = await self.cache.get(cache_key)
        if held is not None:
            return held["payload"], self._origin(provider, held["asOf"]).as_cached()
        try:
            payload, as_of = await call()
        except Unavailable:
            raise
        except (TimeoutError, HttpError, ValueError, httpx.HTTPError) as exc:
            # ValueError: MalformedMessage, and provider errors in 200 bodies
            log.warning("research: %s failed: %s", provider, exc)
            raise Unavailable(provider, f"{NAMES[provider]} did not answer: {_short(exc)}") from exc
        stamp = as_of if as_of is not None else self._fetched_at(provider)
        await self.cache.set(cache_key, {"payload": payload, "asOf": stamp}, ttl=TTL[provider])
        return payload, self._origin(provider, stamp)

    def _fetched_at(self, provider: str) -> float:
        if self.live:
            return utcnow().timestamp()
        return recorded_at(provider) or utcnow().timestamp()

    def _origin(self, provider: str, as_of: float) -> Origin:
        return Origin(NAMES[provider], as_of, snapshot=not self.live)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
