"""Rules on bar closes over real recorded BTC-USD hours: indicator, formula, channel, move, volume-spike and
ONCE_PER_BAR_CLOSE rules fire on exactly the bars the backtest reports (one evaluator), those bars agree
with TA-Lib computed by hand, a restart neither repeats nor skips a bar, and bad rules are 422s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest
import talib
from fastapi import FastAPI
from sqlalchemy import select

from app.alerts.models import AlertTrigger
from app.alerts.worker import AlertEngine
from app.config import Settings
from app.core.clock import FrozenClock, isoformat_z
from app.core.runtime import Runtime
from app.market import recordings
from tests.conftest import Account, assert_error, make_admin, register

HOUR = 3600
RECORDED = recordings.load("BTC-USD", "1h")
FIRST = int(np.searchsorted(RECORDED.ts, int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())))
HISTORY, LIVE = 900, 240  # bars stored before the rules exist, and bars that close while they watch
T0 = int(RECORDED.ts[FIRST])  # the rules are created as the bar opening at T0 starts
CLOSES = np.asarray(RECORDED.close[FIRST - HISTORY : FIRST + LIVE], dtype=np.float64)


def _candles(start: int, stop: int) -> list[dict[str, Any]]:
    return [
        {
            "timestamp": isoformat_z(datetime.fromtimestamp(int(RECORDED.ts[i]), UTC)),
            "open": float(RECORDED.open[i]),
            "high": float(RECORDED.high[i]),
            "low": float(RECORDED.low[i]),
            "close": float(RECORDED.close[i]),
            "volume": float(RECORDED.volume[i]),
        }
        for i in range(start, stop)
    ]


class Market:
    def __init__(self, client: httpx.AsyncClient, admin: Account, clock: FrozenClock) -> None:
        self.client, self.admin, self.clock = client, admin, clock
        self.next = FIRST

    async def push_until(self, stop: int, engine: AlertEngine | None = None) -> None:
        """Hours close, pushed as the push API's users would, up to bar `stop` (index into the recording);
        the engine judges the bars they close."""
        while self.next < stop:
            upto = min(stop, self.next + 60)
            body = {"symbol": "BTC-USD", "interval": "1h", "candles": _candles(self.next, upto)}
            self.clock.set(datetime.fromtimestamp(int(RECORDED.ts[upto - 1]) + HOUR, UTC))
            pushed = await self.client.post("/api/data/candles", json=body, headers=self.admin.headers)
            assert pushed.json()["data"]["accepted"] == upto - self.next, pushed.text
            if engine is not None:
                await engine.on_bars("BTC-USD", {"1h": int(RECORDED.ts[upto - 1])})
            self.next = upto
        if engine is not None:
            await engine.flush()


@pytest.fixture
async def market(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, clock: FrozenClock
) -> AsyncIterator[Market]:
    app.state.runtime.settings.access_token_ttl_seconds = 365 * 86400  # the clock moves on by weeks
    if app.state.alerts is not None:  # embedded: the app's own engine would judge the same bars
        await app.state.alerts.stop()
    clock.set(datetime.fromtimestamp(T0 - 10 * 86400, UTC))
    admin = await register(client)
    await make_admin(settings, admin.id)
    history = _candles(FIRST - HISTORY, FIRST)
    for start in range(0, HISTORY, 500):
        body = {"symbol": "BTC-USD", "interval": "1h", "candles": history[start : start + 500]}
        assert (await client.post("/api/data/candles", json=body, headers=admin.headers)).status_code == 200
    clock.set(datetime.fromtimestamp(T0, UTC))
    yield Market(client, admin, clock)


@pytest.fixture
async def engine(app: FastAPI) -> AsyncIterator[AlertEngine]:
    started = AlertEngine(app.state.runtime)
    await started.start()
    yield started
    await started.stop()


async def _create(client: httpx.AsyncClient, account: Account, rule: dict[str, Any]) -> dict[str, Any]:
    body = {
        "userId": account.id,
        "symbol": "BTC-USD",
        "channels": ["IN_APP"],
        "frequency": "EVERY_TIME",
        **rule,
    }
    response = await client.post("/api/alerts", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]
    return created


async def _fired(app: FastAPI, alert_id: int) -> list[str]:
    runtime: Runtime = app.state.runtime
    async with runtime.db.session() as session:
        rows = await session.scalars(
            select(AlertTrigger).where(AlertTrigger.alert_id == alert_id).order_by(AlertTrigger.tick_at)
        )
        return [isoformat_z(row.tick_at) for row in rows]


async def _backtest(client: httpx.AsyncClient, account: Account, rule: dict[str, Any]) -> dict[str, Any]:
    body = {
        "symbol": "BTC-USD",
        "frequency": "EVERY_TIME",
        "from": isoformat_z(datetime.fromtimestamp(T0, UTC)),
        "to": isoformat_z(datetime.fromtimestamp(T0 + LIVE * HOUR, UTC)),
        **rule,
    }
    response = await client.post("/api/alerts/backtest", json=body, headers=account.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["data"]
    return result


LEVEL = float(np.median(CLOSES[HISTORY:]))
RULES = {
    "rsi-crossing-up": {"condition": "CROSSING_UP", "threshold": 60, "metadata": {"indicator": "RSI"}},
    "rsi-greater-than": {"condition": "GREATER_THAN", "threshold": 65, "metadata": {"indicator": "RSI"}},
    "formula-4h": {
        "condition": "CROSSING_UP",
        "threshold": 0,
        "metadata": {"formula": "RSI(14) - RSI(28)", "timeframe": "4h"},
    },
    "macd-histogram": {
        "condition": "CROSSING",
        "threshold": 0,
        "metadata": {"indicator": "MACD", "output": "histogram", "params": {"fast_period": 8}},
    },
    "entering-channel": {
        "condition": "ENTERING_CHANNEL",
        "metadata": {"lower": LEVEL * 0.99, "upper": LEVEL * 1.01, "timeframe": "1h"},
    },
    "outside-channel": {
        "condition": "OUTSIDE_CHANNEL",
        "metadata": {"lower": LEVEL * 0.98, "upper": LEVEL, "timeframe": "1h"},
    },
    "moving-up-percent": {
        "condition": "MOVING_UP_PERCENT",
        "threshold": 1.5,
        "metadata": {"window": 6, "timeframe": "1h"},
    },
    "moving-down": {
        "condition": "MOVING_DOWN",
        "threshold": 800,
        "metadata": {"window": 3, "timeframe": "1h"},
    },
    "volume-spike": {
        "condition": "VOLUME_SPIKE",
        "threshold": 2.5,
        "metadata": {"window": 20, "timeframe": "1h"},
    },
    "once-per-bar-close": {
        "condition": "PRICE_ABOVE",
        "threshold": LEVEL,
        "frequency": "ONCE_PER_BAR_CLOSE",
        "metadata": {"timeframe": "1h"},
    },
}


@pytest.mark.parametrize("name", list(RULES))
async def test_a_bar_rule_fires_on_the_bars_its_backtest_reports(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine, name: str
) -> None:
    trader = await register(client)
    alert = await _create(client, trader, RULES[name])
    await engine.reload(alert["id"])
    await market.push_until(FIRST + LIVE, engine)
    fired = await _fired(app, alert["id"])
    tested = await _backtest(client, trader, RULES[name])
    assert fired == [t["timestamp"] for t in tested["triggers"]] and tested["count"] == len(fired)
    assert fired, f"{name} never fired on these {LIVE} real hours: the comparison would prove nothing"


async def test_rsi_crossings_agree_with_talib_computed_by_hand(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    trader = await register(client)
    alert = await _create(client, trader, RULES["rsi-crossing-up"])
    await engine.reload(alert["id"])
    await market.push_until(FIRST + LIVE, engine)
    rsi = talib.RSI(CLOSES, timeperiod=14)
    expected = [
        isoformat_z(datetime.fromtimestamp(T0 + (i - HISTORY + 1) * HOUR, UTC))
        for i in range(HISTORY, HISTORY + LIVE)
        if rsi[i - 1] < 60 <= rsi[i]
    ]
    assert await _fired(app, alert["id"]) == expected


async def test_a_restart_neither_repeats_nor_skips_a_bar(
    app: FastAPI, client: httpx.AsyncClient, market: Market
) -> None:
    trader = await register(client)
    rule = RULES["moving-up-percent"]
    alert = await _create(client, trader, rule)
    first = AlertEngine(app.state.runtime)
    await first.start()
    await market.push_until(FIRST + LIVE // 2, first)
    await first.stop()
    second = AlertEngine(app.state.runtime)  # rebuilt from the rows: it knows the last bar judged
    await second.start()
    await second.on_bars("BTC-USD", {"1h": int(RECORDED.ts[FIRST + LIVE // 2 - 1])})  # judged already
    await market.push_until(FIRST + LIVE, second)
    await second.stop()
    tested = await _backtest(client, trader, rule)
    assert await _fired(app, alert["id"]) == [t["timestamp"] for t in tested["triggers"]]


async def test_a_reload_before_the_triggers_are_written_neither_repeats_nor_skips_a_bar(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    trader = await register(client)
    rule = RULES["moving-up-percent"]
    alert = await _create(client, trader, rule)
    await engine.reload(alert["id"])
    await engine.writer.stop()  # what the engine decides now is not in the row yet
    await market.push_until(FIRST + LIVE // 2)
    await engine.on_bars("BTC-USD", {"1h": int(RECORDED.ts[FIRST + LIVE // 2 - 1])})
    await engine.reload(alert["id"])  # e.g. its alerts:changed message, read from the stale row
    engine.writer.start()
    await market.push_until(FIRST + LIVE, engine)
    tested = await _backtest(client, trader, rule)
    assert await _fired(app, alert["id"]) == [t["timestamp"] for t in tested["triggers"]]


async def test_once_fires_once_and_the_alert_is_triggered(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    trader = await register(client)
    alert = await _create(client, trader, {**RULES["volume-spike"], "frequency": "ONCE"})
    await engine.reload(alert["id"])
    await market.push_until(FIRST + LIVE, engine)
    [fired] = await _fired(app, alert["id"])
    state = (await client.get(f"/api/alerts/{trader.id}/{alert['id']}", headers=trader.headers)).json()[
        "data"
    ]
    assert state["status"] == "TRIGGERED" and state["triggerCount"] == 1
    tested = await _backtest(client, trader, {**RULES["volume-spike"], "frequency": "ONCE"})
    assert [t["timestamp"] for t in tested["triggers"]] == [fired]


async def test_backtest_forward_returns_are_the_later_closes(
    client: httpx.AsyncClient, market: Market
) -> None:
    await market.push_until(FIRST + LIVE)
    trader = await register(client)
    rule = {**RULES["moving-up-percent"], "to": isoformat_z(datetime.fromtimestamp(T0 + 100 * HOUR, UTC))}
    result = await _backtest(client, trader, rule)
    assert result["timeframe"] == "1h" and result["bars"] == 100 and result["operand"] == "PRICE"
    for trigger in result["triggers"]:
        i = HISTORY + (int(datetime.fromisoformat(trigger["timestamp"]).timestamp()) - T0) // HOUR - 1
        assert trigger["price"] == CLOSES[i]
        assert trigger["returns"]["1h"] == round(CLOSES[i + 1] / CLOSES[i] - 1, 6)
        assert trigger["returns"]["24h"] == round(CLOSES[i + 24] / CLOSES[i] - 1, 6)
        later = round(CLOSES[i + 168] / CLOSES[i] - 1, 6) if i + 168 < len(CLOSES) else None
        assert trigger["returns"]["7d"] == later  # None where history stops before a week later
        assert trigger["direction"] == "UP"
    summary = result["summary"]["1h"]
    assert summary["judged"] == result["count"] > 0
    kept = sum(t["returns"]["1h"] > 0 for t in result["triggers"])
    assert summary["inDirection"] == round(kept / result["count"], 4)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"condition": "MOVING_UP", "threshold": 1, "metadata": {"window": 0}}, "metadata.window"),
        ({"condition": "MOVING_UP", "threshold": 1}, "metadata.window"),
        ({"condition": "MOVING_UP", "threshold": 1, "metadata": {"window": 2.5}}, "metadata.window"),
        (
            {"condition": "CROSSING_UP", "threshold": 70, "metadata": {"indicator": "NOPE"}},
            "metadata.indicator",
        ),
        (
            {
                "condition": "CROSSING_UP",
                "threshold": 70,
                "metadata": {"indicator": "RSI", "params": {"period": 1}},
            },
            "metadata.params",
        ),
        (
            {"condition": "CROSSING_UP", "threshold": 0, "metadata": {"formula": "RSI(14) -"}},
            "metadata.formula",
        ),
        (
            {
                "condition": "CROSSING_UP",
                "threshold": 70,
                "metadata": {"indicator": "RSI", "timeframe": "7m"},
            },
            "metadata.timeframe",
        ),
        ({"condition": "ENTERING_CHANNEL", "metadata": {"lower": 5, "upper": 4}}, "metadata.lower"),
        ({"condition": "INSIDE_CHANNEL", "metadata": {"lower": 5, "upper": "x"}}, "metadata.upper"),
        ({"condition": "VOLUME_SPIKE", "threshold": 0, "metadata": {"window": 5}}, "threshold"),
        ({"condition": "CROSSING", "threshold": -3}, "threshold"),
        ({"condition": "CROSSING"}, "threshold"),
    ],
)
async def test_bad_rules_are_422s_naming_the_field_on_create_and_backtest(
    client: httpx.AsyncClient, rule: dict[str, Any], field: str
) -> None:
    trader = await register(client)
    body = {"userId": trader.id, "symbol": "BTC-USD", "channels": ["IN_APP"], **rule}
    assert_error(await client.post("/api/alerts", json=body, headers=trader.headers), 422, "VALIDATION_ERROR")
    response = await client.post("/api/alerts", json=body, headers=trader.headers)
    assert response.json()["field"] == field
    tested = await client.post(
        "/api/alerts/backtest", json={"symbol": "BTC-USD", **rule}, headers=trader.headers
    )
    assert tested.status_code == 422 and tested.json()["field"] == field
    assert (await client.get(f"/api/alerts/{trader.id}", headers=trader.headers)).json()["data"]["total"] == 0


async def test_backtest_range_checks(client: httpx.AsyncClient) -> None:
    trader = await register(client)
    rule = {"symbol": "BTC-USD", "condition": "CROSSING", "threshold": 100}
    backwards = {**rule, "from": "2025-02-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}
    assert_error(
        await client.post("/api/alerts/backtest", json=backwards, headers=trader.headers),
        400,
        "INVALID_RANGE",
    )
    huge = {**rule, "from": "2020-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}  # 1m bars: millions
    assert_error(
        await client.post("/api/alerts/backtest", json=huge, headers=trader.headers), 400, "RANGE_TOO_LARGE"
    )
    assert_error(
        await client.post(
            "/api/alerts/backtest", json={**rule, "symbol": "NOPE-USD"}, headers=trader.headers
        ),
        400,
        "INVALID_SYMBOL",
    )


async def test_a_custom_indicator_is_an_operand_of_its_owner_only(
    client: httpx.AsyncClient, market: Market
) -> None:
    alice, bob = await register(client), await register(client)
    custom = {"userId": alice.id, "name": "Fast Slow RSI", "formula": "RSI(7) - RSI(21)"}
    assert (
        await client.post("/api/indicators/custom", json=custom, headers=alice.headers)
    ).status_code == 201
    rule = {"condition": "CROSSING_UP", "threshold": 0, "metadata": {"indicator": "Fast Slow RSI"}}
    created = await _create(client, alice, rule)
    assert created["metadata"]["indicator"] == "Fast Slow RSI"
    body = {"userId": bob.id, "symbol": "BTC-USD", "channels": ["IN_APP"], **rule}
    refused = await client.post("/api/alerts", json=body, headers=bob.headers)
    assert refused.status_code == 422 and refused.json()["field"] == "metadata.indicator"
    await market.push_until(FIRST + LIVE)
    inline = {"condition": "CROSSING_UP", "threshold": 0, "metadata": {"formula": "RSI(7) - RSI(21)"}}
    same = await _backtest(client, alice, inline)
    assert same["count"] > 0
    assert (await _backtest(client, alice, rule))["triggers"] == same["triggers"]


async def test_two_users_custom_indicators_of_one_name_are_each_their_own(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    alice, bob = await register(client), await register(client)
    rule = {"condition": "CROSSING_UP", "threshold": 0, "metadata": {"indicator": "Mine"}}
    alerts = {}
    for account, formula in ((alice, "RSI(7) - RSI(21)"), (bob, "RSI(21) - RSI(7)")):
        custom = {"userId": account.id, "name": "Mine", "formula": formula}
        created = await client.post("/api/indicators/custom", json=custom, headers=account.headers)
        assert created.status_code == 201, created.text
        alerts[account.id] = await _create(client, account, rule)
        await engine.reload(alerts[account.id]["id"])
    await market.push_until(FIRST + LIVE, engine)
    for account in (alice, bob):
        fired = await _fired(app, alerts[account.id]["id"])
        tested = await _backtest(client, account, rule)
        assert fired == [t["timestamp"] for t in tested["triggers"]] and fired, account.id


async def test_a_confirmed_price_rule_fires_on_a_tick_only_while_rsi_confirms(
    app: FastAPI, client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    """The seed's form on the real worker path: each recorded hour closes (the engine reads RSI(14) 1h on
    it), then the price crosses 50,000; it fires exactly in the hours whose RSI (TA-Lib) is >= the value."""
    rsi = talib.RSI(CLOSES, timeperiod=14)
    hours = range(HISTORY - 1, HISTORY + 48)  # the hour closed when the rule is made, then 48 more
    value = float(np.median(rsi[list(hours)]))  # some hours confirm, some do not
    trader = await register(client)
    rule = {"condition": "PRICE_ABOVE", "threshold": 50000, "metadata": {"indicator": "RSI", "value": value}}
    alert = await _create(client, trader, rule)
    assert alert["confirmation"]["description"] == f"price above 50,000 while RSI(14) 1h >= {value:,.8g}"
    listed = f"/api/alerts/{trader.id}"

    async def in_list() -> dict[str, Any]:
        [one] = (await client.get(listed, headers=trader.headers)).json()["data"]["alerts"]
        return dict(one["confirmation"])

    # A reload (here, or the engine's own on the alert's change message) reads RSI on the latest stored hour:
    # no wait for the next close.
    await engine.reload(alert["id"])
    url = f"/api/alerts/{trader.id}/{alert['id']}"
    shown = (await client.get(url, headers=trader.headers)).json()["data"]["confirmation"]
    assert shown["reading"] == pytest.approx(rsi[HISTORY - 1], abs=1e-6) and await in_list() == shown
    assert shown["readingAt"] == isoformat_z(datetime.fromtimestamp(T0, UTC))
    fired_in = []
    for i in hours:
        if i >= HISTORY:
            await market.push_until(FIRST + i - HISTORY + 1, engine)
        ts = float(RECORDED.ts[FIRST + i - HISTORY]) + HOUR + 60  # a minute into the next hour
        assert await engine.on_price("BTC-USD", 49_990.0, ts, "test") == []  # below: nothing, or re-arms
        if await engine.on_price("BTC-USD", 50_010.0, ts + 1, "test") == [alert["id"]]:
            fired_in.append(i)
    expected = [i for i in hours if rsi[i] >= value]
    assert fired_in == expected and 0 < len(expected) < len(hours)
    await engine.flush()
    assert len(await _fired(app, alert["id"])) == len(expected)
    shown = (await client.get(url, headers=trader.headers)).json()["data"]["confirmation"]
    assert shown["reading"] == pytest.approx(rsi[hours[-1]], abs=1e-6) and await in_list() == shown


async def test_a_confirmed_price_rule_without_indicator_history_waits_and_says_so(
    client: httpx.AsyncClient, market: Market, engine: AlertEngine
) -> None:
    trader = await register(client)
    rule = {"condition": "PRICE_ABOVE", "threshold": 3000, "metadata": {"indicator": "RSI", "value": 10}}
    alert = await _create(client, trader, {**rule, "symbol": "ETH-USD"})  # no ETH-USD candles stored
    await engine.reload(alert["id"])
    assert await engine.on_price("ETH-USD", 2_900.0, float(T0), "test") == []
    assert await engine.on_price("ETH-USD", 3_100.0, float(T0) + 1, "test") == []  # no RSI: no trigger
    [listed] = (await client.get(f"/api/alerts/{trader.id}", headers=trader.headers)).json()["data"]["alerts"]
    assert listed["confirmation"]["reading"] is None and listed["confirmation"]["readingAt"] is None
