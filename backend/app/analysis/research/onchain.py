"""On-chain figures: large transfers of the labelled exchange wallets (whales and exchange flows), DeFi TVL,
gas, and active addresses where a configured provider has them."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from app.analysis.research.provenance import Findings, Origin
from app.analysis.research.providers import NAMES, Providers, Unavailable
from app.integrations.defillama import DefiLlamaClient
from app.integrations.esplora import EXPLORER_TX as MEMPOOL_TX
from app.integrations.esplora import BtcTransaction, EsploraClient
from app.integrations.etherscan import EtherscanClient

if TYPE_CHECKING:
    from app.market.service import Asset

LABELS_FILE = Path(__file__).parent / "exchange_addresses.json"
Chain = Literal["ethereum", "bitcoin"]
CHAIN_OF_BASE: dict[str, Chain] = {"ETH": "ethereum", "BTC": "bitcoin"}
ACTIVE_ADDRESSES_REASON = (
    "no configured provider publishes daily active addresses (Etherscan's is a paid API Pro endpoint; "
    "Esplora has none)"
)
# Transfers read per labelled wallet: the newest page; older ones fall outside most timeframes anyway.
PAGE = 100


@cache
def exchange_labels(extra: str | None = None) -> dict[Chain, dict[str, str]]:
    """Address -> exchange label per chain (Ethereum addresses lower-case), the bundled list plus a user's."""
    raw = json.loads(LABELS_FILE.read_text())
    labels: dict[Chain, dict[str, str]] = {"ethereum": {}, "bitcoin": {}}
    for source in (raw, json.loads(Path(extra).read_text()) if extra else {}):
        for chain in ("ethereum", "bitcoin"):
            for address, label in source.get(chain, {}).items():
                labels[chain][address.lower() if chain == "ethereum" else address] = label
    return labels


@cache
def erc20_contracts() -> dict[str, str]:
    """Token symbol -> its Ethereum mainnet contract, for the ERC-20 whale transfers."""
    contracts: dict[str, str] = json.loads(LABELS_FILE.read_text()).get("erc20", {})
    return contracts


def chain_of(asset: Asset) -> tuple[Chain, str | None] | None:
    """Where the asset's transfers are followed: (chain, its ERC-20 contract or None); None: not followed."""
    if asset.base in CHAIN_OF_BASE:
        return CHAIN_OF_BASE[asset.base], None
    contract = erc20_contracts().get(asset.base)
    return ("ethereum", contract) if contract else None


@dataclass(frozen=True, slots=True)
class Movement:
    hash: str
    ts: int
    from_: str | None
    to: str | None
    amount: Decimal
    explorer_url: str


def _direction(labels: dict[str, str], sender: str | None, receiver: str | None) -> str:
    into, out_of = receiver in labels, sender in labels
    if into and not out_of:
        return "TO_EXCHANGE"
    if out_of and not into:
        return "FROM_EXCHANGE"
    return "BETWEEN_EXCHANGES" if into else "OTHER"


def _btc_movements(tx: BtcTransaction, wallet: str) -> Movement:
    """Seen from one labelled wallet: what it received (outputs to it) or sent (everything else out)."""
    spent = sum((i.value for i in tx.inputs if i.address == wallet), Decimal(0))
    received = sum((o.value for o in tx.outputs if o.address == wallet), Decimal(0))
    if spent > received:  # the wallet paid out: the outputs to other addresses
        others = [o for o in tx.outputs if o.address != wallet]
        amount = sum((o.value for o in others), Decimal(0))
        to = max(others, key=lambda o: o.value).address if others else None
        return Movement(tx.txid, tx.block_time or 0, wallet, to, amount, MEMPOOL_TX + tx.txid)
    sender = max(tx.inputs, key=lambda i: i.value).address if tx.inputs else None
    return Movement(tx.txid, tx.block_time or 0, sender, wallet, received, MEMPOOL_TX + tx.txid)


