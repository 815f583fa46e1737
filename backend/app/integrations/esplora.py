"""Esplora REST API (blockstream.info/api, mempool.space/api): Bitcoin addresses, txs, mempool, fees."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Unpack

from pydantic import FiniteFloat, NonNegativeInt, TypeAdapter

from app.integrations.http import ApiClient, HttpOptions, interval
from app.integrations.parsing import Shape

if TYPE_CHECKING:
    from app.config import Settings

SOURCE = "esplora"
EXPLORER_TX = "https://mempool.space/tx/"


def btc(sats: int) -> Decimal:
    """Satoshis as an exact Decimal amount of BTC.

    >>> btc(94641)
    Decimal('0.00094641')
    """
    return Decimal(sats).scaleb(-8)


class _Stats(Shape):
    funded_txo_count: NonNegativeInt
    funded_txo_sum: NonNegativeInt
    spent_txo_count: NonNegativeInt
    spent_txo_sum: NonNegativeInt
    tx_count: NonNegativeInt


class _Address(Shape):
    address: str
    chain_stats: _Stats
    mempool_stats: _Stats


class _Output(Shape):
    scriptpubkey_type: str | None = None
    # Absent for outputs with no address form: p2pk, OP_RETURN, non-standard scripts.
    scriptpubkey_address: str | None = None
    value: NonNegativeInt


class _Input(Shape):
    txid: str
    vout: int
    prevout: _Output | None = None  # null for a coinbase input
    is_coinbase: bool = False


class _Status(Shape):
    confirmed: bool
    block_height: NonNegativeInt | None = None
    block_hash: str | None = None
    block_time: NonNegativeInt | None = None


class _Tx(Shape):
    txid: str
    vin: list[_Input]
    vout: list[_Output]
    size: NonNegativeInt
    weight: NonNegativeInt
    fee: NonNegativeInt
    status: _Status


class _Mempool(Shape):
    count: NonNegativeInt
    vsize: NonNegativeInt
    total_fee: NonNegativeInt
    fee_histogram: list[tuple[FiniteFloat, NonNegativeInt]] = []


class _RecentTx(Shape):
    txid: str
    fee: NonNegativeInt
    vsize: NonNegativeInt
    value: NonNegativeInt


_ADDRESS = TypeAdapter(_Address)
_TX = TypeAdapter(_Tx)
_TXS = TypeAdapter(list[_Tx])
_FEES = TypeAdapter(dict[int, FiniteFloat])
_MEMPOOL = TypeAdapter(_Mempool)
_RECENT = TypeAdapter(list[_RecentTx])
# `/blocks/tip/height` is plain text, but a bare integer is also a JSON document.
_HEIGHT = TypeAdapter(NonNegativeInt)


@dataclass(frozen=True, slots=True)
class AddressInfo:
    """An address's totals in BTC: `confirmed` on chain, `unconfirmed` the mempool's net change."""

    address: str
    confirmed: Decimal
    unconfirmed: Decimal
    received: Decimal
    sent: Decimal
    tx_count: int
    mempool_tx_count: int

    @property
    def balance(self) -> Decimal:
        """What the address will hold once its mempool transactions confirm."""
        return self.confirmed + self.unconfirmed


@dataclass(frozen=True, slots=True)
class TxOutput:
    """An output, or an input's previous output: address (None if the script has none) and BTC value."""

    address: str | None
    value: Decimal


@dataclass(frozen=True, slots=True)
class BtcTransaction:
    """A transaction with amounts in BTC; `block_height`/`block_time` are None while unconfirmed, and a
    coinbase has no inputs."""

    txid: str
    block_height: int | None
    block_time: int | None
    fee: Decimal
    vsize: int
    inputs: tuple[TxOutput, ...]
    outputs: tuple[TxOutput, ...]
    coinbase: bool = False

    @property
    def confirmed(self) -> bool:
        return self.block_height is not None

    @property
    def total_output(self) -> Decimal:
        return sum((out.value for out in self.outputs), Decimal(0))

    @property
    def largest_output(self) -> Decimal:
        return max((out.value for out in self.outputs), default=Decimal(0))

    @property
    def fee_rate(self) -> float:
        """Satoshis per virtual byte."""
        return float(self.fee.scaleb(8)) / self.vsize if self.vsize else 0.0

    @property
    def explorer_url(self) -> str:
        return EXPLORER_TX + self.txid


