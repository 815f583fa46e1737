"""DeFiLlama TVL API (keyless): protocols, chains and the daily history of chain TVL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Unpack
from urllib.parse import quote

from pydantic import Field, FiniteFloat, TypeAdapter

from app.integrations.http import ApiClient, HttpOptions, interval
from app.integrations.parsing import Shape

if TYPE_CHECKING:
    from app.config import Settings

SOURCE = "defillama"

_Usd = Annotated[FiniteFloat, Field(ge=0)]


@dataclass(frozen=True, slots=True)
class Protocol:
    """A protocol as listed on DeFiLlama; `chain` is its home chain or "Multi-Chain", `tvl` in USD."""

    name: str
    slug: str
    symbol: str | None
    chain: str | None
    chains: list[str]
    category: str | None
    tvl: float | None
    gecko_id: str | None


@dataclass(frozen=True, slots=True)
class Chain:
    """A chain and the USD value locked in its DeFi protocols now."""

    name: str
    tvl: float
    token_symbol: str | None
    gecko_id: str | None
    chain_id: int | None


@dataclass(frozen=True, slots=True)
class TvlPoint:
    """DeFi TVL in USD on one day (`ts` epoch seconds)."""

    ts: int
    tvl: float


class _Protocol(Shape):
    name: str
    slug: str | None = None
    symbol: str | None = None
    chain: str | None = None
    chains: list[str] = []
    category: str | None = None
    tvl: _Usd | None = None
    gecko_id: str | None = None


class _Chain(Shape):
    name: str
    tvl: _Usd
    token_symbol: str | None = Field(default=None, alias="tokenSymbol")
    gecko_id: str | None = None
    chain_id: int | None = Field(default=None, alias="chainId")


class _Point(Shape):
    date: int
    tvl: _Usd


_PROTOCOLS = TypeAdapter(list[_Protocol])
_CHAINS = TypeAdapter(list[_Chain])
_HISTORY = TypeAdapter(list[_Point])


def slug_of(name: str) -> str:
    """The slug DeFiLlama derives from a protocol name (its server's `sluggifyString`), for rows without one.

    >>> slug_of("Uniswap V3")
    'uniswap-v3'
    """
    return name.lower().replace(" ", "-").replace("'", "")


class DefiLlamaClient(ApiClient):
    """DeFiLlama's free API, keyless."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        # The free API publishes no rate limit; TVL moves slowly, so the default is one call a second.
        rate = interval(settings.defillama_requests_per_minute)
        super().__init__(settings.defillama_api_url, settings, min_interval=rate, **options)

    async def protocols(self) -> list[Protocol]:
        """Every listed protocol with its current TVL, in the API's order."""
        rows = await self.http.get_json("/protocols", _PROTOCOLS)
        return [
            Protocol(
                name=row.name,
                slug=row.slug or slug_of(row.name),
                # "-" is how DeFiLlama lists a protocol without a token.
                symbol=row.symbol if row.symbol not in (None, "", "-") else None,
                chain=row.chain,
                chains=list(row.chains),
                category=row.category,
                tvl=row.tvl,
                gecko_id=row.gecko_id,
            )
            for row in rows
        ]

    async def chains(self) -> list[Chain]:
        """Every chain with its current DeFi TVL, in the API's order."""
        rows = await self.http.get_json("/v2/chains", _CHAINS)
        return [Chain(row.name, row.tvl, row.token_symbol, row.gecko_id, row.chain_id) for row in rows]

    async def chain_tvl_history(self, chain: str | None = None) -> list[TvlPoint]:
        """Daily DeFi TVL of `chain` (a name from `chains()`, e.g. "Ethereum"), or of all chains together
        when None, in the API's order (oldest first). DeFiLlama leaves out liquid staking and double-counted
        TVL here."""
        if chain == "":
            raise ValueError("chain must be a chain name or None (all chains)")
        path = (
            "/v2/historicalChainTvl" if chain is None else f"/v2/historicalChainTvl/{quote(chain, safe='')}"
        )
        rows = await self.http.get_json(path, _HISTORY)
        return [TvlPoint(row.date, row.tvl) for row in rows]
