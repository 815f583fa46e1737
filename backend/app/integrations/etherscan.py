"""Etherscan API V2 (Ethereum mainnet): transactions, token transfers, balances, gas, block, ETH stats."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar, Unpack

import httpx
from pydantic import Field, JsonValue, NonNegativeInt, StringConstraints, TypeAdapter

from app.integrations.http import ApiClient, HttpError, HttpOptions
from app.integrations.parsing import Shape, parse_json

if TYPE_CHECKING:
    from app.config import Settings

T = TypeVar("T")
SOURCE = "etherscan"
CHAIN_ID = 1  # Ethereum mainnet; V2 serves every chain from one URL
ETH_DECIMALS = 18
BALANCEMULTI_MAX = 20  # addresses per `balancemulti` call
RATE_LIMIT_RETRIES = 3
RATE_LIMIT_WAIT = 1.0
EXPLORER_TX = "https://etherscan.io/tx/"

log = logging.getLogger(__name__)

Digits = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]
Hex = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]+$")]
Sort = Literal["asc", "desc"]


class _RpcError(Shape):
    code: int | None = None
    message: str = ""


class _Reply(Shape):
    """Every answer: `status`/`message`/`result`, or JSON-RPC `result`/`error` for the proxy module."""

    status: str | None = None
    message: str | None = None
    result: JsonValue = None
    error: _RpcError | None = None


class _Tx(Shape):
    block_number: int = Field(alias="blockNumber")
    timestamp: int = Field(alias="timeStamp")
    hash: str
    sender: str = Field(alias="from")
    to: str
    value: Digits
    gas_price: Digits = Field(alias="gasPrice")
    gas_used: Digits = Field(alias="gasUsed")
    is_error: str = Field(default="0", alias="isError")
    contract_address: str = Field(default="", alias="contractAddress")


class _TokenTx(Shape):
    block_number: int = Field(alias="blockNumber")
    timestamp: int = Field(alias="timeStamp")
    hash: str
    sender: str = Field(alias="from")
    to: str
    value: Digits
    contract_address: str = Field(alias="contractAddress")
    token_name: str = Field(alias="tokenName")
    token_symbol: str = Field(alias="tokenSymbol")
    token_decimal: NonNegativeInt = Field(alias="tokenDecimal")


class _Balance(Shape):
    account: str
    balance: Digits


class _GasOracle(Shape):
    last_block: int = Field(alias="LastBlock")
    safe: Decimal = Field(alias="SafeGasPrice")
    propose: Decimal = Field(alias="ProposeGasPrice")
    fast: Decimal = Field(alias="FastGasPrice")
    base_fee: Decimal = Field(alias="suggestBaseFee")


class _EthPrice(Shape):
    ethusd: Decimal
    ethusd_timestamp: int
    ethbtc: Decimal
    ethbtc_timestamp: int


_REPLY = TypeAdapter(_Reply)
_TXS = TypeAdapter(list[_Tx])
_TOKEN_TXS = TypeAdapter(list[_TokenTx])
_BALANCES = TypeAdapter(list[_Balance])
_DIGITS = TypeAdapter(Digits)
_HEX = TypeAdapter(Hex)
_GAS = TypeAdapter(_GasOracle)
_PRICE = TypeAdapter(_EthPrice)


@dataclass(frozen=True, slots=True)
class EthTransfer:
    """A normal transaction (`txlist`): `value` and `fee` in ETH; `to` is None for a contract creation."""

    hash: str
    block: int
    ts: int
    from_: str
    to: str | None
    value: Decimal
    fee: Decimal
    failed: bool
    created_contract: str | None = None

    @property
    def explorer_url(self) -> str:
        return EXPLORER_TX + self.hash


@dataclass(frozen=True, slots=True)
class TokenTransfer:
    """An ERC-20 transfer (`tokentx`): `value` in whole tokens, scaled by the token's own decimals."""

    hash: str
    block: int
    ts: int
    from_: str
    to: str
    value: Decimal
    token_symbol: str
    token_name: str
    contract: str
    decimals: int

    @property
    def explorer_url(self) -> str:
        return EXPLORER_TX + self.hash