@dataclass(frozen=True, slots=True)
class MempoolInfo:
    """The mempool's backlog: `fee_histogram` is (sat/vB, vsize) bands, highest fee rate first."""

    count: int
    vsize: int
    total_fee: Decimal
    fee_histogram: tuple[tuple[float, int], ...]


@dataclass(frozen=True, slots=True)
class MempoolTx:
    """A transaction just seen in the mempool (`/mempool/recent`): `fee` and `value` in BTC."""

    txid: str
    fee: Decimal
    vsize: int
    value: Decimal

    @property
    def explorer_url(self) -> str:
        return EXPLORER_TX + self.txid


def large_transfers(txs: Iterable[BtcTransaction], min_btc: Decimal) -> list[BtcTransaction]:
    """The transactions whose largest single output is at least `min_btc` BTC, in their order: the
    whale-transfer filter. The largest output, not the total, because an exchange's batched payout
    of many small outputs has a large total without any large transfer. A change output can still be
    the largest one, so a small payment from a large coin is picked too.
    """
    return [tx for tx in txs if tx.outputs and tx.largest_output >= min_btc]


class EsploraClient(ApiClient):
    """Any Esplora-compatible API, keyless; the base URL includes the `/api` prefix."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        # Neither Blockstream nor mempool.space publishes a number; both throttle bursts of public calls.
        rate = interval(settings.esplora_requests_per_minute)
        super().__init__(settings.esplora_api_url, settings, min_interval=rate, **options)

    async def address(self, address: str) -> AddressInfo:
        info = await self.http.get_json(f"/address/{address}", _ADDRESS)
        chain, pool = info.chain_stats, info.mempool_stats
        return AddressInfo(
            address=info.address,
            confirmed=btc(chain.funded_txo_sum - chain.spent_txo_sum),
            unconfirmed=btc(pool.funded_txo_sum - pool.spent_txo_sum),
            received=btc(chain.funded_txo_sum),
            sent=btc(chain.spent_txo_sum),
            tx_count=chain.tx_count,
            mempool_tx_count=pool.tx_count,
        )

    async def address_txs(self, address: str, *, after_txid: str | None = None) -> list[BtcTransaction]:
        """Newest first: the address's mempool transactions and its latest 25 confirmed ones; with
        `after_txid` (the last confirmed txid of the previous page) the next 25 confirmed ones."""
        path = f"/address/{address}/txs" + (f"/chain/{after_txid}" if after_txid else "")
        return [_transaction(tx) for tx in await self.http.get_json(path, _TXS)]

    async def tx(self, txid: str) -> BtcTransaction:
        return _transaction(await self.http.get_json(f"/tx/{txid}", _TX))

    async def fee_estimates(self) -> dict[int, float]:
        """Confirmation target in blocks -> estimated fee rate in sat/vB, by target."""
        return dict(sorted((await self.http.get_json("/fee-estimates", _FEES)).items()))

    async def mempool(self) -> MempoolInfo:
        pool = await self.http.get_json("/mempool", _MEMPOOL)
        return MempoolInfo(pool.count, pool.vsize, btc(pool.total_fee), tuple(pool.fee_histogram))

    async def recent_mempool(self) -> list[MempoolTx]:
        """The last transactions to enter the mempool, newest first."""
        rows = await self.http.get_json("/mempool/recent", _RECENT)
        return [MempoolTx(row.txid, btc(row.fee), row.vsize, btc(row.value)) for row in rows]

    async def tip_height(self) -> int:
        """The height of the chain tip."""
        return await self.http.get_json("/blocks/tip/height", _HEIGHT)


def _transaction(tx: _Tx) -> BtcTransaction:
    confirmed = tx.status.confirmed
    return BtcTransaction(
        txid=tx.txid,
        block_height=tx.status.block_height if confirmed else None,
        block_time=tx.status.block_time if confirmed else None,
        fee=btc(tx.fee),
        vsize=math.ceil(tx.weight / 4),
        inputs=tuple(
            TxOutput(vin.prevout.scriptpubkey_address, btc(vin.prevout.value))
            for vin in tx.vin
            if vin.prevout is not None
        ),
        outputs=tuple(TxOutput(out.scriptpubkey_address, btc(out.value)) for out in tx.vout),
        coinbase=any(vin.is_coinbase for vin in tx.vin),
    )