async def _movements(
    providers: Providers, chain: Chain, wallet: str, contract: str | None
) -> tuple[list[dict[str, Any]], Origin]:
    provider = "etherscan" if chain == "ethereum" else "esplora"

    async def call() -> tuple[list[dict[str, Any]], float | None]:
        async with providers.client(provider) as client:
            if isinstance(client, EtherscanClient) and contract is not None:
                transfers = await client.token_transfers(wallet, contract, offset=PAGE)
                moves = [
                    Movement(t.hash, t.ts, t.from_.lower(), t.to.lower(), t.value, t.explorer_url)
                    for t in transfers
                    if t.value > 0
                ]
            elif isinstance(client, EtherscanClient):
                txs = await client.transactions(wallet, offset=PAGE)
                moves = [
                    Movement(
                        t.hash, t.ts, t.from_.lower(), (t.to or "").lower() or None, t.value, t.explorer_url
                    )
                    for t in txs
                    if not t.failed and t.value > 0
                ]
            else:
                assert isinstance(client, EsploraClient)
                moves = [_btc_movements(t, wallet) for t in await client.address_txs(wallet) if t.confirmed]
        return [
            {
                "hash": m.hash,
                "ts": m.ts,
                "from": m.from_,
                "to": m.to,
                "amount": str(m.amount),
                "url": m.explorer_url,
            }
            for m in moves
        ], None

    return await providers.fetch(provider, f"wallet:{wallet}:{contract or chain}", call)


async def whales(
    providers: Providers,
    asset: Asset,
    price: float | None,
    start: float,
    end: float,
    extra_labels: str | None,
) -> tuple[list[dict[str, Any]], Origin | None, list[Unavailable]]:
    """Transfers of at least `whale_threshold_usd` (at `price`) to or from the labelled exchange wallets
    between `start` and `end`, newest first, de-duplicated by hash."""
    followed = chain_of(asset)
    if followed is None:
        raise Unavailable(
            "etherscan",
            f"whale movements are followed for BTC, ETH and listed ERC-20 tokens, not {asset.base}",
        )
    chain, contract = followed
    provider = "etherscan" if chain == "ethereum" else "esplora"
    if not price:
        raise Unavailable(provider, "no price to value transfers in USD")
    labels = exchange_labels(extra_labels)[chain]
    results = await asyncio.gather(
        *(_movements(providers, chain, wallet, contract) for wallet in labels), return_exceptions=True
    )
    threshold = Decimal(str(providers.settings.whale_threshold_usd))
    failures = [r for r in results if isinstance(r, Unavailable)]
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, Unavailable):
            raise r
    answered = [r for r in results if not isinstance(r, BaseException)]
    if not answered:
        raise failures[0] if failures else Unavailable(provider, "no labelled wallets")
    seen: dict[str, dict[str, Any]] = {}
    for moves, _ in answered:
        for m in moves:
            usd = Decimal(m["amount"]) * Decimal(str(price))
            if start <= m["ts"] <= end and usd >= threshold and m["hash"] not in seen:
                seen[m["hash"]] = {
                    "hash": m["hash"],
                    "time": m["ts"],
                    "from": m["from"],
                    "to": m["to"],
                    "fromLabel": labels.get(m["from"] or ""),
                    "toLabel": labels.get(m["to"] or ""),
                    "amount": Decimal(m["amount"]),
                    "asset": asset.base,
                    "usdValue": usd.quantize(Decimal("0.01")),
                    "direction": _direction(labels, m["from"], m["to"]),
                    "explorerUrl": m["url"],
                }
    oldest = min((o for _, o in answered), key=lambda o: o.as_of)
    return sorted(seen.values(), key=lambda w: w["time"], reverse=True), oldest, failures


