"""Esplora client against recorded Blockstream and mempool.space responses, on MockTransport."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from app.integrations.esplora import BtcTransaction, EsploraClient, TxOutput, large_transfers
from app.integrations.http import HttpError
from app.integrations.parsing import MalformedMessage
from tests.integrations.support import (
    FakeSleep,
    Routes,
    body,
    fixture_text,
    make_settings,
    status,
)

ADDRESS = "bc1qq7gm20tgeauggamlh7m54fu9e54vkdyzxzy5rh"
WALLET = "bc1qvhykeqcpdzu0pdvy99xnh9ckhwzcfskct6h6l2"
TX = "01c0cf156d8d7396358c60533d03cd0a5ee6ccdabc3b724eddc02e5e6068908f"
GENESIS_TX = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"


def recorded(name: str) -> str:
    return fixture_text("esplora", f"{name}.json")


def client(routes: Routes, sleep: FakeSleep, url: str = "https://blockstream.info/api") -> EsploraClient:
    return EsploraClient(
        make_settings(esplora_api_url=url),
        transport=routes.transport(),
        sleep=sleep,
        monotonic=sleep.monotonic,
    )


async def fetch_txs() -> list[BtcTransaction]:
    routes = (
        Routes()
        .add(f"/api/address/{WALLET}/txs", body(recorded("mempool_space_address_bc1qvhyk_txs")))
        .add(f"/api/tx/{TX}", body(recorded("blockstream_tx_01c0cf15")))
        .add(f"/api/tx/{GENESIS_TX}", body(recorded("blockstream_tx_4a5e1e4b_genesis_coinbase")))
    )
    async with client(routes, FakeSleep()) as esplora:
        return [*await esplora.address_txs(WALLET), await esplora.tx(TX), await esplora.tx(GENESIS_TX)]


async def test_address_balance_counts_the_mempool() -> None:
    routes = Routes().add(f"/api/address/{ADDRESS}", body(recorded("blockstream_address_bc1qq7gm20tg")))
    async with client(routes, FakeSleep()) as esplora:
        info = await esplora.address(ADDRESS)
    assert info.address == ADDRESS
    assert (info.confirmed, info.unconfirmed, info.balance) == (
        Decimal("0.00094641"),
        Decimal("-0.00094641"),
        Decimal(0),
    )
    assert (info.received, info.sent, info.tx_count, info.mempool_tx_count) == (
        Decimal("0.00094641"),
        Decimal(0),
        1,
        1,
    )
    assert str(routes.requests[0].url) == f"https://blockstream.info/api/address/{ADDRESS}"


async def test_address_txs_from_mempool_space() -> None:
    path = f"/api/address/{WALLET}/txs"
    routes = Routes().add(path, body(recorded("mempool_space_address_bc1qvhyk_txs")))
    async with client(routes, FakeSleep(), url="https://mempool.space/api") as esplora:
        txs = await esplora.address_txs(WALLET)
    assert [tx.txid[:8] for tx in txs] == ["5e0668bf", "07c9d3fb"]
    first, last = txs
    assert (first.block_height, first.block_time, first.fee, first.vsize) == (
        674358,
        1615595727,
        Decimal("0.00023938"),
        289,
    )
    assert first.outputs == (
        TxOutput("bc1qt8rscz0j9vdmqp6rnt6rk6qf663tcvd44f6gxa", Decimal("0.0000292")),
        TxOutput("bc1q93qyum5uf5pjyeaznfs8f3wmjveudn9wpjw5xr8dve33vgea3shs9jhvww", Decimal("0.00442557")),
    )
    assert first.total_output == Decimal("0.00445477")
    assert first.inputs == (
        TxOutput(WALLET, Decimal("0.00263216")),
        TxOutput("bc1qskencxfhqk8dpz6mzghrpjh33enuev5zh0mrjw", Decimal("0.00033247")),
        TxOutput("bc1qx9g9v3cfydr6hv8y62357emnka9fn8294e73yl", Decimal("0.00172952")),
    )
    assert sum(i.value for i in first.inputs) - first.total_output == first.fee
    assert (last.block_height, last.block_time, last.fee, last.largest_output) == (
        674357,
        1615594996,
        Decimal("0.00018313"),
        Decimal("0.01088924"),
    )
    assert last.outputs[0] == TxOutput(WALLET, Decimal("0.00263216"))
    assert routes.requests[0].url.host == "mempool.space"


async def test_address_txs_next_page() -> None:
    after = "07c9d3fbffc20f96ea7c93ef3bcdf346c8a8456c25850ea76be62b24a7cf690c"
    routes = Routes().add(f"/api/address/{WALLET}/txs/chain/{after}", body("[]"))
    async with client(routes, FakeSleep()) as esplora:
        assert await esplora.address_txs(WALLET, after_txid=after) == []


async def test_tx_with_a_multisig_input() -> None:
    routes = Routes().add(f"/api/tx/{TX}", body(recorded("blockstream_tx_01c0cf15")))
    async with client(routes, FakeSleep()) as esplora:
        tx = await esplora.tx(TX)
    assert (tx.txid, tx.confirmed, tx.block_height, tx.block_time, tx.coinbase) == (
        TX,
        True,
        720514,
        1643232826,
        False,
    )
    assert (tx.fee, tx.vsize) == (Decimal("0.0004"), 226)  # weight 902
    assert tx.fee_rate == pytest.approx(40000 / 226)
    multisig = "bc1qwqdg6squsna38e46795at95yu9atm8azzmyvckulcc7kytlcckxswvvzej"
    assert tx.inputs == (TxOutput(multisig, Decimal("3.76589779")),)
    assert tx.outputs == (
        TxOutput("1N5cPM7Uk1ex2mHYFXtfyX8hXqKaJc47YG", Decimal("0.05")),
        TxOutput("1GjTzsuBqXmj6kUUypJciZ2Wczp3EQLamN", Decimal("0.69594023")),
        TxOutput(multisig, Decimal("3.01955756")),
    )
    assert tx.total_output == Decimal("3.76549779")
    assert tx.explorer_url == f"https://mempool.space/tx/{TX}"


async def test_genesis_coinbase_has_no_inputs_and_an_addressless_output() -> None:
    routes = Routes().add(f"/api/tx/{GENESIS_TX}", body(recorded("blockstream_tx_4a5e1e4b_genesis_coinbase")))
    async with client(routes, FakeSleep()) as esplora:
        tx = await esplora.tx(GENESIS_TX)
    assert (tx.coinbase, tx.inputs, tx.block_height, tx.block_time, tx.fee) == (
        True,
        (),
        0,
        1231006505,
        Decimal(0),
    )
    assert tx.outputs == (TxOutput(None, Decimal(50)),)  # p2pk: no address form


async def test_unconfirmed_tx_has_no_block() -> None:
    # No unconfirmed recording exists: the recorded tx with the status Esplora gives a mempool tx.
    raw = json.loads(recorded("blockstream_tx_01c0cf15"))
    raw["status"] = {"confirmed": False}
    routes = Routes().add(f"/api/tx/{TX}", body(json.dumps(raw)))
    async with client(routes, FakeSleep()) as esplora:
        tx = await esplora.tx(TX)
    assert (tx.confirmed, tx.block_height, tx.block_time) == (False, None, None)


async def test_large_transfers_by_largest_output() -> None:
    txs = await fetch_txs()
    largest = [tx.largest_output for tx in txs]
    assert largest == [Decimal("0.00442557"), Decimal("0.01088924"), Decimal("3.01955756"), Decimal(50)]
    assert [tx.txid for tx in large_transfers(txs, Decimal(3))] == [TX, GENESIS_TX]
    # At least: a largest output equal to the threshold counts.
    assert [tx.txid[:8] for tx in large_transfers(txs, Decimal("0.01088924"))] == [
        "07c9d3fb",
        "01c0cf15",
        "4a5e1e4b",
    ]
    # The first tx's outputs total 0.00445477, but no single one reaches 0.0045.
    assert "5e0668bf" not in [tx.txid[:8] for tx in large_transfers(txs, Decimal("0.0045"))]
    assert large_transfers(txs, Decimal(51)) == []
    assert large_transfers([], Decimal(0)) == []


async def test_fee_estimates_by_target() -> None:
    routes = Routes().add("/api/fee-estimates", body(recorded("blockstream_fee_estimates")))
    async with client(routes, FakeSleep()) as esplora:
        fees = await esplora.fee_estimates()
    assert len(fees) == 28
    assert list(fees)[:4] == [1, 2, 3, 4]
    assert list(fees)[-3:] == [144, 504, 1008]
    assert (fees[1], fees[3], fees[6], fees[25], fees[1008]) == (8.421, 6.954, 4.9799999999999995, 1.0, 1.0)


async def test_mempool() -> None:
    routes = Routes().add("/api/mempool", body(recorded("blockstream_mempool")))
    async with client(routes, FakeSleep()) as esplora:
        pool = await esplora.mempool()
    assert (pool.count, pool.vsize, pool.total_fee) == (811, 412270, Decimal("0.03632256"))
    assert len(pool.fee_histogram) == 8
    assert (pool.fee_histogram[0], pool.fee_histogram[-1]) == ((10.029498, 50229), (1.0, 37453))


async def test_recent_mempool() -> None:
    routes = Routes().add("/api/mempool/recent", body(recorded("blockstream_mempool_recent")))
    async with client(routes, FakeSleep()) as esplora:
        recent = await esplora.recent_mempool()
    assert len(recent) == 10
    first, last = recent[0], recent[-1]
    assert (first.txid[:8], first.fee, first.vsize, first.value) == (
        "a8d826af",
        Decimal("0.00001078"),
        211,
        Decimal("0.0138647"),
    )
    assert (last.txid[:8], last.fee, last.vsize, last.value) == (
        "5a2359ad",
        Decimal("0.0000042"),
        140,
        Decimal("0.00901219"),
    )
    assert first.explorer_url == f"https://mempool.space/tx/{first.txid}"


async def test_tip_height_is_a_plain_text_integer() -> None:
    # No recording of /blocks/tip/height exists: the body is the bare decimal text Esplora serves.
    routes = Routes().add("/api/blocks/tip/height", body("812345", headers={"Content-Type": "text/plain"}))
    async with client(routes, FakeSleep()) as esplora:
        assert await esplora.tip_height() == 812345


async def test_unknown_tx_is_a_4xx_raised_at_once() -> None:
    sleep = FakeSleep()
    routes = Routes().add(f"/api/tx/{TX}", status(404, text="Transaction not found"))
    async with client(routes, sleep) as esplora:
        with pytest.raises(HttpError, match="Transaction not found") as raised:
            await esplora.tx(TX)
    assert raised.value.status == 404
    assert len(routes.requests) == 1
    assert sleep.delays == []


@pytest.mark.parametrize(
    ("path", "raw", "call"),
    [
        ("/api/blocks/tip/height", "<html>oops</html>", lambda esplora: esplora.tip_height()),
        ("/api/blocks/tip/height", "-1", lambda esplora: esplora.tip_height()),
        ("/api/mempool", '{"count": 811}', lambda esplora: esplora.mempool()),
        (
            f"/api/tx/{TX}",
            '{"txid": "x", "vin": [], "vout": [{"value": -1}]}',
            lambda esplora: esplora.tx(TX),
        ),
    ],
)
async def test_malformed_body_is_a_malformed_message(
    path: str, raw: str, call: Callable[[EsploraClient], Awaitable[object]]
) -> None:
    routes = Routes().add(path, body(raw))
    async with client(routes, FakeSleep()) as esplora:
        with pytest.raises(MalformedMessage):
            await call(esplora)
