"""Rules strategies on patterns (both deployments, real BTC-USD hours): `CDLENGULFING() > 0` and
`DOUBLE_BOTTOM() > 0` trade exactly where TA-Lib's signal and chart.detect's completions say, filled at the
next bar's open."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest
import talib

from app.backtesting.engine import Costs, run
from app.config import Settings
from app.core.clock import isoformat_z
from app.quant.indicators.spec import Array
from app.quant.patterns import chart
from tests.backtesting.conftest import RECORDED, trader_with_hours
from tests.conftest import Account

LAST = len(RECORDED.ts) - 24 * 30  # `to`: a fixed, real date
START = LAST - 24 * 180  # `from`: half a year tested
FIRST = START - 24 * 30  # the first candle stored: a month of warm-up, more than any of these rules needs


@pytest.fixture
async def trader(settings: Settings, client: httpx.AsyncClient) -> Account:
    return await trader_with_hours(settings, client, FIRST, LAST)


def columns(warm_up: int) -> tuple[Array, ...]:
    """ts, open, high, low, close of the window the service loads: `warm_up` bars before `from`, to `to`."""
    window = slice(START - warm_up, LAST)
    return tuple(np.asarray(getattr(RECORDED, c)[window]) for c in ("ts", "open", "high", "low", "close"))


def chart_flags(kind: str, warm_up: int) -> Array:
    """Where chart.detect, run once over the window, completes a pattern of `kind`."""
    flags = np.zeros(warm_up + LAST - START, dtype=np.bool_)
    for detection in chart.detect(*columns(warm_up), kinds=[kind]).detections:
        flags[detection.end.index] = detection.end.index >= 2 * chart.MIN_BARS - 1  # the catalog's lookback
    return flags


async def backtest(client: httpx.AsyncClient, trader: Account, rules: dict[str, str]) -> dict[str, Any]:
    body = {
        "strategyName": "Rules",
        "symbol": "BTC-USD",
        "interval": "1h",
        "parameters": rules,
        "from": isoformat_z(datetime.fromtimestamp(int(RECORDED.ts[START]), UTC)),
        "to": isoformat_z(datetime.fromtimestamp(int(RECORDED.ts[LAST]), UTC)),
        "initialCapital": 10000,
    }
    response = await client.post("/api/backtest/strategy", json=body, headers=trader.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    detail = await client.get(f"/api/backtest/{data['backtestId']}/data", headers=trader.headers)
    return data | {"trades": detail.json()["data"]["trades"]}


def assert_trades(
    trades: list[dict[str, Any]], warm_up: int, entry: Array, exit_: Array, at_least: int
) -> None:
    """The run's trades are the engine's on these flags, each entered on the open after an entry signal and
    left on the open after an exit signal (or at the end)."""
    _, opens, highs, lows, closes = (c[warm_up:] for c in columns(warm_up))
    entry, exit_ = entry[warm_up:], exit_[warm_up:]
    expected = run(opens, highs, lows, closes, entry, exit_, 10_000.0, Costs(fee=0.001))
    assert [t["entryBar"] for t in trades] == expected.entry_bar.tolist()
    assert [t["exitBar"] for t in trades] == expected.exit_bar.tolist()
    assert [t["entryPrice"] for t in trades] == expected.entry_price.tolist()
    assert len(trades) >= at_least
    for trade in trades:
        assert entry[trade["entryBar"] - 1] and trade["entryPrice"] == opens[trade["entryBar"]]
        assert trade["side"] == "LONG"
        if trade["exitReason"] == "SIGNAL":
            assert exit_[trade["exitBar"] - 1] and trade["exitPrice"] == opens[trade["exitBar"]]
        else:
            assert trade["exitReason"] == "END" and trade is trades[-1]


async def test_engulfing_rules_trade_on_talibs_signal(client: httpx.AsyncClient, trader: Account) -> None:
    result = await backtest(client, trader, {"entry": "CDLENGULFING() > 0", "exit": "CDLENGULFING() < 0"})
    assert result["parameters"] == {"entry": "CDLENGULFING() > 0", "exit": "CDLENGULFING() < 0"}
    warm_up = 100  # 10x TA-Lib's lookback of 2, at least 100 bars
    _, opens, highs, lows, closes = columns(warm_up)
    signal = talib.CDLENGULFING(opens, highs, lows, closes)
    assert_trades(result["trades"], warm_up, signal > 0, signal < 0, at_least=50)
    assert result["results"]["totalTrades"] == len(result["trades"])


async def test_double_bottom_rules_trade_on_the_completed_patterns(
    client: httpx.AsyncClient, trader: Account
) -> None:
    rules = {"entry": "DOUBLE_BOTTOM() > 0", "exit": "DOUBLE_TOP() < 0"}
    result = await backtest(client, trader, rules)
    warm_up = 590  # 10x the chart patterns' lookback of 59
    entry, exit_ = chart_flags("double_bottom", warm_up), chart_flags("double_top", warm_up)
    assert entry[warm_up:].sum() >= 4 and exit_[warm_up:].sum() >= 4  # half a year: several of each
    assert_trades(result["trades"], warm_up, entry, exit_, at_least=2)
