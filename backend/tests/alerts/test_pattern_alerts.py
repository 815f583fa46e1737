"""PATTERN_DETECTED on real recorded BTC-USD hours: candlestick and chart patterns fire on the bars TA-Lib and
chart.detect say they complete on, with the signal as the value, once per occurrence and only once with
ONCE; the backtest reports the same bars; bad rules are 422s naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest
import talib
from fastapi import FastAPI

from app.alerts import operands
from app.alerts.engine import Rule
from app.alerts.render import trigger_message
from app.alerts.worker import AlertEngine
from app.core.clock import isoformat_z
from app.quant.indicators import library
from app.quant.indicators.spec import PRICE_INPUTS, Series
from tests.alerts import test_bar_rules
from tests.alerts.test_bar_rules import (
    FIRST,
    HISTORY,
    HOUR,
    LIVE,
    RECORDED,
    T0,
    Market,
    _backtest,
    _create,
    _fired,
)
from tests.conftest import register

# The recorded market and the engine judging it, as in test_bar_rules (fixtures, found by name).
market = test_bar_rules.market
engine = test_bar_rules.engine

WINDOW = Series(
    *(np.asarray(getattr(RECORDED, c)[FIRST - HISTORY : FIRST + LIVE]) for c in ("ts", *PRICE_INPUTS))
)
ENGULFING = talib.CDLENGULFING(WINDOW.open, WINDOW.high, WINDOW.low, WINDOW.close).astype(np.float64)


def closes(signal: np.ndarray, keep: Any) -> list[tuple[str, float]]:
    """(close time, signal) of the live bars whose signal `keep` accepts."""
    return [
        (isoformat_z(datetime.fromtimestamp(int(WINDOW.ts[i]) + HOUR, UTC)), float(signal[i]))
        for i in range(HISTORY, HISTORY + LIVE)
        if keep(signal[i])
    ]


def chart_signal(name: str) -> np.ndarray:
    # The stored history starts where WINDOW does: the engine and the backtest scan the same bars.
    return library.compute(name, WINDOW)["value"]


async def _events(client: httpx.AsyncClient, headers: dict[str, str], alert_id: int) -> list[dict[str, Any]]:
    listed = await client.get("/api/notifications?channel=IN_APP&limit=500", headers=headers)
    found = [n for n in listed.json()["data"]["notifications"] if n["alertId"] == alert_id]
    return sorted((dict(n["event"]) | {"title": n["title"]} for n in found), key=lambda e: e["timestamp"])


CASES = {
    # Bullish engulfings only (the default is any: CDLENGULFING has both forms).
    "engulfing-bullish": ({"pattern": "cdlengulfing", "direction": "bullish"}, ENGULFING, lambda v: v > 0),
    # Both forms: bars 37 and 38 of the live hours are a bearish then a bullish one, each its own trigger.
    "engulfing-any": ({"pattern": "CDLENGULFING"}, ENGULFING, lambda v: v != 0),
    # Chart patterns: the inverse head and shoulders is bullish by default...
    "inverse-head-and-shoulders": (
        {"pattern": "inverse_head_and_shoulders", "timeframe": "1h"},
        chart_signal("INVERSE_HEAD_AND_SHOULDERS"),
        lambda v: v > 0,
    ),
    # ... and of the three descending triangles completing here, one breaks out downwards.
    "descending-triangle-bearish": (
        {"pattern": "Descending Triangle", "direction": "bearish"},
        chart_signal("DESCENDING_TRIANGLE"),
        lambda v: v < 0,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_a_pattern_fires_on_the_bars_it_completes_on_with_its_signal(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine, name: str
) -> None:
    metadata, signal, keep = CASES[name]
    expected = closes(signal, keep)
    assert expected, f"{name} never completes in these {LIVE} real hours: the test would prove nothing"
    trader = await register(client)
    rule = {"condition": "PATTERN_DETECTED", "metadata": metadata}
    alert = await _create(client, trader, rule)
    await engine.reload(alert["id"])
    await market.push_until(FIRST + LIVE, engine)
    assert await _fired(app, alert["id"]) == [at for at, _ in expected]
    events = await _events(client, trader.headers, alert["id"])
    assert [(e["timestamp"], e["indicatorValue"]) for e in events] == expected
    assert all(e["direction"] == ("UP" if e["indicatorValue"] > 0 else "DOWN") for e in events)
    tested = await _backtest(client, trader, rule)
    assert [(t["timestamp"], t["value"]) for t in tested["triggers"]] == expected
    assert tested["count"] == len(expected) and tested["evaluatedOn"] == "BAR_CLOSES"


async def test_once_fires_on_the_first_pattern_only_and_the_alert_is_triggered(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    trader = await register(client)
    rule = {"condition": "PATTERN_DETECTED", "metadata": {"pattern": "CDLHAMMER"}, "frequency": "ONCE"}
    alert = await _create(client, trader, rule)
    await engine.reload(alert["id"])
    await market.push_until(FIRST + LIVE, engine)
    hammers = talib.CDLHAMMER(WINDOW.open, WINDOW.high, WINDOW.low, WINDOW.close).astype(np.float64)
    first, *later = closes(hammers, lambda v: v > 0)
    assert later, "one hammer only: ONCE would prove nothing"
    assert await _fired(app, alert["id"]) == [first[0]]
    [event] = await _events(client, trader.headers, alert["id"])
    closing = datetime.fromisoformat(first[0])
    assert event["title"] == "BTC-USD: Hammer (bullish) (1h)"
    assert event["summary"] == f"Hammer (bullish) on the 1h bar closing {closing:%Y-%m-%d %H:%M} UTC"
    assert event["pattern"] == "CDLHAMMER" and event["threshold"] is None and event["indicatorValue"] == 100
    shown = (await client.get(f"/api/alerts/{trader.id}/{alert['id']}", headers=trader.headers)).json()[
        "data"
    ]
    assert shown["status"] == "TRIGGERED" and shown["triggerCount"] == 1
    tested = await _backtest(client, trader, rule)
    assert [t["timestamp"] for t in tested["triggers"]] == [first[0]]


async def test_the_alert_shows_its_rule_with_defaults_filled(client: httpx.AsyncClient) -> None:
    trader = await register(client)
    created = await _create(
        client, trader, {"condition": "PATTERN_DETECTED", "metadata": {"pattern": "double bottom"}}
    )
    assert created["threshold"] is None and created["confirmation"] is None
    assert created["metadata"] == {"pattern": "double_bottom", "direction": "bullish", "timeframe": "1h"}
    listed = (await client.get(f"/api/alerts/{trader.id}", headers=trader.headers)).json()["data"]["alerts"]
    assert [a["metadata"] for a in listed] == [created["metadata"]] and listed[0][
        "condition"
    ] == "PATTERN_DETECTED"
    url = f"/api/alerts/{trader.id}/{created['id']}"
    patched = await client.patch(
        url, json={"metadata": {"pattern": "cdldoji", "timeframe": "4h"}}, headers=trader.headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["metadata"] == {"pattern": "CDLDOJI", "direction": "any", "timeframe": "4h"}
    refused = await client.patch(url, json={"threshold": 1}, headers=trader.headers)
    assert refused.status_code == 422 and refused.json()["field"] == "threshold"


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"metadata": {}}, "metadata.pattern"),
        ({"metadata": {"pattern": "CDLNOPE"}}, "metadata.pattern"),
        ({"metadata": {"pattern": "triple_top"}}, "metadata.pattern"),
        ({"metadata": {"pattern": 3}}, "metadata.pattern"),
        ({"metadata": {"pattern": "CDLENGULFING", "direction": "up"}}, "metadata.direction"),
        ({"metadata": {"pattern": "CDLHAMMER", "direction": "bearish"}}, "metadata.direction"),
        ({"metadata": {"pattern": "double_top", "direction": "bullish"}}, "metadata.direction"),
        ({"metadata": {"pattern": "CDLDOJI", "direction": "bullish"}}, "metadata.direction"),
        ({"metadata": {"pattern": "bull_flag", "timeframe": "2h"}}, "metadata.timeframe"),
        ({"metadata": {"pattern": "bull_flag", "timeframe": ["1h"]}}, "metadata.timeframe"),
        ({"metadata": {"pattern": "CDLENGULFING", "indicator": "RSI"}}, "metadata.indicator"),
        ({"metadata": {"pattern": "CDLENGULFING"}, "threshold": 0}, "threshold"),
        ({"metadata": {"pattern": "CDLENGULFING"}, "frequency": "ONCE_PER_BAR_CLOSE"}, "frequency"),
    ],
)
async def test_bad_pattern_rules_are_422s_naming_the_field(
    client: httpx.AsyncClient, rule: dict[str, Any], field: str
) -> None:
    trader = await register(client)
    body = {
        "userId": trader.id,
        "symbol": "BTC-USD",
        "channels": ["IN_APP"],
        "condition": "PATTERN_DETECTED",
        **rule,
    }
    created = await client.post("/api/alerts", json=body, headers=trader.headers)
    assert created.status_code == 422 and created.json()["code"] == "VALIDATION_ERROR", created.text
    assert created.json()["field"] == field, created.text
    tested = await client.post(
        "/api/alerts/backtest",
        json={"symbol": "BTC-USD", "condition": "PATTERN_DETECTED", **rule},
        headers=trader.headers,
    )
    assert tested.status_code == 422 and tested.json()["field"] == field
    assert (await client.get(f"/api/alerts/{trader.id}", headers=trader.headers)).json()["data"]["total"] == 0


def test_the_rule_is_the_pattern_signal_on_bar_closes() -> None:
    bar = operands.build(
        "PATTERN_DETECTED", None, {"pattern": "CDLENGULFING", "direction": "bearish"}, "ONCE", None
    )
    assert isinstance(bar, operands.BarRule) and bar.pattern is not None
    assert (bar.operand, bar.timeframe, bar.spec.level, bar.spec.every_bar) == (
        "CDLENGULFING",
        "1h",
        -1,
        True,
    )
    fired = bar.spec.signals(np.array([np.nan, 0, -80, -100, 100, 0, -100.0]), None, start=1)
    assert np.flatnonzero(fired).tolist() == [2, 3, 6]  # every bearish one, consecutive ones too
    rule = Rule(1, 7, "BTC-USD", "PATTERN_DETECTED", -1, "ONCE", 0, None, None, ["IN_APP"], 3600, bar=bar)
    closed = datetime.fromtimestamp(T0 + 14 * HOUR, UTC)
    message = trigger_message(rule, 97_000.5, closed, (-80.0, False))
    assert (
        message.body
        == "BTC-USD: Engulfing (bearish) on the 1h bar closing 2025-01-01 14:00 UTC, close 97,000.5"
    )
    assert message.fields["Signal"] == "-80" and message.event["direction"] == "DOWN"
