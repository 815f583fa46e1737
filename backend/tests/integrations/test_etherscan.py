"""Etherscan client against the recorded (documentation example) responses, on MockTransport."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from app.integrations.etherscan import EtherscanClient, EthPrice, GasOracle, units
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_text,
    make_settings,
)

PATH = "/v2/api"
KEY = "etherscan-key"
ADDRESS = "0xddBd2B932c763bA5b1b7AE3B362eac3e8d40121A"
NOT_OK = '{"status":"0","message":"NOTOK","result":"Invalid API Key"}'
NONE_FOUND = '{"status":"0","message":"No transactions found","result":[]}'
RATE_LIMITED = '{"status":"0","message":"NOTOK","result":"Max calls per sec rate limit reached (5/sec)"}'


def recorded(name: str) -> str:
    return fixture_text("etherscan", f"{name}.json")


def client(routes: Routes, sleep: FakeSleep) -> EtherscanClient:
    return EtherscanClient(
        make_settings(etherscan_api_key=KEY),
        transport=routes.transport(),
        sleep=sleep,
        monotonic=sleep.monotonic,
    )


def params(routes: Routes, index: int = 0) -> dict[str, str]:
    return dict(routes.requests[index].url.params)


async def test_transactions_from_the_recorded_txlist() -> None:
    routes = Routes().add(PATH, body(recorded("account_txlist")))
    async with client(routes, FakeSleep()) as etherscan:
        txs = await etherscan.transactions(ADDRESS)
    assert len(txs) == 2
    first, last = txs
    assert (first.block, first.ts, first.value, first.fee, first.failed) == (
        0,
        1438269973,
        Decimal("10000"),
        Decimal(0),
        False,
    )
    assert first.from_ == first.to == "0xddbd2b932c763ba5b1b7ae3b362eac3e8d40121a"
    assert (last.block, last.ts, last.to, last.value) == (
        47884,
        1438947953,
        "0x2910543af39aba0cd09dbb2d50200b3e800a63d2",
        Decimal("5"),
    )
    assert last.fee == Decimal("0.0086448")  # 21612 gas used x 400 gwei
    assert last.created_contract is None
    assert last.hash == "0xad1c27dd8d0329dbc400021d7477b34ac41e84365bd54b45a4019a15deb10c0d"
    assert last.explorer_url == f"https://etherscan.io/tx/{last.hash}"
    assert routes.requests[0].url.host == "api.etherscan.io"
    assert routes.requests[0].url.path == PATH
    assert params(routes) == {
        "chainid": "1",
        "module": "account",
        "action": "txlist",
        "address": ADDRESS,
        "startblock": "0",
        "endblock": "99999999",
        "page": "1",
        "offset": "100",
        "sort": "desc",
        "apikey": KEY,
    }


async def test_token_transfers_are_scaled_by_the_token_decimals() -> None:
    routes = Routes().add(PATH, body(recorded("account_tokentx")))
    contract = "0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2"
    async with client(routes, FakeSleep()) as etherscan:
        transfers = await etherscan.token_transfers("0x4e83362442b8d1bec281594cea3050c8eb01311c", contract)
    assert len(transfers) == 2
    first, last = transfers
    assert (first.block, first.ts, first.value) == (4730207, 1513240363, Decimal("5901.522149285533025181"))
    assert (first.token_symbol, first.token_name, first.contract, first.decimals) == (
        "MKR",
        "Maker",
        contract,
        18,
    )
    assert (first.from_, first.to) == (
        "0x642ae78fafbb8032da552d619ad43f1d81e4dd7c",
        "0x4e83362442b8d1bec281594cea3050c8eb01311c",
    )
    assert (last.block, last.value) == (4764973, Decimal("0.00013252048814108"))
    assert last.explorer_url == (
        "https://etherscan.io/tx/0x9c82e89b7f6a4405d11c361adb6d808d27bcd9db3b04b3fb3bc05d182bbc5d6f"
    )
    sent = params(routes)
    assert (sent["module"], sent["action"], sent["chainid"], sent["apikey"]) == (
        "account",
        "tokentx",
        "1",
        KEY,
    )
    assert (sent["address"], sent["contractaddress"]) == (
        "0x4e83362442b8d1bec281594cea3050c8eb01311c",
        contract,
    )


async def test_token_transfers_of_a_contract_only() -> None:
    routes = Routes().add(PATH, body(recorded("account_tokentx")))
    async with client(routes, FakeSleep()) as etherscan:
        await etherscan.token_transfers(contract="0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2", sort="asc")
        with pytest.raises(ValueError, match="address, a contract"):
            await etherscan.token_transfers()
    assert "address" not in params(routes)
    assert params(routes)["sort"] == "asc"
    assert len(routes.requests) == 1


async def test_none_found_is_an_empty_list() -> None:
    routes = Routes().add(PATH, body(NONE_FOUND))
    async with client(routes, FakeSleep()) as etherscan:
        assert await etherscan.transactions(ADDRESS) == []
        assert await etherscan.token_transfers(ADDRESS) == []


async def test_balance() -> None:
    routes = Routes().add(PATH, body(recorded("account_balance")))
    async with client(routes, FakeSleep()) as etherscan:
        assert await etherscan.balance(ADDRESS) == Decimal("40891.62685493")
    sent = params(routes)
    assert (sent["module"], sent["action"], sent["address"], sent["tag"]) == (
        "account",
        "balance",
        ADDRESS,
        "latest",
    )


async def test_balances_are_keyed_by_the_addresses_as_given() -> None:
    routes = Routes().add(PATH, body(recorded("account_balancemulti")))
    addresses = [
        ADDRESS,
        "0x63a9975ba31b0b9626b34300f7f627147df1f526",
        "0x198ef1ec325a96cc354c7266a038be8b5c558f67",
    ]
    async with client(routes, FakeSleep()) as etherscan:
        balances = await etherscan.balances(addresses)
    assert balances == {
        ADDRESS: Decimal("40891.62685493"),
        "0x63a9975ba31b0b9626b34300f7f627147df1f526": Decimal("332.567136222827062478"),
        "0x198ef1ec325a96cc354c7266a038be8b5c558f67": Decimal(0),
    }
    assert (params(routes)["action"], params(routes)["address"]) == ("balancemulti", ",".join(addresses))


async def test_balances_ask_twenty_addresses_at_a_time() -> None:
    def zero_balances(request: httpx.Request) -> httpx.Response:
        accounts = request.url.params["address"].split(",")
        result = [{"account": account, "balance": "0"} for account in accounts]
        return httpx.Response(200, json={"status": "1", "message": "OK", "result": result})

    routes = Routes().add(PATH, zero_balances)
    addresses = [f"0x{i:040x}" for i in range(45)]
    async with client(routes, FakeSleep()) as etherscan:
        balances = await etherscan.balances(addresses)
    assert list(balances) == addresses
    assert [len(r.url.params["address"].split(",")) for r in routes.requests] == [20, 20, 5]


async def test_gas_oracle() -> None:
    routes = Routes().add(PATH, body(recorded("gastracker_gasoracle")))
    async with client(routes, FakeSleep()) as etherscan:
        gas = await etherscan.gas_oracle()
    assert gas == GasOracle(
        last_block=13053741,
        safe=Decimal(20),
        propose=Decimal(22),
        fast=Decimal(24),
        base_fee=Decimal("19.230609716"),
    )
    assert (params(routes)["module"], params(routes)["action"]) == ("gastracker", "gasoracle")


async def test_block_number_from_the_json_rpc_hex() -> None:
    routes = Routes().add(PATH, body(recorded("proxy_eth_blockNumber")))
    async with client(routes, FakeSleep()) as etherscan:
        assert await etherscan.block_number() == 0xC36B29 == 12806953
    assert (params(routes)["module"], params(routes)["action"]) == ("proxy", "eth_blockNumber")


async def test_json_rpc_error_is_an_http_error() -> None:
    error = '{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"invalid argument 0: hex string"}}'
    routes = Routes().add(PATH, body(error))
    async with client(routes, FakeSleep()) as etherscan:
        with pytest.raises(HttpError, match="invalid argument 0"):
            await etherscan.block_number()


async def test_eth_price_and_supply() -> None:
    routes = Routes().add(PATH, body(recorded("stats_ethprice")), body(recorded("stats_ethsupply")))
    async with client(routes, FakeSleep()) as etherscan:
        price = await etherscan.eth_price()
        supply = await etherscan.eth_supply()
    assert price == EthPrice(
        usd=Decimal("2149.18"), usd_ts=1624961308, btc=Decimal("0.06116"), btc_ts=1624961308
    )
    assert supply == Decimal("116487067.1865")
    assert [(params(routes, i)["module"], params(routes, i)["action"]) for i in (0, 1)] == [
        ("stats", "ethprice"),
        ("stats", "ethsupply"),
    ]


async def test_calls_are_spaced_for_three_per_second() -> None:
    # The free plan's rate (docs.etherscan.io/resources/rate-limits); 5/s is the paid Lite plan.
    sleep = FakeSleep()
    routes = Routes().add(PATH, body(recorded("account_balance")))
    async with client(routes, sleep) as etherscan:
        await etherscan.balance(ADDRESS)
        await etherscan.balance(ADDRESS)
    assert sleep.delays == [pytest.approx(1 / 3)]


async def test_not_ok_in_a_200_body_is_an_http_error_with_the_reason() -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, body(NOT_OK))
    async with client(routes, sleep) as etherscan:
        with pytest.raises(HttpError, match="Invalid API Key") as raised:
            await etherscan.transactions(ADDRESS)
    assert raised.value.status is None
    assert len(routes.requests) == 1
    assert sleep.delays == []


async def test_rate_limit_in_a_200_body_is_retried() -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, body(RATE_LIMITED), body(recorded("account_balance")))
    async with client(routes, sleep) as etherscan:
        assert await etherscan.balance(ADDRESS) == Decimal("40891.62685493")
    assert sleep.delays == [1.0]
    assert len(routes.requests) == 2


async def test_rate_limit_that_persists_is_a_429_http_error() -> None:
    sleep = FakeSleep()
    routes = Routes().add(PATH, body(RATE_LIMITED))
    async with client(routes, sleep) as etherscan:
        with pytest.raises(HttpError, match="rate limit reached") as raised:
            await etherscan.balance(ADDRESS)
    assert raised.value.status == 429
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert len(routes.requests) == 4


async def test_daily_limit_is_not_retried() -> None:
    daily = '{"status":"0","message":"NOTOK","result":"Max daily rate limit reached. 100000 (100%) used."}'
    sleep = FakeSleep()
    routes = Routes().add(PATH, body(daily))
    async with client(routes, sleep) as etherscan:
        with pytest.raises(HttpError, match="Max daily rate limit"):
            await etherscan.balance(ADDRESS)
    assert len(routes.requests) == 1
    assert sleep.delays == []


@pytest.mark.parametrize(
    "raw",
    [
        "<html>502 Bad Gateway</html>",
        '{"status":"1","message":"OK","result":"not a list"}',
        '{"status":"1","message":"OK","result":[{"blockNumber":"x"}]}',
    ],
)
async def test_malformed_body_is_a_malformed_message(raw: str) -> None:
    routes = Routes().add(PATH, body(raw))
    async with client(routes, FakeSleep()) as etherscan:
        with pytest.raises(MalformedMessage):
            await etherscan.transactions(ADDRESS)


async def test_malformed_values_are_malformed_messages() -> None:
    tx = json.loads(recorded("account_txlist"))
    tx["result"][0]["value"] = "1.5"  # amounts are integers in wei
    routes = Routes().add(
        PATH,
        body(json.dumps(tx)),
        body('{"jsonrpc":"2.0","id":83,"result":"latest"}'),
    )
    async with client(routes, FakeSleep()) as etherscan:
        with pytest.raises(MalformedMessage, match="value"):
            await etherscan.transactions(ADDRESS)
        with pytest.raises(MalformedMessage):
            await etherscan.block_number()


def test_units_are_exact_beyond_28_digits() -> None:
    assert units("1" + "0" * 35 + "1", 18) == Decimal("1" + "0" * 18 + "." + "0" * 17 + "1")


def test_a_key_is_required() -> None:
    with pytest.raises(ValueError, match="CRYPTOMON_ETHERSCAN_API_KEY"):
        EtherscanClient(make_settings())
