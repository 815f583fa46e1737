"""DeFiLlama client against the documentation examples (no recording exists) and real-shape variants."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.integrations.defillama import SOURCE, Chain, DefiLlamaClient, Protocol, TvlPoint, slug_of
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_json,
    fixture_text,
    make_settings,
)

PROTOCOLS = fixture_text("defillama", "protocols_docs_example.json")
CHAINS = fixture_text("defillama", "v2_chains_docs_example.json")
HISTORY_ALL = fixture_text("defillama", "v2_historicalChainTvl_docs_example.json")
HISTORY_CHAIN = fixture_text("defillama", "v2_historicalChainTvl_chain_docs_example.json")


def client(routes: Routes, sleep: FakeSleep) -> DefiLlamaClient:
    return DefiLlamaClient(
        make_settings(), transport=routes.transport(), sleep=sleep, monotonic=sleep.monotonic
    )


def edited(provider_file: str, **fields: Any) -> str:
    """The fixture's single row with `fields` replacing (or, for None values, nulling) its own."""
    (row,) = fixture_json("defillama", provider_file)
    return json.dumps([{**row, **fields}])


async def test_protocols_from_the_docs_example() -> None:
    routes = Routes().add("/protocols", body(PROTOCOLS))
    async with client(routes, FakeSleep()) as llama:
        protocols = await llama.protocols()
    assert SOURCE == "defillama"
    # The docs example lacks `slug`, `chain` and `gecko_id`, which the live list carries.
    assert protocols == [
        Protocol(
            name="Aave",
            slug="aave",
            symbol="AAVE",
            chain=None,
            chains=["Ethereum", "Polygon"],
            category="Lending",
            tvl=5200000000.0,
            gecko_id=None,
        )
    ]
    (request,) = routes.requests
    assert (request.method, request.url.path, dict(request.url.params)) == ("GET", "/protocols", {})
    assert str(request.url).startswith("https://api.llama.fi/")


async def test_protocols_in_the_live_shape() -> None:
    # Rows as the live /protocols sends them: a slug of its own, "-" for a protocol without a token,
    # "Multi-Chain" as the home chain, null gecko_id and tvl.
    rows = [
        {**row, "slug": "aave-v3", "chain": "Ethereum", "gecko_id": "aave"}
        for row in fixture_json("defillama", "protocols_docs_example.json")
    ] + [
        {
            "id": "4075",
            "name": "Eigenpie",
            "symbol": "-",
            "chain": "Multi-Chain",
            "gecko_id": None,
            "category": "Liquid Restaking",
            "chains": ["Zircuit", "Ethereum"],
            "slug": "eigenpie",
            "tvl": None,
            "mcap": None,
        },
        {"name": "Bare Minimum"},
    ]
    routes = Routes().add("/protocols", body(json.dumps(rows)))
    async with client(routes, FakeSleep()) as llama:
        aave, eigenpie, bare = await llama.protocols()
    assert (aave.slug, aave.chain, aave.gecko_id, aave.symbol) == ("aave-v3", "Ethereum", "aave", "AAVE")
    assert eigenpie == Protocol(
        "Eigenpie", "eigenpie", None, "Multi-Chain", ["Zircuit", "Ethereum"], "Liquid Restaking", None, None
    )
    assert bare == Protocol("Bare Minimum", "bare-minimum", None, None, [], None, None, None)


def test_slug_follows_defillama() -> None:
    assert [slug_of(n) for n in ("Aave", "Uniswap V3", "Hop 'n Swap")] == ["aave", "uniswap-v3", "hop-n-swap"]


async def test_chains_from_the_docs_example() -> None:
    routes = Routes().add("/v2/chains", body(CHAINS))
    async with client(routes, FakeSleep()) as llama:
        chains = await llama.chains()
    assert chains == [Chain("Ethereum", 65998652431.40251, "ETH", "ethereum", 1)]
    assert routes.requests[0].url.path == "/v2/chains"


async def test_chains_without_token_or_ids() -> None:
    # The spec marks gecko_id, tokenSymbol and chainId nullable; non-EVM chains have no chainId at all.
    (row,) = fixture_json("defillama", "v2_chains_docs_example.json")
    bare = {"name": "Bitcoin", "tvl": 6500000000.5, "gecko_id": None, "tokenSymbol": None, "cmcId": None}
    routes = Routes().add("/v2/chains", body(json.dumps([row, bare])))
    async with client(routes, FakeSleep()) as llama:
        chains = await llama.chains()
    assert len(chains) == 2
    assert chains[-1] == Chain("Bitcoin", 6500000000.5, None, None, None)


async def test_history_of_all_chains() -> None:
    routes = Routes().add("/v2/historicalChainTvl", body(HISTORY_ALL))
    async with client(routes, FakeSleep()) as llama:
        points = await llama.chain_tvl_history()
    assert points == [TvlPoint(ts=1609459200, tvl=15000000000.0)]  # 2021-01-01 00:00 UTC
    (request,) = routes.requests
    assert (request.url.path, dict(request.url.params)) == ("/v2/historicalChainTvl", {})