@dataclass(frozen=True, slots=True)
class GasOracle:
    """Suggested gas prices and the next block's base fee, in gwei."""

    last_block: int
    safe: Decimal
    propose: Decimal
    fast: Decimal
    base_fee: Decimal


@dataclass(frozen=True, slots=True)
class EthPrice:
    """The last ETH price Etherscan reports, each quote with its own epoch-seconds stamp."""

    usd: Decimal
    usd_ts: int
    btc: Decimal
    btc_ts: int


def units(raw: str | int, decimals: int) -> Decimal:
    """An integer amount in the smallest unit as an exact Decimal in whole units (wei -> ETH with 18).

    >>> units("5901522149285533025181", 18)
    Decimal('5901.522149285533025181')
    """
    # Built from text, not scaleb/division: those round to the context's 28 digits, and token amounts
    # in wei-like units often have more.
    return Decimal(f"{raw}E-{decimals}")


def _paging(start_block: int, end_block: int, page: int, offset: int, sort: Sort) -> dict[str, str | int]:
    """The block range and page of the account lists (txlist, tokentx)."""
    return {"startblock": start_block, "endblock": end_block, "page": page, "offset": offset, "sort": sort}


class EtherscanClient(ApiClient):
    """Etherscan with an API key (V2 requires one on every plan); errors come inside 200 bodies."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        if not settings.etherscan_api_key:
            raise ValueError("Etherscan needs an API key (CRYPTOMON_ETHERSCAN_API_KEY)")
        self._key = settings.etherscan_api_key
        # V2 is one endpoint (…/v2/api) that takes only a query string; httpx would add a trailing slash
        # to a base URL's path, so the base is the origin and the path is requested as is.
        url = httpx.URL(settings.etherscan_api_url)
        self._path = url.path
        self._sleep = options.get("sleep", asyncio.sleep)
        rate = 1.0 / settings.etherscan_requests_per_second
        super().__init__(str(url.copy_with(path="/")), settings, min_interval=rate, **options)

    async def transactions(
        self,
        address: str,
        start_block: int = 0,
        end_block: int = 99999999,
        page: int = 1,
        offset: int = 100,
        sort: Sort = "desc",
    ) -> list[EthTransfer]:
        """Normal transactions to or from `address` (`page` of `offset` rows); [] when there are none."""
        paging = _paging(start_block, end_block, page, offset, sort)
        rows = await self._call(_TXS, module="account", action="txlist", address=address, **paging)
        return [
            EthTransfer(
                hash=row.hash,
                block=row.block_number,
                ts=row.timestamp,
                from_=row.sender,
                to=row.to or None,
                value=units(row.value, ETH_DECIMALS),
                fee=units(int(row.gas_price) * int(row.gas_used), ETH_DECIMALS),
                failed=row.is_error == "1",
                created_contract=row.contract_address or None,
            )
            for row in rows
        ]

    async def token_transfers(
        self,
        address: str | None = None,
        contract: str | None = None,
        start_block: int = 0,
        end_block: int = 99999999,
        page: int = 1,
        offset: int = 100,
        sort: Sort = "desc",
    ) -> list[TokenTransfer]:
        """ERC-20 transfers of `address`, of the token `contract`, or of that token for that address."""
        if address is None and contract is None:
            raise ValueError("token_transfers needs an address, a contract, or both")
        where = {"address": address, "contractaddress": contract}
        given = {key: value for key, value in where.items() if value is not None}
        paging = _paging(start_block, end_block, page, offset, sort)
        rows = await self._call(_TOKEN_TXS, module="account", action="tokentx", **given, **paging)
        return [
            TokenTransfer(
                hash=row.hash,
                block=row.block_number,
                ts=row.timestamp,
                from_=row.sender,
                to=row.to,
                value=units(row.value, row.token_decimal),
                token_symbol=row.token_symbol,
                token_name=row.token_name,
                contract=row.contract_address,
                decimals=row.token_decimal,
            )
            for row in rows
        ]

    async def balance(self, address: str) -> Decimal:
        """The ETH balance of `address` at the latest block."""
        wei = await self._call(_DIGITS, module="account", action="balance", address=address, tag="latest")
        return units(wei, ETH_DECIMALS)

    async def balances(self, addresses: Sequence[str]) -> dict[str, Decimal]:
        """ETH balances keyed by the addresses as given (Etherscan answers in lower case)."""
        wanted = {address.lower(): address for address in addresses}
        found: dict[str, Decimal] = {}
        batch = list(wanted.values())
        for start in range(0, len(batch), BALANCEMULTI_MAX):
            rows = await self._call(
                _BALANCES,
                module="account",
                action="balancemulti",
                address=",".join(batch[start : start + BALANCEMULTI_MAX]),
                tag="latest",
            )
            for row in rows:
                if row.account.lower() in wanted:
                    found[wanted[row.account.lower()]] = units(row.balance, ETH_DECIMALS)
        return found

    async def gas_oracle(self) -> GasOracle:
        gas = await self._call(_GAS, module="gastracker", action="gasoracle")
        return GasOracle(gas.last_block, gas.safe, gas.propose, gas.fast, gas.base_fee)

    async def block_number(self) -> int:
        """The latest block number (the proxy module answers JSON-RPC style, in hex)."""
        height = await self._call(_HEX, module="proxy", action="eth_blockNumber")
        return int(height, 16)

    async def eth_price(self) -> EthPrice:
        price = await self._call(_PRICE, module="stats", action="ethprice")
        return EthPrice(price.ethusd, price.ethusd_timestamp, price.ethbtc, price.ethbtc_timestamp)

    async def eth_supply(self) -> Decimal:
        """Total ETH supply in ETH."""
        wei = await self._call(_DIGITS, module="stats", action="ethsupply")
        return units(wei, ETH_DECIMALS)

    async def _call(self, adapter: TypeAdapter[T], **params: str | int) -> T:
        what = f"Etherscan {params['module']}/{params['action']}"
        query = {"chainid": CHAIN_ID, **params, "apikey": self._key}
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            reply = await self.http.get_json(self._path, _REPLY, params=query)
            reason = _failure(reply)
            if reason is None:
                # Re-serialized so a bad `result` fails with the same MalformedMessage as a bad body.
                return parse_json(adapter, json.dumps(reply.result), what)
            if not _per_second_limit(reason):
                raise HttpError(f"{what}: {reason}")
            if attempt == RATE_LIMIT_RETRIES:
                raise HttpError(f"{what}: {reason}", status=429)
            # The limit is counted per second, so a full second (then two, four) clears it.
            delay = RATE_LIMIT_WAIT * 2**attempt
            log.info("%s rate limited, retrying in %.1fs", what, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable")


def _failure(reply: _Reply) -> str | None:
    """Why a 200 body is an error, or None. Status "0" with an empty list is Etherscan's way of saying
    "No transactions found" (and the like): an empty answer, not a failure."""
    if reply.error is not None:
        return reply.error.message or f"JSON-RPC error {reply.error.code}"
    if reply.status == "0" and reply.result != []:
        return reply.result if isinstance(reply.result, str) and reply.result else str(reply.message)
    return None


def _per_second_limit(reason: str) -> bool:
    # "Max rate limit reached", "Max calls per sec rate limit reached (5/sec)": worth a retry. The daily
    # quota ("Max daily rate limit reached") is not.
    reason = reason.lower()
    return "rate limit" in reason and "daily" not in reason
