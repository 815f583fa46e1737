"""The research parts against recorded provider responses (live mode over a mock transport): market figures
and their spread, whale transfers of labelled wallets, TVL, posts and Fear & Greed, failures, the cache."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.analysis.research import fundamentals, onchain, social
from app.analysis.research.provenance import Findings, Origin
from app.analysis.research.providers import Providers
from app.core.cache.memory import MemoryCache
from app.core.clock import FrozenClock
from app.integrations.http import HttpOptions
from app.market.symbols import BUILTIN_ASSETS
from tests.integrations.support import FakeSleep, Routes, body, fixture_text, make_settings, status

BUILTINS = {asset.symbol: asset for asset in BUILTIN_ASSETS}
BTC, ETH = BUILTINS["BTC-USD"], BUILTINS["ETH-USD"]
ETH_WALLET = "0xddbd2b932c763ba5b1b7ae3b362eac3e8d40121a"  # the address of the recorded txlist
BTC_WALLET = "bc1qvhykeqcpdzu0pdvy99xnh9ckhwzcfskct6h6l2"  # the address of the recorded Esplora txs


def etherscan(request: httpx.Request) -> httpx.Response:
    action = request.url.params.get("action")
    name = {
        "txlist": "account_txlist.json",
        "tokentx": "account_tokentx.json",
        "gasoracle": "gastracker_gasoracle.json",
    }[action]
    return httpx.Response(200, content=fixture_text("etherscan", name))


def recorded_routes() -> dict[str, HttpOptions]:
    routes = {
        "coingecko": Routes().add(
            "/api/v3/coins/markets", body(fixture_text("coingecko", "coins_markets_usd_top100.json"))
        ),
        "coinmarketcap": Routes().add(
            "/v1/cryptocurrency/quotes/latest",
            body(fixture_text("coinmarketcap", "v1_cryptocurrency_quotes_latest.json")),
        ),
        "etherscan": Routes().add("/v2/api", etherscan),
        "esplora": Routes().add(
            f"/api/address/{BTC_WALLET}/txs",
            body(fixture_text("esplora", "mempool_space_address_bc1qvhyk_txs.json")),
        ),
        "defillama": Routes()
        .add("/v2/chains", body(fixture_text("defillama", "v2_chains_docs_example.json")))
        .add(
            "/v2/historicalChainTvl/Ethereum",
            body(fixture_text("defillama", "v2_historicalChainTvl_chain_docs_example.json")),
        )
        .add("/protocols", body(fixture_text("defillama", "protocols_docs_example.json"))),
        "feargreed": Routes().add("/fng/", body(fixture_text("alternative_me", "fng_limit365.json"))),
        "reddit": Routes().add(
            "/r/CryptoCurrency/search.json", body(fixture_text("reddit", "r_popular_hot_limit100.json"))
        ),
        "rss": Routes().add(
            "/arc/outboundfeeds/rss", body(fixture_text("rss", "coindesk_arc_outboundfeeds_rss.xml"))
        ),
        "x": Routes().add(
            "/2/tweets/search/recent",
            body(fixture_text("x", "v2_tweets_search_recent_market_max30_2025-12-08.json")),
        ),
    }
    return {name: {"transport": r.transport(), "sleep": FakeSleep()} for name, r in routes.items()}


@pytest.fixture
def labels(tmp_path: Path) -> str:
    path = tmp_path / "labels.json"
    path.write_text(
        json.dumps({"ethereum": {ETH_WALLET: "Test Exchange"}, "bitcoin": {BTC_WALLET: "Test BTC Exchange"}})
    )
    return str(path)


def live(labels: str, **overrides: Any) -> Providers:
    settings = make_settings(
        **{
            "research_live": True,
            "etherscan_api_key": "key",
            "coinmarketcap_api_key": "key",
            "exchange_addresses_file": labels,
            "whale_threshold_usd": 1000.0,
            **overrides,
        }
    )
    return Providers(settings, MemoryCache(), seams=recorded_routes())


async def test_market_figures_from_coingecko_with_the_spread_against_coinmarketcap(labels: str) -> None:
    found = Findings()
    await fundamentals.gather(live(labels), BTC, {"COINGECKO", "COINMARKETCAP"}, found)
    assert found.get("marketCap") == 544217319000.0  # the recorded /coins/markets row of bitcoin
    assert found.get("fundamentals.rank") == 1 and found.get("fundamentals.maxSupply") == 21000000.0
    origin = found.sources["marketCap"]
    assert origin.source == "CoinGecko" and not origin.snapshot and not origin.cached
    assert datetime.fromtimestamp(origin.as_of, UTC).date().isoformat() == "2023-10-08"
    [cap, _] = found.conflicts
    assert cap["used"] == "CoinGecko" and cap["spread"] is None and "days apart" in cap["note"]


def test_spread_is_max_minus_min_over_the_figure_used() -> None:
    a, b = Origin("CoinGecko", 1000.0), Origin("CoinMarketCap", 1500.0)
    out = fundamentals.compare("marketCap", [(a, 100.0), (b, 104.0)])
    assert out["spread"] == pytest.approx(0.04) and out["used"] == "CoinGecko"
    late = fundamentals.compare(
        "marketCap", [(a, 100.0), (Origin("CoinMarketCap", 1000.0 + 2 * 86400), 104.0)]
    )
    assert late["spread"] is None and late["note"] == "not compared: the figures were taken 2 days apart"


async def test_a_provider_that_fails_is_listed_unavailable_and_the_other_is_used(labels: str) -> None:
    providers = live(labels)
    providers.seams["coingecko"] = {
        "transport": Routes().add("/api/v3/coins/markets", status(503)).transport(),
        "sleep": FakeSleep(),
    }
    found = Findings()
    await fundamentals.gather(providers, BTC, {"COINGECKO", "COINMARKETCAP"}, found)
    assert found.sources["marketCap"].source == "CoinMarketCap"
    assert found.get("marketCap") == pytest.approx(60886038568.19836)
    [missing] = found.unavailable
    assert missing.source == "CoinGecko" and "503" in missing.reason


async def test_whale_transfers_of_labelled_wallets_in_the_timeframe(labels: str, clock: FrozenClock) -> None:
    clock.set(datetime(2015, 8, 10, tzinfo=UTC))  # the recorded transfers are of 2015-07-30 and 2015-08-07
    end = clock.now().timestamp()
    moves, origin, failures = await onchain.whales(live(labels), ETH, 2000.0, end - 30 * 86400, end, labels)
    assert failures == [] and origin is not None and origin.source == "Etherscan"
    # Both recorded rows carry the same hash: one movement.
    [move] = moves
    assert move["amount"] == 10000 and move["usdValue"] == 20_000_000
    assert move["direction"] == "BETWEEN_EXCHANGES" and move["fromLabel"] == "Test Exchange"
    assert move["explorerUrl"].startswith("https://etherscan.io/tx/0xad1c27dd")
    none_yet = await onchain.whales(live(labels), ETH, 2000.0, end - 86400, end, labels)
    assert none_yet[0] == []  # a day's window holds neither


async def test_erc20_whales_read_the_tokens_transfers_of_the_labelled_wallets(
    tmp_path: Path, clock: FrozenClock
) -> None:
    receiver = "0x4e83362442b8d1bec281594cea3050c8eb01311c"  # of the recorded tokentx (MKR, 2017-12)
    labels = tmp_path / "erc20.json"
    labels.write_text(json.dumps({"ethereum": {receiver: "Token Desk"}}))
    clock.set(datetime(2017, 12, 21, tzinfo=UTC))
    end = clock.now().timestamp()
    providers = live(str(labels))
    explorer = Routes().add("/v2/api", etherscan)
    providers.seams["etherscan"] = {"transport": explorer.transport(), "sleep": FakeSleep()}
    link = BUILTINS["LINK-USD"]
    moves, _, _ = await onchain.whales(providers, link, 1000.0, end - 30 * 86400, end, str(labels))
    assert moves and moves[0]["direction"] == "TO_EXCHANGE" and moves[0]["toLabel"] == "Token Desk"
    assert moves[0]["asset"] == "LINK" and moves[0]["usdValue"] >= 1_000_000
    assert {r.url.params["contractaddress"] for r in explorer.requests} == {onchain.erc20_contracts()["LINK"]}


async def test_bitcoin_flows_are_seen_from_the_labelled_wallet(labels: str) -> None:
    moves, _, _ = await onchain.whales(live(labels, whale_threshold_usd=1.0), BTC, 100_000.0, 0, 4e9, labels)
    assert moves and all(
        m["asset"] == "BTC" and m["explorerUrl"].startswith("https://mempool.space/tx/") for m in moves
    )
    for m in moves:
        assert (m["direction"] == "TO_EXCHANGE") == (m["to"] == BTC_WALLET)
    inflow, outflow = onchain.flows(moves)
    assert inflow + outflow == sum(m["usdValue"] for m in moves)


async def test_whales_are_followed_for_btc_eth_and_listed_tokens_only(labels: str) -> None:
    with pytest.raises(onchain.Unavailable, match="BTC, ETH and listed ERC-20 tokens, not SOL"):
        await onchain.whales(live(labels), BUILTINS["SOL-USD"], 100.0, 0, 4e9, labels)


async def test_chain_tvl_and_its_history_from_defillama(labels: str) -> None:
    payload, origin = await onchain.chain_tvl(live(labels), ETH, 0)
    assert payload["kind"] == "chain" and payload["name"] == "Ethereum"
    assert payload["tvl"] == pytest.approx(65998652431.40251)
    assert payload["history"] == [[1609459200, 45000000000]]
    assert origin.source == "DeFiLlama"


async def test_on_chain_gather_says_why_active_addresses_are_missing(labels: str, clock: FrozenClock) -> None:
    clock.set(datetime(2015, 8, 10, tzinfo=UTC))
    found = Findings(values={"price": 2000.0})
    end = clock.now().timestamp()
    await onchain.gather(live(labels), ETH, {"ETHERSCAN"}, end - 30 * 86400, end, found)
    assert found.get("onChainMetrics.activeAddresses") is None
    assert any("active addresses" in m.reason for m in found.unavailable)
    assert found.get("onChainMetrics.whaleMovements") == 1
    assert found.get("onChainMetrics.gas")["proposeGwei"]
    assert found.get("onChainMetrics.tvl") == pytest.approx(65998652431.40251)


async def test_posts_mentioning_the_asset_scored_and_deduplicated(labels: str) -> None:
    tether = BUILTINS["USDT"]
    recorded = datetime(2026, 9, 25, 16, 30, tzinfo=UTC).timestamp()
    posts, origins, failures = await social.posts(live(labels), tether, recorded - 86400, recorded)
    assert {"rss", "reddit"} <= set(origins) and [f.provider for f in failures] == ["x"]  # no bearer token
    assert len(posts) == 2 and all("Tether" in p["text"] for p in posts)
    assert all(0 <= p["score"] <= 1 and p["label"] in ("BULLISH", "BEARISH", "NEUTRAL") for p in posts)
    assert posts[0]["publishedAt"] >= posts[1]["publishedAt"]


def test_the_same_story_twice_counts_once() -> None:
    post = {"title": "Bitcoin hits $100k", "text": "x", "url": "https://a/1", "created": 1.0}
    again = {**post, "url": "https://b/2", "created": 2.0, "title": "Bitcoin  hits $100K https://t.co/x"}
    other = {**post, "url": "https://c/3", "created": 3.0, "title": "Ether falls"}
    assert [p["url"] for p in social.dedupe([again, post, other])] == ["https://a/1", "https://c/3"]


def test_mentions_match_the_name_and_a_ticker_as_a_word() -> None:
    pattern = social.mentions(BTC)
    assert pattern.search("Why $BTC rallied") and pattern.search("bitcoin ETFs")
    assert not pattern.search("BTCUSDT perps") and not pattern.search("bitcoiner")


async def test_x_counts_when_a_bearer_token_is_set(labels: str) -> None:
    providers = live(labels, x_bearer_token="token")
    posts, origins, failures = await social.posts(providers, BTC, 0, 4e9)
    assert "x" in origins and failures == []
    tweets = [p for p in posts if p["source"] == "x"]
    assert tweets and all(social.mentions(BTC).search(p["text"]) for p in tweets)


async def test_fear_and_greed_and_the_cache(labels: str) -> None:
    providers = live(labels)
    readings, origin = await social.fear_greed(providers, 30)
    assert readings[0]["value"] == 47 and origin.source == "alternative.me"
    again, cached = await social.fear_greed(providers, 30)
    assert again == readings and cached.cached and cached.as_of == origin.as_of


async def test_snapshot_mode_reads_the_bundled_recordings_and_names_what_is_not_bundled() -> None:
    providers = Providers(make_settings(), MemoryCache())
    found = Findings()
    await fundamentals.gather(providers, BTC, {"COINGECKO"}, found)
    assert found.sources["marketCap"].snapshot and found.get("marketCap") == 544217319000.0
    with pytest.raises(onchain.Unavailable, match="offline: no DeFiLlama snapshot is bundled"):
        await onchain.chain_tvl(providers, ETH, 0)