async def test_history_of_one_chain() -> None:
    routes = Routes().add("/v2/historicalChainTvl/Ethereum", body(HISTORY_CHAIN))
    async with client(routes, FakeSleep()) as llama:
        points = await llama.chain_tvl_history("Ethereum")
    assert points == [TvlPoint(1609459200, 45000000000.0)]
    assert routes.requests[0].url.path == "/v2/historicalChainTvl/Ethereum"


async def test_history_keeps_the_api_order_and_every_point() -> None:
    days = [{"date": 1609459200 + i * 86400, "tvl": 1000.0 + i} for i in range(3)]
    routes = Routes().add("/v2/historicalChainTvl/Ethereum", body(json.dumps(days)))
    async with client(routes, FakeSleep()) as llama:
        points = await llama.chain_tvl_history("Ethereum")
    assert len(points) == 3
    assert (points[0], points[-1]) == (TvlPoint(1609459200, 1000.0), TvlPoint(1609632000, 1002.0))


async def test_chain_names_are_escaped_into_one_path_segment() -> None:
    routes = Routes().add("/v2/historicalChainTvl/OP Mainnet", body(HISTORY_CHAIN))
    async with client(routes, FakeSleep()) as llama:
        await llama.chain_tvl_history("OP Mainnet")
        with pytest.raises(ValueError, match="chain"):
            await llama.chain_tvl_history("")
    (request,) = routes.requests
    assert request.url.raw_path == b"/v2/historicalChainTvl/OP%20Mainnet"


async def test_unknown_chain_is_a_4xx_raised_at_once() -> None:
    sleep = FakeSleep()
    routes = Routes()  # every path answers 404, as DeFiLlama does for an unknown chain
    async with client(routes, sleep) as llama:
        with pytest.raises(HttpError) as raised:
            await llama.chain_tvl_history("Nowhere")
    assert raised.value.status == 404
    assert len(routes.requests) == 1
    assert sleep.delays == []


PROTOCOL_FILE = "protocols_docs_example.json"
CHAIN_FILE = "v2_chains_docs_example.json"
HISTORY_FILE = "v2_historicalChainTvl_docs_example.json"


@pytest.mark.parametrize(
    ("path", "content"),
    [
        pytest.param("/protocols", "{}", id="protocols-not-a-list"),
        pytest.param("/protocols", '[{"symbol": "AAVE", "tvl": 1}]', id="protocol-without-name"),
        pytest.param("/protocols", edited(PROTOCOL_FILE, tvl=-1.5), id="protocol-negative-tvl"),
        pytest.param("/protocols", edited(PROTOCOL_FILE, tvl="lots"), id="protocol-tvl-not-a-number"),
        pytest.param("/protocols", edited(PROTOCOL_FILE, chains="Ethereum"), id="protocol-chains-not-a-list"),
        pytest.param("/protocols", PROTOCOLS.replace("5200000000", "NaN"), id="protocol-nan-tvl"),
        pytest.param("/v2/chains", edited(CHAIN_FILE, tvl=None), id="chain-null-tvl"),
        pytest.param("/v2/chains", '[{"name": "Ethereum"}]', id="chain-without-tvl"),
        pytest.param("/v2/chains", edited(CHAIN_FILE, tvl=-0.01), id="chain-negative-tvl"),
        pytest.param("/v2/chains", CHAINS.replace("65998652431.40251", "Infinity"), id="chain-infinite-tvl"),
        pytest.param("/v2/chains", edited(CHAIN_FILE, chainId="one"), id="chain-id-not-a-number"),
        pytest.param("/v2/historicalChainTvl", '[{"tvl": 1.0}]', id="point-without-date"),
        pytest.param("/v2/historicalChainTvl", edited(HISTORY_FILE, tvl=-5), id="point-negative-tvl"),
        pytest.param("/v2/historicalChainTvl", edited(HISTORY_FILE, tvl="NaN"), id="point-nan-string-tvl"),
        pytest.param("/v2/historicalChainTvl", '{"date": 1609459200, "tvl": 1}', id="history-not-a-list"),
    ],
)
async def test_malformed_bodies_are_rejected(path: str, content: str) -> None:
    call = {
        "/protocols": DefiLlamaClient.protocols,
        "/v2/chains": DefiLlamaClient.chains,
        "/v2/historicalChainTvl": DefiLlamaClient.chain_tvl_history,
    }[path]
    routes = Routes().add(path, body(content))
    async with client(routes, FakeSleep()) as llama:
        with pytest.raises(MalformedMessage, match=f"GET {path}"):
            await call(llama)
    assert len(routes.requests) == 1