def flows(movements: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    """USD into and out of the labelled exchange wallets (transfers between exchanges count as neither)."""
    inflow = sum((w["usdValue"] for w in movements if w["direction"] == "TO_EXCHANGE"), Decimal(0))
    outflow = sum((w["usdValue"] for w in movements if w["direction"] == "FROM_EXCHANGE"), Decimal(0))
    return inflow, outflow


async def chain_tvl(providers: Providers, asset: Asset, start: float) -> tuple[dict[str, Any], Origin]:
    """The chain's DeFi TVL for an L1's token, else the protocol's TVL for a protocol's token, matched by
    CoinGecko id; with the chain's daily history since `start` when it is a chain."""
    gecko = asset.coingecko_id
    if not gecko:
        raise Unavailable("defillama", f"{asset.symbol} has no CoinGecko id to match on DeFiLlama")

    async def call() -> tuple[dict[str, Any], float | None]:
        async with providers.client("defillama") as client:
            assert isinstance(client, DefiLlamaClient)
            chain = next((c for c in await client.chains() if c.gecko_id == gecko), None)
            if chain is not None:
                history = await client.chain_tvl_history(chain.name)
                points = [[p.ts, p.tvl] for p in history]
                return {"kind": "chain", "name": chain.name, "tvl": chain.tvl, "history": points}, None
            protocol = next((p for p in await client.protocols() if p.gecko_id == gecko), None)
            if protocol is None or protocol.tvl is None:
                raise Unavailable("defillama", f"DeFiLlama lists no chain or protocol for {gecko}")
            return {"kind": "protocol", "name": protocol.name, "tvl": protocol.tvl, "history": []}, None

    payload, origin = await providers.fetch("defillama", f"tvl:{gecko}", call)
    history = [p for p in payload["history"] if p[0] >= start]
    return {**payload, "history": history}, origin


async def gas(providers: Providers) -> tuple[dict[str, Any], Origin]:
    async def call() -> tuple[dict[str, Any], float | None]:
        async with providers.client("etherscan") as client:
            assert isinstance(client, EtherscanClient)
            oracle = await client.gas_oracle()
        return {
            "safeGwei": str(oracle.safe),
            "proposeGwei": str(oracle.propose),
            "fastGwei": str(oracle.fast),
            "baseFeeGwei": str(oracle.base_fee),
            "lastBlock": oracle.last_block,
        }, None

    return await providers.fetch("etherscan", "gas", call)


async def gather(
    providers: Providers,
    asset: Asset,
    sources: set[str],
    start: float,
    end: float,
    found: Findings,
    *,
    tvl: bool = True,
) -> None:
    """Puts onChainMetrics.* into `found`: whale count and list, exchange flows, TVL, gas, active addresses.
    ETHERSCAN or ESPLORA in `sources` asks the asset's block explorer; TVL has one provider (DeFiLlama)."""
    settings = providers.settings
    found.values["onChainMetrics.activeAddresses"] = None
    found.miss("no provider", ACTIVE_ADDRESSES_REASON, "onChainMetrics.activeAddresses")
    followed = chain_of(asset)
    jobs: dict[str, Any] = {}
    if sources & {"ETHERSCAN", "ESPLORA"}:
        jobs["whales"] = whales(
            providers, asset, found.get("price"), start, end, settings.exchange_addresses_file
        )
    if tvl:
        jobs["tvl"] = chain_tvl(providers, asset, start)
    if followed is not None and followed[0] == "ethereum" and "ETHERSCAN" in sources:
        jobs["gas"] = gas(providers)
    elif followed is None or followed[0] != "ethereum":
        found.miss(
            "Etherscan", f"gas is Ethereum's fee market: not reported for {asset.base}", "onChainMetrics.gas"
        )
    results = dict(zip(jobs, await asyncio.gather(*jobs.values(), return_exceptions=True), strict=True))
    for name, result in results.items():
        if isinstance(result, Unavailable):
            fields = [f"onChainMetrics.{f}" for f in _FIELDS[name]]
            found.miss(NAMES[result.provider], result.reason, *fields)
            for field in fields[:1]:  # the figure itself is null; its list and flows stay empty/absent
                found.values.setdefault(field, None)
        elif isinstance(result, BaseException):
            raise result
    if "whales" in results and not isinstance(results["whales"], BaseException):
        movements, origin, failures = results["whales"]
        for failure in failures[:1]:
            found.miss(NAMES[failure.provider], f"some wallets were not read: {failure.reason}")
        inflow, outflow = flows(movements)
        found.put("onChainMetrics.whaleMovements", len(movements), origin)
        found.put("onChainMetrics.whales", movements, origin)
        found.put("onChainMetrics.exchangeInflowUsd", inflow, origin)
        found.put("onChainMetrics.exchangeOutflowUsd", outflow, origin)
    if "tvl" in results and not isinstance(results["tvl"], BaseException):
        payload, origin = results["tvl"]
        found.put("onChainMetrics.tvl", payload["tvl"], origin)
        found.put("onChainMetrics.tvlOf", {"kind": payload["kind"], "name": payload["name"]}, origin)
        history = [{"time": ts, "tvl": value} for ts, value in payload["history"]]
        found.put("onChainMetrics.tvlHistory", history, origin)
    if "gas" in results and not isinstance(results["gas"], BaseException):
        payload, origin = results["gas"]
        found.put("onChainMetrics.gas", payload, origin)


_FIELDS = {
    "whales": ("whaleMovements", "whales", "exchangeInflowUsd", "exchangeOutflowUsd"),
    "tvl": ("tvl", "tvlHistory"),
    "gas": ("gas",),
}
